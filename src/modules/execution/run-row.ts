import { placeholders, toDateOrNull, toNumber, toNumberOrNull, type Sql, type SqlValue } from './engine-db.js';
import type { RunState } from './job-run.entity.js';

/** What the engine needs of a run to move it between states. */
export interface RunRow {
  id: number;
  executionId: number;
  nodeRunId: string;
  dataDate: string;
  interfaceId: number;
  interfaceName: string;
  jobId: number;
  jobName: string;
  state: RunState;
  attempt: number;
  retriesUsed: number;
  retryCount: number;
  retryIntervalSeconds: number;
  retryBackoffPercent: number;
  retryLost: boolean;
  hostId: number | null;
  waitingOn: number;
  gated: boolean;
  startedAt: Date | null;
  /** A broadcast child: its parent run. */
  parentRunId: number | null;
  /** A broadcast parent: its settings (JSON); null otherwise. */
  broadcastSpec: string | null;
}

/** Run states that keep an execution open. */
export const OPEN_STATES: ReadonlySet<string> = new Set(['waiting', 'queued', 'dispatched', 'running']);

/** What a new attempt starts from (a rerun, or a broadcast child). */
export const FRESH_ATTEMPT = {
  retries_used: 0,
  host_id: null,
  avoid_host_id: null,
  pid: null,
  exit_code: null,
  exit_signal: null,
  error: null,
  tail: null,
  outputs: null,
  inputs: null,
  branch_skipped: 0,
  warned: 0,
  dispatched_at: null,
  started_at: null,
  finished_at: null,
};

export const RUN_COLUMNS =
  'id, execution_id, node_run_id, data_date, interface_id, interface_name, job_id, job_name, state, attempt, ' +
  'retries_used, retry_count, retry_interval_seconds, retry_backoff_percent, retry_lost, host_id, waiting_on, gated, ' +
  'started_at, parent_run_id, broadcast_spec';

export function mapRun(raw: Record<string, unknown>): RunRow {
  return {
    id: toNumber(raw.id),
    executionId: toNumber(raw.execution_id),
    nodeRunId: String(raw.node_run_id),
    dataDate: String(raw.data_date),
    interfaceId: toNumber(raw.interface_id),
    interfaceName: String(raw.interface_name),
    jobId: toNumber(raw.job_id),
    jobName: String(raw.job_name),
    state: raw.state as RunState,
    attempt: toNumber(raw.attempt),
    retriesUsed: toNumber(raw.retries_used),
    retryCount: toNumber(raw.retry_count),
    retryIntervalSeconds: toNumber(raw.retry_interval_seconds),
    retryBackoffPercent: toNumber(raw.retry_backoff_percent),
    retryLost: toNumber(raw.retry_lost) === 1,
    hostId: toNumberOrNull(raw.host_id),
    waitingOn: toNumber(raw.waiting_on),
    gated: toNumber(raw.gated) === 1,
    startedAt: toDateOrNull(raw.started_at),
    parentRunId: toNumberOrNull(raw.parent_run_id),
    broadcastSpec: typeof raw.broadcast_spec === 'string' ? raw.broadcast_spec : null,
  };
}

/** Runs by id, locked for the rest of the transaction on MySQL. */
export async function lockRuns(
  sql: Sql,
  ids: readonly number[],
  where = '',
  params: readonly SqlValue[] = [],
): Promise<RunRow[]> {
  if (ids.length === 0) return [];
  const rows = await sql.rows<Record<string, unknown>>(
    `SELECT ${RUN_COLUMNS} FROM job_run WHERE id IN (${placeholders(ids.length)})${where} ORDER BY id${sql.forUpdate}`,
    [...ids, ...params],
  );
  return rows.map(mapRun);
}

/** Runs matching a condition, locked on MySQL. */
export async function lockRunsWhere(sql: Sql, where: string, params: readonly SqlValue[]): Promise<RunRow[]> {
  const rows = await sql.rows<Record<string, unknown>>(
    `SELECT ${RUN_COLUMNS} FROM job_run WHERE ${where} ORDER BY id${sql.forUpdate}`,
    params,
  );
  return rows.map(mapRun);
}
