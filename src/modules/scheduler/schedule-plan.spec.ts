import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { firesBetween, nextFires, parseCron, type CronSchedule } from '../../infra/cron/cron-schedule.js';
import {
  dataDateFor,
  fireLockKey,
  latestFireBetween,
  MAX_MISFIRE_RUNS,
  MAX_TIMER_MS,
  nextFireAfter,
  planMisfires,
  timerDelay,
} from './schedule-plan.js';

function schedule(expression: string, timezone = 'UTC'): CronSchedule {
  const parsed = parseCron(expression, timezone);
  if (!parsed.ok) throw new Error(`${expression}: ${parsed.error}`);
  return parsed.schedule;
}

const iso = (dates: Date[]) => dates.map((date) => date.toISOString());

/** What the scheduler's timers do: wait for the next fire after the last one, over and over. */
function timerChain(cron: CronSchedule, from: Date, count: number): Date[] {
  const fires: Date[] = [];
  let cursor = from;
  while (fires.length < count) {
    const due = nextFireAfter(cron, cursor);
    if (due === null) break;
    fires.push(due);
    cursor = due;
  }
  return fires;
}

const CASES = [
  { cron: '0 0 2 L * ?', timezone: 'UTC', from: '2026-01-15T00:00:00Z' },
  { cron: '0 0 9 15W * ?', timezone: 'Asia/Shanghai', from: '2026-01-01T00:00:00Z' },
  { cron: '0 30 8 ? * MON#2', timezone: 'America/New_York', from: '2026-01-01T00:00:00Z' },
  { cron: '0 0 1 ? * FRI#L', timezone: 'Europe/London', from: '2026-01-01T00:00:00Z' },
  // Fixed-time schedule across spring-forward (2026-03-29 in Berlin): 02:30 does not exist that day.
  { cron: '0 30 2 * * ?', timezone: 'Europe/Berlin', from: '2026-03-20T00:00:00Z' },
  // Interval schedule across fall-back (2026-11-01 in New York): the repeated hour fires twice.
  { cron: '0 */30 * * * ?', timezone: 'America/New_York', from: '2026-10-31T20:00:00Z' },
] as const;

describe('scheduler next-fire computation against the preview', () => {
  for (const { cron, timezone, from } of CASES) {
    it(`fires "${cron}" in ${timezone} exactly at the preview's times`, () => {
      const parsed = schedule(cron, timezone);
      const preview = nextFires(parsed, new Date(from), 30);
      assert.equal(preview.length, 30);
      assert.deepEqual(iso(timerChain(parsed, new Date(from), 30)), iso(preview));
      // After an outage covering the whole preview, run_all runs the same times, run_once the last.
      const now = preview[preview.length - 1];
      const grace = now.getTime() - new Date(from).getTime();
      assert.deepEqual(iso(planMisfires(parsed, 'run_all', new Date(from), now, grace)), iso(preview));
      assert.deepEqual(iso(planMisfires(parsed, 'run_once', new Date(from), now, grace)), iso([now]));
    });
  }

  it('skips the missing 02:30 on the spring-forward day and fires once at 03:00 (fixed-time rule)', () => {
    const fires = iso(timerChain(schedule('0 30 2 * * ?', 'Europe/Berlin'), new Date('2026-03-27T12:00:00Z'), 3));
    // 02:30 CET = 01:30Z; on 03-29 the first valid time after the gap is 03:00 CEST = 01:00Z; then 02:30 CEST = 00:30Z.
    assert.deepEqual(fires, ['2026-03-28T01:30:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z']);
  });
});

