import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalTimezone, firesBetween, nextFires, parseCron, type CronSchedule } from './cron-schedule.js';

function schedule(expression: string, timezone = 'UTC'): CronSchedule {
  const parsed = parseCron(expression, timezone);
  if (!parsed.ok) throw new Error(`${expression}: ${parsed.error}`);
  return parsed.schedule;
}

const iso = (dates: Date[]) => dates.map((date) => date.toISOString());

function problem(expression: string, timezone = 'UTC'): string {
  const parsed = parseCron(expression, timezone);
  assert.equal(parsed.ok, false, `${expression} should be refused`);
  return parsed.ok ? '' : `${parsed.field}: ${parsed.error}`;
}

describe('cron schedule', () => {
  it('fires on seconds, strictly after the start', () => {
    const every15 = schedule('*/15 * * * * *');
    assert.deepEqual(iso(nextFires(every15, new Date('2026-01-01T00:00:00.000Z'), 3)), [
      '2026-01-01T00:00:15.000Z',
      '2026-01-01T00:00:30.000Z',
      '2026-01-01T00:00:45.000Z',
    ]);
    assert.deepEqual(iso(nextFires(every15, new Date('2026-01-01T00:00:14.999Z'), 1)), ['2026-01-01T00:00:15.000Z']);
  });

  it('understands L (last day, last weekday, last Friday)', () => {
    const start = new Date('2026-01-15T00:00:00Z');
    assert.deepEqual(iso(nextFires(schedule('0 0 2 L * ?'), start, 3)), [
      '2026-01-31T02:00:00.000Z',
      '2026-02-28T02:00:00.000Z',
      '2026-03-31T02:00:00.000Z',
    ]);
    // LW: last weekday; 2026-05-31 is a Sunday, so Friday the 29th.
    assert.deepEqual(iso(nextFires(schedule('0 0 2 LW 5 ?'), start, 1)), ['2026-05-29T02:00:00.000Z']);
    assert.deepEqual(iso(nextFires(schedule('0 0 2 ? * FRI#L'), start, 2)), [
      '2026-01-30T02:00:00.000Z',
      '2026-02-27T02:00:00.000Z',
    ]);
    assert.deepEqual(iso(nextFires(schedule('0 0 2 ? * 5L'), start, 1)), ['2026-01-30T02:00:00.000Z']);
  });

  it('understands W (nearest weekday, not crossing the month)', () => {
    // 2026-02-15 is a Sunday → Monday the 16th; 2026-08-15 is a Saturday → Friday the 14th.
    const fires = iso(nextFires(schedule('0 30 6 15W * ?'), new Date('2026-02-01T00:00:00Z'), 7));
    assert.ok(fires.includes('2026-02-16T06:30:00.000Z'), fires.join());
    assert.ok(fires.includes('2026-08-14T06:30:00.000Z'), fires.join());
    // 2026-08-01 is a Saturday: 1W is Monday the 3rd, never July 31st.
    assert.deepEqual(iso(nextFires(schedule('0 0 0 1W 8 ?'), new Date('2026-07-01T00:00:00Z'), 1)), [
      '2026-08-03T00:00:00.000Z',
    ]);
  });

  it('understands # (nth weekday of the month)', () => {
    assert.deepEqual(iso(nextFires(schedule('0 0 9 ? * MON#2'), new Date('2026-01-01T00:00:00Z'), 3)), [
      '2026-01-12T09:00:00.000Z',
      '2026-02-09T09:00:00.000Z',
      '2026-03-09T09:00:00.000Z',
    ]);
  });

  it('computes in the dispatch time zone', () => {
    assert.deepEqual(iso(nextFires(schedule('0 0 2 * * ?', 'Asia/Shanghai'), new Date('2026-01-01T00:00:00Z'), 2)), [
      '2026-01-01T18:00:00.000Z',
      '2026-01-02T18:00:00.000Z',
    ]);
  });

  it('fires a fixed time skipped by a spring-forward once, right after the gap (America/New_York)', () => {
    // 2026-03-08 02:30 does not exist in New York: clocks go from 02:00 EST to 03:00 EDT.
    const fires = iso(nextFires(schedule('0 30 2 * * ?', 'America/New_York'), new Date('2026-03-07T00:00:00Z'), 3));
    assert.deepEqual(fires, [
      '2026-03-07T07:30:00.000Z', // 02:30 EST
      '2026-03-08T07:00:00.000Z', // 03:00 EDT, the first valid time after the gap
      '2026-03-09T06:30:00.000Z', // 02:30 EDT
    ]);
  });

  it('fires a fixed time that occurs twice in a fall-back once, at its first occurrence', () => {
    // 2026-11-01 01:30 happens at 05:30Z (EDT) and again at 06:30Z (EST).
    const fires = iso(nextFires(schedule('0 30 1 * * ?', 'America/New_York'), new Date('2026-10-31T12:00:00Z'), 2));
    assert.deepEqual(fires, ['2026-11-01T05:30:00.000Z', '2026-11-02T06:30:00.000Z']);
  });

  it('keeps the real-time cadence of an interval schedule across both DST changes (Europe/Berlin)', () => {
    const every30 = schedule('0 */30 * * * ?', 'Europe/Berlin');
    // Spring 2026-03-29: 02:00-03:00 local does not exist; 01:30 CET is followed by 03:00 CEST.
    assert.deepEqual(iso(nextFires(every30, new Date('2026-03-29T00:15:00Z'), 3)), [
      '2026-03-29T00:30:00.000Z',
      '2026-03-29T01:00:00.000Z',
      '2026-03-29T01:30:00.000Z',
    ]);
    // Autumn 2026-10-25: 02:00-03:00 local happens twice; it fires in both.
    assert.deepEqual(iso(nextFires(every30, new Date('2026-10-24T23:45:00Z'), 4)), [
      '2026-10-25T00:00:00.000Z', // 02:00 CEST
      '2026-10-25T00:30:00.000Z', // 02:30 CEST
      '2026-10-25T01:00:00.000Z', // 02:00 CET
      '2026-10-25T01:30:00.000Z', // 02:30 CET
    ]);
  });

  it('lists the fires missed between two instants, start excluded, end included, bounded', () => {
    const hourly = schedule('0 0 * * * *');
    const from = new Date('2026-01-01T00:00:00Z');
    const to = new Date('2026-01-01T03:00:00Z');
    assert.deepEqual(iso(firesBetween(hourly, from, to, 10)), [
      '2026-01-01T01:00:00.000Z',
      '2026-01-01T02:00:00.000Z',
      '2026-01-01T03:00:00.000Z',
    ]);
    assert.equal(firesBetween(hourly, from, to, 2).length, 2);
    assert.deepEqual(firesBetween(hourly, to, to, 10), []);
  });

  it('refuses bad expressions with a message naming the field', () => {
    assert.match(problem('0 0 * * *'), /^cron: needs exactly 6 fields/);
    assert.match(problem('0 0 0 * * * 2027'), /needs exactly 6 fields/);
    assert.match(problem('@daily'), /needs exactly 6 fields/);
    assert.match(problem('61 0 0 * * *'), /second: 61 is out of range 0-59/);
    assert.match(problem('0 0 24 * * *'), /hour: 24 is out of range 0-23/);
    assert.match(problem('0 0 0 32 * ?'), /day-of-month: 32 is out of range 1-31/);
    assert.match(problem('0 0 0 ? 13 *'), /month: 13 is out of range 1-12/);
    assert.match(problem('0 0 0 ? * 8'), /day-of-week: 8 is out of range 0-7/);
    assert.match(problem('0 0 0 ? * MON#6'), /day-of-week: #6 must be #1 to #5/);
    assert.match(problem('0 0 0 1 * MON'), /both set/);
    assert.match(problem('? 0 0 * * *'), /second: .* not allowed/);
    assert.match(problem('0 0 0 L-2 * ?'), /^cron: .*L/);
    assert.match(problem('0 0 0 ? * FOO'), /^cron: /);
    assert.match(problem('0 0 0 30 2 ?'), /never fires/);
    assert.match(problem(''), /is required/);
  });

  it('refuses unknown time zones and canonicalises known ones', () => {
    assert.match(problem('0 0 0 * * *', 'Mars/Olympus'), /^timezone: /);
    assert.match(problem('0 0 0 * * *', '+08:00'), /^timezone: /);
    assert.equal(canonicalTimezone('america/new_york'), 'America/New_York');
    assert.equal(canonicalTimezone('UTC'), 'UTC');
  });
});
