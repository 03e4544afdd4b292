import { isDataDate } from '../execution/dto/execution.dto.js';
import { shiftDate } from '../job/param-resolver.js';

/** Most data dates one backfill may cover (about three years of daily runs). */
export const MAX_BACKFILL_DATES = 1100;
/** Most executions of one backfill running at once. */
export const MAX_BACKFILL_PARALLELISM = 16;

export const BACKFILL_STATES = ['running', 'paused', 'succeeded', 'failed', 'cancelled'] as const;
export type BackfillState = (typeof BACKFILL_STATES)[number];
export const BACKFILL_ORDERS = ['ascending', 'descending'] as const;
export type BackfillOrder = (typeof BACKFILL_ORDERS)[number];

export interface BackfillPlan {
  dateFrom: string;
  dateThrough: string;
  order: BackfillOrder;
  parallelism: number;
  stopOnFailure: boolean;
}

/** Field → message for what is wrong with a plan; empty when it is usable. */
export function planErrors(plan: {
  dateFrom: unknown;
  dateThrough: unknown;
  order: unknown;
  parallelism: unknown;
}): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!isDataDate(plan.dateFrom)) errors.dateFrom = 'must be a date as YYYY-MM-DD';
  if (!isDataDate(plan.dateThrough)) errors.dateThrough = 'must be a date as YYYY-MM-DD';
  if (!errors.dateFrom && !errors.dateThrough) {
    const count = dateCount(plan.dateFrom as string, plan.dateThrough as string);
    if (count < 1) errors.dateThrough = 'must not be before the first date';
    else if (count > MAX_BACKFILL_DATES) errors.dateThrough = `the range may cover at most ${MAX_BACKFILL_DATES} dates`;
  }
  if (!(BACKFILL_ORDERS as readonly unknown[]).includes(plan.order)) {
    errors.order = `must be one of ${BACKFILL_ORDERS.join(', ')}`;
  }
  const parallelism = plan.parallelism;
  if (typeof parallelism !== 'number' || !Number.isInteger(parallelism) || parallelism < 1) {
    errors.parallelism = `must be a whole number from 1 to ${MAX_BACKFILL_PARALLELISM}`;
  } else if (parallelism > MAX_BACKFILL_PARALLELISM) {
    errors.parallelism = `must be a whole number from 1 to ${MAX_BACKFILL_PARALLELISM}`;
  }
  return errors;
}

/** Days from `from` through `through`, both included (0 or less when `through` is earlier). */
export function dateCount(from: string, through: string): number {
  return Math.round((Date.parse(`${through}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

/** The first data date a backfill runs. */
export function firstDate(plan: Pick<BackfillPlan, 'dateFrom' | 'dateThrough' | 'order'>): string {
  return plan.order === 'descending' ? plan.dateThrough : plan.dateFrom;
}

/** The data date after `date` in the plan's order, or null when `date` was the last one. */
export function nextDate(plan: Pick<BackfillPlan, 'dateFrom' | 'dateThrough' | 'order'>, date: string): string | null {
  if (plan.order === 'descending') return date <= plan.dateFrom ? null : shiftDate(date, -1);
  return date >= plan.dateThrough ? null : shiftDate(date, 1);
}

/** Up to `count` dates from `next` on, and the date after them (null when the range is used up). */
export function takeDates(
  plan: Pick<BackfillPlan, 'dateFrom' | 'dateThrough' | 'order'>,
  next: string | null,
  count: number,
): { dates: string[]; next: string | null } {
  const dates: string[] = [];
  let cursor = next;
  while (cursor !== null && dates.length < count) {
    dates.push(cursor);
    cursor = nextDate(plan, cursor);
  }
  return { dates, next: cursor };
}

export interface BackfillProgress {
  /** Executions started that have not ended. */
  active: number;
  /** Executions that ended failed or killed. */
  failed: number;
}

/**
 * What a running backfill does next: start `start` more dates, end with a state, or wait.
 * A failure with stopOnFailure starts nothing more; the backfill ends once the started ones end.
 */
export function nextStep(
  backfill: { parallelism: number; stopOnFailure: boolean; nextDate: string | null },
  progress: BackfillProgress,
): { start: number } | { end: Extract<BackfillState, 'succeeded' | 'failed'> } | null {
  const halted = backfill.stopOnFailure && progress.failed > 0;
  if (backfill.nextDate !== null && !halted) {
    const room = backfill.parallelism - progress.active;
    return room > 0 ? { start: room } : null;
  }
  if (progress.active > 0) return null;
  return { end: progress.failed > 0 ? 'failed' : 'succeeded' };
}
