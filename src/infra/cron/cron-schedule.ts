import { Cron } from 'croner';

/**
 * The one place cron expressions are understood: the dispatch form's preview and the scheduler both
 * go through this file, so what the preview shows is what fires.
 *
 * Rules (the contract users see; the dispatch form's hint and the README summarise them):
 * - Exactly six fields: second minute hour day-of-month month day-of-week.
 * - `L` (last day / last weekday of the month: `L`, `LW`, `5L`, `FRI#L`), `W` (nearest weekday,
 *   `15W`) and `#` (nth weekday, `MON#2`), names JAN-DEC and SUN-SAT, day-of-week 0-7 (0 and 7 =
 *   Sunday, as in crontab).
 * - Quartz-like days: day-of-month and day-of-week cannot both be restricted; one of them must be
 *   `*` or `?` (`?` is allowed only there). This removes the crontab OR-versus-AND surprise.
 * - DST (croner, Vixie-cron style, with fixedTimeRule "no-wildcard"): a schedule whose second,
 *   minute and hour fields hold no `*` and no step is a fixed-time schedule: a time skipped by a
 *   spring-forward fires once at the first valid time after the gap (02:30 → 03:00), a time that
 *   occurs twice fires once, at its first occurrence. Other schedules are interval schedules: they
 *   keep their real-time cadence, skipping the missing hour and firing in both copies of a
 *   repeated one.
 */
export class CronSchedule {
  /** @internal use parseCron. */
  constructor(
    readonly expression: string,
    readonly timezone: string,
    private readonly cron: Cron,
  ) {}

  /** @internal */
  next(after: Date): Date | null {
    return this.cron.nextRun(after);
  }
}

export type CronParseResult =
  { ok: true; schedule: CronSchedule } | { ok: false; field: 'cron' | 'timezone'; error: string };

interface FieldRule {
  name: string;
  min: number;
  max: number;
  characters: RegExp;
}

const FIELDS: readonly FieldRule[] = [
  { name: 'second', min: 0, max: 59, characters: /^[0-9*,/-]+$/ },
  { name: 'minute', min: 0, max: 59, characters: /^[0-9*,/-]+$/ },
  { name: 'hour', min: 0, max: 23, characters: /^[0-9*,/-]+$/ },
  { name: 'day-of-month', min: 1, max: 31, characters: /^[0-9*?,/\-LW]+$/i },
  { name: 'month', min: 1, max: 12, characters: /^[0-9A-Z*,/-]+$/i },
  { name: 'day-of-week', min: 0, max: 7, characters: /^[0-9A-Z*?,/\-#]+$/i },
];

const MAX_EXPRESSION = 128;
const TIMEZONE_NAME = /^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/;

/** The IANA zone name as Intl spells it, or null when Intl does not know it. */
export function canonicalTimezone(timezone: string): string | null {
  if (!TIMEZONE_NAME.test(timezone)) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: timezone }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

function fieldProblem(rule: FieldRule, text: string): string | null {
  if (!rule.characters.test(text)) return `${rule.name}: "${text}" contains characters not allowed here`;
  if (text.includes('?') && text !== '?') return `${rule.name}: ? must stand alone`;
  for (const match of text.matchAll(/([#/]?)(\d+)/g)) {
    const value = Number(match[2]);
    if (match[1] === '#' && (value < 1 || value > 5)) return `${rule.name}: #${value} must be #1 to #5 or #L`;
    if (match[1] === '/' && (value < 1 || value > rule.max)) {
      return `${rule.name}: step /${value} must be from 1 to ${rule.max}`;
    }
    if (match[1] === '' && (value < rule.min || value > rule.max)) {
      return `${rule.name}: ${value} is out of range ${rule.min}-${rule.max}`;
    }
  }
  return null;
}

/** Checks the expression field by field so the message names the field; croner checks the rest. */
function expressionProblem(expression: string): string | null {
  if (expression.length === 0) return 'is required';
  if (expression.length > MAX_EXPRESSION) return `must be at most ${MAX_EXPRESSION} characters`;
  const fields = expression.split(/\s+/);
  if (fields.length !== 6) {
    return `needs exactly 6 fields (second minute hour day-of-month month day-of-week), got ${fields.length}`;
  }
  for (const [index, rule] of FIELDS.entries()) {
    const problem = fieldProblem(rule, fields[index]);
    if (problem) return problem;
  }
  const unrestricted = (field: string) => field === '*' || field === '?';
  if (!unrestricted(fields[3]) && !unrestricted(fields[5])) {
    return 'day-of-month and day-of-week are both set; put ? in one of them (e.g. "0 0 2 ? * MON" or "0 0 2 1 * ?")';
  }
  return null;
}

/** croner's words, with its field numbers turned into field names. */
const cleanMessage = (error: unknown) =>
  (error instanceof Error ? error.message : String(error))
    .replace(/^CronPattern:\s*/, '')
    .replace(/configuration entry (\d) /, (_all, index: string) => `${FIELDS[Number(index)]?.name ?? 'field'} `);

/** Validates an expression and a zone; the schedule, or an error naming the field and the problem. */
export function parseCron(expression: string, timezone: string): CronParseResult {
  const trimmed = expression.trim();
  const problem = expressionProblem(trimmed);
  if (problem) return { ok: false, field: 'cron', error: problem };
  const zone = canonicalTimezone(timezone);
  if (!zone)
    return { ok: false, field: 'timezone', error: `"${timezone}" is not an IANA time zone (e.g. Asia/Shanghai)` };
  let cron: Cron;
  try {
    cron = new Cron(trimmed, {
      timezone: zone,
      mode: '6-part',
      domAndDow: true,
      fixedTimeRule: 'no-wildcard',
      paused: true,
    });
  } catch (error) {
    return { ok: false, field: 'cron', error: cleanMessage(error) };
  }
  const schedule = new CronSchedule(trimmed.replace(/\s+/g, ' '), zone, cron);
  if (schedule.next(new Date()) === null) return { ok: false, field: 'cron', error: 'never fires' };
  return { ok: true, schedule };
}

/** The next `count` fire times strictly after `after`, oldest first (fewer if the schedule ends). */
export function nextFires(schedule: CronSchedule, after: Date, count: number): Date[] {
  const fires: Date[] = [];
  let cursor = after;
  while (fires.length < count) {
    const next = schedule.next(cursor);
    if (next === null) break;
    fires.push(next);
    cursor = next;
  }
  return fires;
}

/**
 * Fire times in (from, to], oldest first, at most `limit` of them: what a scheduler that last
 * handled `from` has missed by `to` (misfire recovery).
 */
export function firesBetween(schedule: CronSchedule, from: Date, to: Date, limit: number): Date[] {
  const fires: Date[] = [];
  let cursor = from;
  while (fires.length < limit) {
    const next = schedule.next(cursor);
    if (next === null || next.getTime() > to.getTime()) break;
    fires.push(next);
    cursor = next;
  }
  return fires;
}
