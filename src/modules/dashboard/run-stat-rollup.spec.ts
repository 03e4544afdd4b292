import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dailyCounts, runsPerHost, successRate, windowDays } from './dashboard-view.js';
import { aggregateAttempts, endedAttempt, utcDay, type EndedAttempt } from './run-stat-rollup.js';

const DAY1 = Date.UTC(2026, 2, 1, 23, 59, 0);
const DAY2 = Date.UTC(2026, 2, 2, 0, 1, 0);

function attempt(fields: Partial<EndedAttempt>): EndedAttempt {
  return { jobId: 1, hostId: 7, state: 'succeeded', endedAt: DAY1, startedAt: null, finishedAt: null, ...fields };
}

describe('run statistics rollup', () => {
  it('puts attempts in the UTC day they ended, whatever the local time zone', () => {
    assert.equal(utcDay(DAY1), '2026-03-01');
    assert.equal(utcDay(DAY2), '2026-03-02');
    const { jobs } = aggregateAttempts([attempt({}), attempt({ endedAt: DAY2 })]);
    assert.deepEqual(
      jobs.map((row) => [row.day, row.succeeded]),
      [
        ['2026-03-01', 1],
        ['2026-03-02', 1],
      ],
    );
  });

  it('counts every attempt: failed, timed out and lost as failures, killed and skipped as other', () => {
    const states = ['failed', 'timed_out', 'lost', 'succeeded', 'killed', 'skipped'] as const;
    const { jobs, hosts } = aggregateAttempts(states.map((state) => attempt({ state })));
    assert.equal(jobs.length, 1);
    assert.deepEqual([jobs[0].succeeded, jobs[0].failed, jobs[0].otherEnded], [1, 3, 2]);
    assert.deepEqual([hosts[0].id, hosts[0].succeeded, hosts[0].failed], [7, 1, 3]);
  });

  it('times attempts the node ended, from start to finish, and keeps the longest', () => {
    const { jobs } = aggregateAttempts([
      attempt({ startedAt: 1000, finishedAt: 4000 }),
      attempt({ state: 'failed', startedAt: 1000, finishedAt: 2000 }),
      attempt({ state: 'lost', startedAt: 1000, finishedAt: 90_000 }),
      attempt({ state: 'killed', startedAt: 1000, finishedAt: 90_000 }),
      attempt({ state: 'timed_out', startedAt: 5000, finishedAt: 3000 }),
    ]);
    assert.deepEqual([jobs[0].durationCount, jobs[0].durationSumMs, jobs[0].durationMaxMs], [3, 4000, 3000]);
  });

  it('splits rows by job and by host, sorted by day then id', () => {
    const { jobs, hosts } = aggregateAttempts([
      attempt({ jobId: 2, hostId: 0 }),
      attempt({ jobId: 1, hostId: 3, state: 'failed' }),
      attempt({ jobId: 2, hostId: 3 }),
    ]);
    assert.deepEqual(
      jobs.map((row) => [row.id, row.succeeded, row.failed]),
      [
        [1, 0, 1],
        [2, 2, 0],
      ],
    );
    assert.deepEqual(
      hosts.map((row) => [row.id, row.succeeded, row.failed]),
      [
        [0, 1, 0],
        [3, 1, 1],
      ],
    );
  });

  it('takes the start and end a transition writes over the run as read, and host 0 for none', () => {
    const now = new Date(DAY2);
    const run = { jobId: 4, hostId: null, startedAt: new Date(500) };
    assert.deepEqual(endedAttempt(run, 'skipped', now), {
      jobId: 4,
      hostId: 0,
      state: 'skipped',
      endedAt: DAY2,
      startedAt: 500,
      finishedAt: null,
    });
    const written = endedAttempt({ ...run, hostId: 2 }, 'succeeded', now, { started_at: 800, finished_at: 900 });
    assert.deepEqual([written.hostId, written.startedAt, written.finishedAt], [2, 800, 900]);
  });
});

describe('dashboard figures', () => {
  it('lists the UTC days of the window ending today, oldest first', () => {
    assert.deepEqual(windowDays(3, new Date(DAY2)), ['2026-02-28', '2026-03-01', '2026-03-02']);
    assert.equal(windowDays(90, new Date(DAY2)).length, 90);
  });

  it('sums hosts per day, gives zero days for gaps and no rate without judged runs', () => {
    const rows = [
      { day: '2026-03-01', hostId: 1, succeeded: 3, failed: 1, otherEnded: 0 },
      { day: '2026-03-01', hostId: 2, succeeded: 5, failed: 1, otherEnded: 2 },
      { day: '2026-02-01', hostId: 2, succeeded: 9, failed: 9, otherEnded: 9 },
    ];
    const daily = dailyCounts(['2026-02-28', '2026-03-01'], rows);
    assert.deepEqual(daily, [
      { day: '2026-02-28', succeeded: 0, failed: 0, otherEnded: 0, successRate: null },
      { day: '2026-03-01', succeeded: 8, failed: 2, otherEnded: 2, successRate: 80 },
    ]);
    assert.deepEqual(
      [...runsPerHost(['2026-02-28', '2026-03-01'], rows)],
      [
        [1, [0, 4]],
        [2, [0, 8]],
      ],
    );
    assert.equal(successRate(2, 1), 66.7);
  });
});
