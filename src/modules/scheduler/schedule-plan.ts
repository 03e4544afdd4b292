import { firesBetween, nextFires, type CronSchedule } from '../../infra/cron/cron-schedule.js';
import type { MisfirePolicy } from '../dispatch/dispatch.entity.js';

/** setTimeout's limit; a later fire is reached through intermediate timers. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
/** run_all never starts more than this many executions for one dispatch after one outage. */
export const MAX_MISFIRE_RUNS = 1000;

/** The first fire strictly after `after`: the same call the dispatch preview makes (nextFires). */
export function nextFireAfter(schedule: CronSchedule, after: Date): Date | null {
  return nextFires(schedule, after, 1)[0] ?? null;
}

/** How long to wait from `now` for `due` (never negative, never beyond setTimeout's limit). */
export function timerDelay(due: Date, now: number): number {
  return Math.min(Math.max(due.getTime() - now, 0), MAX_TIMER_MS);
}

/** The lock key of one fire: `dispatch:<id>:<scheduledAt ISO>`. */
export function fireLockKey(dispatchId: number, scheduledAt: Date): string {
  return `dispatch:${dispatchId}:${scheduledAt.toISOString()}`;
}

/**
 * The latest fire in (from, to], or null. Searches backwards from `to` in growing windows, so an
 * every-second schedule after a week's outage costs a few hundred steps, not 600,000.
 */
export function latestFireBetween(schedule: CronSchedule, from: Date, to: Date): Date | null {
  const lower = from.getTime();
  for (let window = 60_000; ; window *= 16) {
    const start = Math.max(lower, to.getTime() - window);
    const fires = firesBetween(schedule, new Date(start), to, Number.MAX_SAFE_INTEGER);
    if (fires.length > 0) return fires[fires.length - 1];
    if (start === lower) return null;
  }
}

/**
 * The missed fires to run now, oldest first. Missed = fire times after the last one handled
 * (`lastFireAt`) up to `now`; only those at most `graceMs` old are run at all: skip runs none,
 * run_once the latest, run_all each (up to MAX_MISFIRE_RUNS, the oldest first).
 */
export function planMisfires(
  schedule: CronSchedule,
  policy: MisfirePolicy,
  lastFireAt: Date | null,
  now: Date,
  graceMs: number,
): Date[] {
  if (lastFireAt === null) return [];
  // firesBetween is exclusive of `from`: a fire exactly graceMs old is still within grace.
  const from = new Date(Math.max(lastFireAt.getTime(), now.getTime() - graceMs - 1));
  switch (policy) {
    case 'skip':
      return [];
    case 'run_once': {
      const latest = latestFireBetween(schedule, from, now);
      return latest === null ? [] : [latest];
    }
    case 'run_all':
      return firesBetween(schedule, from, now, MAX_MISFIRE_RUNS);
  }
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar date of `at` in `timezone`, plus `offsetDays`, as YYYY-MM-DD. */
export function dataDateFor(at: Date, timezone: string, offsetDays: number): string {
  let format = dayFormats.get(timezone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
    });
    dayFormats.set(timezone, format);
  }
  const parts = format.formatToParts(at);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const date = new Date(Date.UTC(part('year'), part('month') - 1, part('day') + offsetDays));
  return date.toISOString().slice(0, 10);
}
