import { toNumber, toNumberOrNull } from './engine-db.js';

/** A broadcast job's settings as snapshotted into its run (job_run.broadcast_spec). */
export interface BroadcastSpec {
  /** Hosts running at once; 0 = all. */
  parallel: number;
  /** Percent of the hosts that may fail; null = not limited by percent. */
  failRate: number | null;
  /** Hosts that may fail; null = not limited by count. */
  failCount: number | null;
  /** Kill the runs still running once the budget is exceeded. */
  kill: boolean;
}

/** The JSON spec of an etl_job row (`SELECT *`), or null when the job is not broadcast. */
export function broadcastSpecOf(row: Record<string, unknown>): string | null {
  if (toNumber(row.broadcast ?? 0) !== 1) return null;
  const spec: BroadcastSpec = {
    parallel: toNumber(row.broadcast_parallel ?? 0),
    failRate: toNumberOrNull(row.fail_rate),
    failCount: toNumberOrNull(row.fail_count),
    kill: toNumber(row.kill_on_budget_exceeded ?? 0) === 1,
  };
  return JSON.stringify(spec);
}

export function parseBroadcastSpec(text: unknown): BroadcastSpec | null {
  if (typeof text !== 'string' || text === '') return null;
  const raw = JSON.parse(text) as Partial<BroadcastSpec>;
  return {
    parallel: raw.parallel ?? 0,
    failRate: raw.failRate ?? null,
    failCount: raw.failCount ?? null,
    kill: raw.kill === true,
  };
}

/**
 * Whether `failures` of `total` hosts exceed the budget. With neither a count nor a rate, no
 * failure is allowed; with both, either limit exceeded is enough.
 */
export function budgetExceeded(spec: BroadcastSpec, failures: number, total: number): boolean {
  if (spec.failCount === null && spec.failRate === null) return failures > 0;
  if (spec.failCount !== null && failures > spec.failCount) return true;
  return spec.failRate !== null && failures * 100 > spec.failRate * total;
}
