import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { estimateRun, lateThresholdMs, nextStat, successDurations, type DurationStat } from './run-estimate.js';

const settings = { factorPercent: 150, minSeconds: 60 };
const start = new Date('2026-01-01T00:00:00Z');
const at = (seconds: number) => start.getTime() + seconds * 1000;
const stat = (expectedSeconds: number): DurationStat => ({
  samples: 3,
  expectedMs: expectedSeconds * 1000,
  maxMs: expectedSeconds * 2000,
});

describe('run estimate', () => {
  it('has no numbers without history', () => {
    const estimate = estimateRun({ state: 'running', startedAt: start }, undefined, settings, at(10));
    assert.deepEqual(estimate, { expectedMs: null, maxMs: null, progressPercent: null, etaAt: null, late: false });
  });

  it('reports elapsed / expected and start + expected while running', () => {
    const estimate = estimateRun({ state: 'running', startedAt: start }, stat(200), settings, at(50));
    assert.equal(estimate.progressPercent, 25);
    assert.equal(estimate.etaAt?.toISOString(), '2026-01-01T00:03:20.000Z');
    assert.equal(estimate.expectedMs, 200_000);
    assert.equal(estimate.maxMs, 400_000);
    assert.equal(estimate.late, false);
  });

  it('caps progress at 99 while running and is late past expected × factor', () => {
    const onTime = estimateRun({ state: 'running', startedAt: start }, stat(200), settings, at(299));
    assert.equal(onTime.progressPercent, 99);
    assert.equal(onTime.late, false);
    const late = estimateRun({ state: 'running', startedAt: start }, stat(200), settings, at(301));
    assert.equal(late.late, true);
  });

  it('never calls a short job late before the minimum', () => {
    assert.equal(lateThresholdMs(1000, settings), 60_000);
    const short = estimateRun({ state: 'running', startedAt: start }, stat(1), settings, at(30));
    assert.equal(short.late, false);
    assert.equal(estimateRun({ state: 'running', startedAt: start }, stat(1), settings, at(61)).late, true);
  });

  it('is 100 % once succeeded and has no progress before the start', () => {
    assert.equal(estimateRun({ state: 'succeeded', startedAt: start }, stat(5), settings, at(1)).progressPercent, 100);
    const waiting = estimateRun({ state: 'waiting', startedAt: null }, stat(5), settings, at(1));
    assert.equal(waiting.progressPercent, null);
    assert.equal(waiting.expectedMs, 5000);
  });

  it('learns an exponentially weighted mean and the maximum', () => {
    let learned = nextStat(undefined, 10_000);
    assert.deepEqual(learned, { samples: 1, expectedMs: 10_000, maxMs: 10_000 });
    learned = nextStat(learned, 20_000);
    assert.deepEqual(learned, { samples: 2, expectedMs: 13_000, maxMs: 20_000 });
    learned = nextStat(learned, 3_000);
    assert.deepEqual(learned, { samples: 3, expectedMs: 10_000, maxMs: 20_000 });
  });

  it('learns only from runs that just succeeded', () => {
    const finished = (state: string) => ({ state, startedAt: start, finishedAt: new Date(at(7)) });
    const durations = successDurations([
      { run: { jobId: 1, state: 'succeeded', startedAt: null }, finished: finished('succeeded') },
      { run: { jobId: 2, state: 'failed', startedAt: null }, finished: finished('failed') },
      { run: { jobId: 3, state: 'running', startedAt: start }, started: { startedAt: start } },
    ]);
    assert.deepEqual(durations, [{ jobId: 1, ms: 7000 }]);
  });
});