describe('misfire planning', () => {
  const everySecond = schedule('* * * * * *');
  const t0 = new Date('2026-06-01T00:00:00.000Z');
  const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

  it('runs nothing for skip, the latest missed time for run_once and every one within grace for run_all', () => {
    const now = at(20);
    assert.deepEqual(planMisfires(everySecond, 'skip', t0, now, 5000), []);
    assert.deepEqual(iso(planMisfires(everySecond, 'run_once', t0, now, 5000)), iso([at(20)]));
    assert.deepEqual(
      iso(planMisfires(everySecond, 'run_all', t0, now, 5000)),
      iso([at(15), at(16), at(17), at(18), at(19), at(20)]),
    );
  });

  it('never re-runs what was handled before the outage', () => {
    assert.deepEqual(iso(planMisfires(everySecond, 'run_all', at(18), at(20), 60_000)), iso([at(19), at(20)]));
    assert.deepEqual(planMisfires(everySecond, 'run_once', at(20), at(20), 60_000), []);
  });

  it('runs nothing for a dispatch that never fired, or when every missed time is older than the grace', () => {
    assert.deepEqual(planMisfires(everySecond, 'run_all', null, at(20), 60_000), []);
    const daily = schedule('0 0 3 * * ?');
    const now = new Date('2026-06-01T05:00:00Z');
    assert.deepEqual(planMisfires(daily, 'run_once', new Date('2026-05-30T03:00:00Z'), now, 3_600_000), []);
    assert.deepEqual(iso(planMisfires(daily, 'run_once', new Date('2026-05-30T03:00:00Z'), now, 2 * 3_600_000)), [
      '2026-06-01T03:00:00.000Z',
    ]);
  });

  it('finds the latest missed time after a week-long outage and caps run_all', () => {
    const week = 7 * 86_400_000;
    const now = new Date(t0.getTime() + week + 500);
    assert.deepEqual(iso(planMisfires(everySecond, 'run_once', t0, now, week)), [
      new Date(t0.getTime() + week).toISOString(),
    ]);
    const all = planMisfires(everySecond, 'run_all', t0, now, week);
    assert.equal(all.length, MAX_MISFIRE_RUNS);
    assert.equal(all[0].toISOString(), new Date(now.getTime() - week - 500 + 1000).toISOString());
  });

  it('finds the latest fire of a sparse schedule far back in the window', () => {
    const yearly = schedule('0 0 0 1 1 ?');
    const from = new Date('2020-06-01T00:00:00Z');
    const to = new Date('2026-06-01T00:00:00Z');
    const expected = firesBetween(yearly, from, to, 100).at(-1);
    assert.equal(latestFireBetween(yearly, from, to)?.toISOString(), '2026-01-01T00:00:00.000Z');
    assert.equal(expected?.toISOString(), '2026-01-01T00:00:00.000Z');
    assert.equal(latestFireBetween(yearly, new Date('2026-01-01T00:00:00Z'), to), null);
  });
});

describe('fire details', () => {
  it("computes the data date in the dispatch's time zone plus its offset", () => {
    const at = new Date('2026-03-31T16:30:00Z'); // 2026-04-01 00:30 in Shanghai
    assert.equal(dataDateFor(at, 'Asia/Shanghai', 0), '2026-04-01');
    assert.equal(dataDateFor(at, 'Asia/Shanghai', -1), '2026-03-31');
    assert.equal(dataDateFor(at, 'UTC', -1), '2026-03-30');
    assert.equal(dataDateFor(new Date('2026-01-01T07:00:00Z'), 'America/Los_Angeles', -1), '2025-12-30');
    assert.equal(dataDateFor(new Date('2026-01-01T00:00:00Z'), 'UTC', -1), '2025-12-31');
    assert.equal(dataDateFor(new Date('2028-02-28T12:00:00Z'), 'UTC', 1), '2028-02-29');
  });

  it('keys the lock by dispatch and scheduled time, and waits within setTimeout limits', () => {
    assert.equal(fireLockKey(7, new Date('2026-01-02T03:04:05Z')), 'dispatch:7:2026-01-02T03:04:05.000Z');
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(timerDelay(new Date(now + 1500), now), 1500);
    assert.equal(timerDelay(new Date(now - 10), now), 0);
    assert.equal(timerDelay(new Date(now + 60 * 86_400_000), now), MAX_TIMER_MS);
  });
});
