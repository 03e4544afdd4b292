import { deriveInterfaceState } from '../execution/execution-query.service.js';
import { toDateOrNull, toNumber, toText, toTextOrNull } from '../execution/engine-db.js';

export const MONITOR_STATES = ['failed', 'running', 'waiting', 'succeeded'] as const;
export type MonitorState = (typeof MONITOR_STATES)[number];

export const FAILED_RUN_STATES = ['failed', 'timed_out', 'lost', 'killed'] as const;

/** The latest execution_interface row of one interface, as read. */
export interface LatestRow {
  interfaceId: number;
  interfaceName: string;
  folder: string;
  executionId: number;
  /** Distance from the execution's own interface (upstream first within an execution). */
  level: number;
  dataDate: string;
  storedState: string;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** Runs of one (execution, interface) folded by state. */
export interface RunAggregate {
  states: string[];
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface FailedJob {
  runId: number;
  jobId: number;
  jobName: string;
  state: string;
  exitCode: number | null;
  error: string | null;
}

export interface BlockedInterface {
  interfaceId: number;
  interfaceName: string;
  executionId: number;
}

export interface MonitorRow {
  interfaceId: number;
  interfaceName: string;
  folder: string;
  executionId: number;
  level: number;
  dataDate: string;
  state: MonitorState;
  startedAt: Date | null;
  finishedAt: Date | null;
  durationMs: number | null;
  /** Mean duration of its last succeeded executions (running and waiting ones); null = no history. */
  expectedMs: number | null;
  /** startedAt + expectedMs for a running interface. */
  expectedFinishAt: Date | null;
  late: boolean;
  failedJobs: FailedJob[];
  blocks: BlockedInterface[];
  /** Blocked interfaces the user may not see: counted, not named. */
  hiddenBlocks: number;
}

export const pairKey = (executionId: number, interfaceId: number) => `${executionId}:${interfaceId}`;

export function mapLatest(row: Record<string, unknown>): LatestRow {
  return {
    interfaceId: toNumber(row.interface_id),
    interfaceName: toText(row.interface_name),
    folder: toText(row.folder),
    executionId: toNumber(row.execution_id),
    level: toNumber(row.level),
    dataDate: toText(row.data_date),
    storedState: toText(row.state),
    startedAt: toDateOrNull(row.started_at),
    finishedAt: toDateOrNull(row.finished_at),
  };
}

/** Folds `(execution_id, interface_id, state, MIN(started_at), MAX(finished_at))` groups per pair. */
export function foldAggregates(rows: Record<string, unknown>[]): Map<string, RunAggregate> {
  const result = new Map<string, RunAggregate>();
  for (const row of rows) {
    const key = pairKey(toNumber(row.execution_id), toNumber(row.interface_id));
    const entry = result.get(key) ?? { states: [], startedAt: null, finishedAt: null };
    entry.states.push(toText(row.state));
    entry.startedAt = earliest(entry.startedAt, toDateOrNull(row.started_at));
    entry.finishedAt = latest(entry.finishedAt, toDateOrNull(row.finished_at));
    result.set(key, entry);
  }
  return result;
}

function earliest(a: Date | null, b: Date | null): Date | null {
  if (!a || !b) return a ?? b;
  return a < b ? a : b;
}

function latest(a: Date | null, b: Date | null): Date | null {
  if (!a || !b) return a ?? b;
  return a > b ? a : b;
}

export function mapFailedJob(row: Record<string, unknown>): FailedJob {
  return {
    runId: toNumber(row.id),
    jobId: toNumber(row.job_id),
    jobName: toText(row.job_name),
    state: toText(row.state),
    exitCode: row.exit_code === null || row.exit_code === undefined ? null : toNumber(row.exit_code),
    error: toTextOrNull(row.error),
  };
}

/** State, start, end and duration of one interface's latest execution from its runs. */
export function monitorState(latestRow: LatestRow, aggregate: RunAggregate | undefined) {
  const state = deriveInterfaceState(latestRow.storedState, aggregate?.states ?? []) as MonitorState;
  const startedAt = aggregate?.startedAt ?? latestRow.startedAt;
  const ended = state === 'succeeded' || state === 'failed';
  const finishedAt = ended ? (latestRow.finishedAt ?? aggregate?.finishedAt ?? null) : null;
  const durationMs = startedAt ? (finishedAt ?? new Date()).getTime() - startedAt.getTime() : null;
  return { state, startedAt, finishedAt, durationMs };
}

const ORDER: Record<MonitorState, number> = { failed: 0, running: 1, waiting: 2, succeeded: 3 };

/** Failed first, then running, waiting, succeeded; newest execution first, upstream first, then by name. */
export function compareRows(a: MonitorRow, b: MonitorRow): number {
  return (
    ORDER[a.state] - ORDER[b.state] ||
    b.executionId - a.executionId ||
    a.level - b.level ||
    a.interfaceName.localeCompare(b.interfaceName)
  );
}
