import { ValidationException } from '../../common/http/app.exception.js';
import { nextFires, parseCron } from '../../infra/cron/cron-schedule.js';

export const DEFAULT_PREVIEW_COUNT = 10;
export const MAX_PREVIEW_COUNT = 100;

/** 2026-03-08, 2026-03-08T02:30Z, 2026-03-08T02:30:00.000-05:00 (a time needs Z or an offset). */
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/i;

function text(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new ValidationException({ [name]: 'must be given once' });
  return value;
}

function instant(value: string | undefined): Date {
  if (value === undefined || value === '') return new Date();
  const parsed = ISO_8601.test(value) ? new Date(value) : new Date(NaN);
  if (Number.isNaN(parsed.getTime())) {
    throw new ValidationException({
      from: 'must be an ISO-8601 date or time with Z or an offset, e.g. 2026-03-08T00:00:00Z',
    });
  }
  return parsed;
}

/**
 * The cron preview contract (ARCHITECTURE.md): the next `count` fire times strictly after `from`
 * (default now), as ISO-8601 UTC, computed by the same code the scheduler fires with.
 */
export function previewFires(query: Record<string, unknown>): string[] {
  const fields: Record<string, string> = {};
  const countText = text(query, 'count');
  const count =
    countText === undefined || countText === ''
      ? DEFAULT_PREVIEW_COUNT
      : /^\d{1,4}$/.test(countText)
        ? Number(countText)
        : NaN;
  if (!(count >= 1 && count <= MAX_PREVIEW_COUNT)) fields.count = `must be an integer from 1 to ${MAX_PREVIEW_COUNT}`;
  let from = new Date();
  try {
    from = instant(text(query, 'from'));
  } catch (error) {
    if (!(error instanceof ValidationException)) throw error;
    Object.assign(fields, error.fields);
  }
  const parsed = parseCron(text(query, 'cron') ?? '', text(query, 'timezone') || 'UTC');
  if (!parsed.ok) fields[parsed.field] = parsed.error;
  if (Object.keys(fields).length > 0 || !parsed.ok) throw new ValidationException(fields);
  return nextFires(parsed.schedule, from, count).map((date) => date.toISOString());
}
