import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { retryDelayMs } from './retry-policy.js';
import type { RunRow } from './run-row.js';

function run(fields: Partial<RunRow>): RunRow {
  return {
    id: 1,
    executionId: 1,
    nodeRunId: 'jr-1',
    dataDate: '2026-01-01',
    interfaceId: 1,
    interfaceName: 'i',
    jobId: 1,
    jobName: 'j',
    state: 'failed',
    attempt: 1,
    retriesUsed: 0,
    retryCount: 0,
    retryIntervalSeconds: 60,
    retryBackoffPercent: 100,
    retryLost: true,
    hostId: 1,
    waitingOn: 0,
    gated: false,
    startedAt: null,
    parentRunId: null,
    broadcastSpec: null,
    ...fields,
  };
}

describe('retry policy', () => {
  it('retries failed and timed-out runs while retries remain, with back-off', () => {
    assert.equal(retryDelayMs(run({ retryCount: 0 })), null);
    assert.equal(retryDelayMs(run({ retryCount: 2 })), 60_000);
    assert.equal(
      retryDelayMs(run({ state: 'timed_out', retryCount: 3, retriesUsed: 2, retryBackoffPercent: 200 })),
      240_000,
    );
    assert.equal(retryDelayMs(run({ retryCount: 2, retriesUsed: 2 })), null);
  });

  it('retries a lost run at once only when the job allows it, and never a killed one', () => {
    assert.equal(retryDelayMs(run({ state: 'lost' })), 0);
    assert.equal(retryDelayMs(run({ state: 'lost', retriesUsed: 1 })), null);
    assert.equal(retryDelayMs(run({ state: 'lost', retryLost: false, retryCount: 5 })), null);
    assert.equal(retryDelayMs(run({ state: 'killed', retryCount: 5 })), null);
  });
});
