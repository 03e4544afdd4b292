import { ValidationException } from '../../common/http/app.exception.js';
import { MAX_PAGE_LINES } from '../execution/logs/log-store.js';

/** A whole number from 0 to max out of a query string value; `fallback` when absent. */
export function wholeNumber(value: unknown, field: string, fallback: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value) || Number(value) > max) {
    throw new ValidationException({ [field]: `must be a whole number from 0 to ${max}` });
  }
  return Number(value);
}

export const attemptParam = (query: Record<string, unknown>, current: number): number =>
  Math.max(1, wholeNumber(query.attempt, 'attempt', current, 1_000_000));

export const limitParam = (query: Record<string, unknown>, fallback: number): number =>
  Math.max(1, wholeNumber(query.limit, 'limit', fallback, MAX_PAGE_LINES));

export const seqParam = (value: unknown, field: string, fallback: number): number =>
  wholeNumber(value, field, fallback, Number.MAX_SAFE_INTEGER);

/** The search text: 1 to 200 characters. */
export function searchText(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > 200) {
    throw new ValidationException({ q: 'must be 1 to 200 characters' });
  }
  return value;
}

/** A line as the API returns it. */
export const lineView = ({ seq, stream, time, line }: { seq: number; stream: string; time: Date; line: string }) => ({
  seq,
  stream,
  time,
  line,
});
