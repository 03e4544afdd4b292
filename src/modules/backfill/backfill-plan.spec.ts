import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dateCount, firstDate, MAX_BACKFILL_DATES, nextStep, planErrors, takeDates } from './backfill-plan.js';

const plan = (order: 'ascending' | 'descending') => ({ dateFrom: '2026-02-27', dateThrough: '2026-03-02', order });

describe('backfill plan', () => {
  it('walks the range in either order, across month ends, and stops after the last date', () => {
    const up = plan('ascending');
    assert.equal(firstDate(up), '2026-02-27');
    assert.deepEqual(takeDates(up, firstDate(up), 3), {
      dates: ['2026-02-27', '2026-02-28', '2026-03-01'],
      next: '2026-03-02',
    });
    assert.deepEqual(takeDates(up, '2026-03-02', 5), { dates: ['2026-03-02'], next: null });
    const down = plan('descending');
    assert.equal(firstDate(down), '2026-03-02');
    assert.deepEqual(takeDates(down, firstDate(down), 10), {
      dates: ['2026-03-02', '2026-03-01', '2026-02-28', '2026-02-27'],
      next: null,
    });
    assert.deepEqual(takeDates(down, null, 3), { dates: [], next: null });
  });

  it('counts days including both ends, leap days too', () => {
    assert.equal(dateCount('2024-02-28', '2024-03-01'), 3);
    assert.equal(dateCount('2026-01-01', '2026-01-01'), 1);
    assert.equal(dateCount('2026-01-02', '2026-01-01'), 0);
  });

  it('names every bad field', () => {
    assert.deepEqual(
      planErrors({ dateFrom: '2026-01-01', dateThrough: '2026-01-31', order: 'ascending', parallelism: 2 }),
      {},
    );
    assert.deepEqual(planErrors({ dateFrom: '2026-02-30', dateThrough: 'x', order: 'sideways', parallelism: 0 }), {
      dateFrom: 'must be a date as YYYY-MM-DD',
      dateThrough: 'must be a date as YYYY-MM-DD',
      order: 'must be one of ascending, descending',
      parallelism: 'must be a whole number from 1 to 16',
    });
    assert.equal(
      planErrors({ dateFrom: '2026-01-02', dateThrough: '2026-01-01', order: 'ascending', parallelism: 1 }).dateThrough,
      'must not be before the first date',
    );
    const tooLong = planErrors({
      dateFrom: '2020-01-01',
      dateThrough: '2026-01-01',
      order: 'ascending',
      parallelism: 1,
    });
    assert.equal(tooLong.dateThrough, `the range may cover at most ${MAX_BACKFILL_DATES} dates`);
    assert.ok(
      planErrors({ dateFrom: '2026-01-01', dateThrough: '2026-01-01', order: 'ascending', parallelism: 17 })
        .parallelism,
    );
    assert.ok(
      planErrors({ dateFrom: '2026-01-01', dateThrough: '2026-01-01', order: 'ascending', parallelism: 1.5 })
        .parallelism,
    );
  });

  it('fills free places, waits while full, and ends on the executions it started', () => {
    const running = { parallelism: 3, stopOnFailure: false, nextDate: '2026-01-05' };
    assert.deepEqual(nextStep(running, { active: 1, failed: 0 }), { start: 2 });
    assert.equal(nextStep(running, { active: 3, failed: 0 }), null);
    assert.deepEqual(nextStep(running, { active: 0, failed: 2 }), { start: 3 });
    const done = { ...running, nextDate: null };
    assert.equal(nextStep(done, { active: 1, failed: 0 }), null);
    assert.deepEqual(nextStep(done, { active: 0, failed: 0 }), { end: 'succeeded' });
    assert.deepEqual(nextStep(done, { active: 0, failed: 1 }), { end: 'failed' });
    const halting = { ...running, stopOnFailure: true };
    assert.equal(nextStep(halting, { active: 1, failed: 1 }), null);
    assert.deepEqual(nextStep(halting, { active: 0, failed: 1 }), { end: 'failed' });
  });
});
