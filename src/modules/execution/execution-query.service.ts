import { Injectable } from '@nestjs/common';
import { notFound } from '../../common/http/app.exception.js';
import { containsPattern, LIKE_ESCAPE } from '../../common/db/like.js';
import { parseBroadcastSpec, type BroadcastSpec } from './broadcast-spec.js';
import { parseInputs, parseOutputs, type RunInputs } from './run-outputs.js';
import {
  EngineDb,
  toDateOrNull,
  toNumber,
  toNumberOrNull,
  type Sql,
  type SqlValue,
  toText,
  toTextOrNull,
} from './engine-db.js';
import { interfaceConditionPositional, type AccessUser } from '../access/access.service.js';

export interface ExecutionListQuery {
  page: number;
  pageSize: number;
  state?: string;
  search?: string;
  dispatchId?: number;
  /** Data dates from/to (YYYY-MM-DD, inclusive). */
  from?: string;
  to?: string;
  /** Only executions of interfaces this user may see. */
  user?: AccessUser;
}

export interface ExecutionSummary {
  id: number;
  dispatchId: number | null;
  dispatchName: string;
  interfaceId: number;
  interfaceName: string;
  dataDate: string;
  scheduledAt: Date | null;
  trigger: string;
  state: string;
  runDownstream: boolean;
  createdBy: string;
  createdAt: Date | null;
  finishedAt: Date | null;
  durationMs: number | null;
  runs: { total: number; succeeded: number; failed: number; active: number };
  /** The backfill that started it (trigger `backfill`), else null. */
  backfillId: number | null;
}

export interface RunView {
  id: number;
  executionId: number;
  interfaceId: number;
  interfaceName: string;
  jobId: number;
  jobName: string;
  state: string;
  attempt: number;
  hostId: number | null;
  hostName: string | null;
  pid: number | null;
  exitCode: number | null;
  signal: string | null;
  error: string | null;
  dispatchedAt: Date | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  durationMs: number | null;
  tail: string[];
  /** What the job printed as `::meshcron::output name=value` (plus `result`). */
  outputs: Record<string, string>;
  /** The upstream outputs the current attempt was sent with (null before it was sent). */
  inputs: RunInputs | null;
  /** Skipped by an edge condition (another branch ran), not because of a failure. */
  branchSkipped: boolean;
  /** A broadcast child: the parent run (the job's run across hosts). */
  parentRunId: number | null;
  /** A broadcast parent: the job's broadcast settings as snapshotted (null = not a broadcast parent). */
  broadcast: BroadcastSpec | null;
  /** A broadcast parent whose failure budget was exceeded in its current attempt. */
  budgetExceeded: boolean;
}

/** One host's run of a broadcast parent's current attempt. */
export interface BroadcastChildView {
  id: number;
  hostName: string | null;
  state: string;
  exitCode: number | null;
  error: string | null;
}

const FAILED = "('failed','timed_out','lost','killed')";
const ACTIVE = "('dispatched','running')";

function duration(start: Date | null, end: Date | null): number | null {
  if (!start) return null;
  return (end ?? new Date()).getTime() - start.getTime();
}

function mapSummary(row: Record<string, unknown>): ExecutionSummary {
  const createdAt = toDateOrNull(row.created_at);
  const finishedAt = toDateOrNull(row.finished_at);
  return {
    id: toNumber(row.id),
    dispatchId: toNumberOrNull(row.dispatch_id),
    dispatchName: toText(row.dispatch_name, ''),
    interfaceId: toNumber(row.interface_id),
    interfaceName: String(row.interface_name),
    dataDate: String(row.data_date),
    scheduledAt: toDateOrNull(row.scheduled_at),
    trigger: String(row.trigger),
    state: String(row.state),
    runDownstream: toNumber(row.run_downstream) === 1,
    createdBy: String(row.created_by),
    createdAt,
    finishedAt,
    durationMs: duration(createdAt, finishedAt),
    runs: {
      total: toNumber(row.runs_total),
      succeeded: toNumber(row.runs_succeeded),
      failed: toNumber(row.runs_failed),
      active: toNumber(row.runs_active),
    },
    backfillId: toNumberOrNull(row.backfill_id),
  };
}

function mapRunView(row: Record<string, unknown>): RunView {
  const startedAt = toDateOrNull(row.started_at);
  const finishedAt = toDateOrNull(row.finished_at);
  let tail: string[];
  try {
    tail = row.tail ? (JSON.parse(toText(row.tail)) as { line: string }[]).map((line) => line.line) : [];
  } catch {
    tail = [];
  }
  return {
    id: toNumber(row.id),
    executionId: toNumber(row.execution_id),
    interfaceId: toNumber(row.interface_id),
    interfaceName: String(row.interface_name),
    jobId: toNumber(row.job_id),
    jobName: String(row.job_name),
    state: String(row.state),
    attempt: toNumber(row.attempt),
    hostId: toNumberOrNull(row.host_id),
    hostName: toTextOrNull(row.host_name),
    pid: toNumberOrNull(row.pid),
    exitCode: toNumberOrNull(row.exit_code),
    signal: toTextOrNull(row.exit_signal),
    error: toTextOrNull(row.error),
    dispatchedAt: toDateOrNull(row.dispatched_at),
    startedAt,
    finishedAt,
    durationMs: startedAt && (finishedAt || row.state === 'running') ? duration(startedAt, finishedAt) : null,
    tail,
    outputs: parseOutputs(row.outputs),
    inputs: row.inputs === null || row.inputs === undefined ? null : parseInputs(row.inputs),
    branchSkipped: toNumber(row.branch_skipped) === 1,
    parentRunId: toNumberOrNull(row.parent_run_id),
    broadcast: parseBroadcastSpec(row.broadcast_spec),
    budgetExceeded: toNumber(row.budget_exceeded) === 1,
  };
}

const SUMMARY_COLUMNS =
  'e.*, (SELECT COUNT(*) FROM job_run r WHERE r.execution_id = e.id) AS runs_total, ' +
  "(SELECT COUNT(*) FROM job_run r WHERE r.execution_id = e.id AND r.state = 'succeeded') AS runs_succeeded, " +
  `(SELECT COUNT(*) FROM job_run r WHERE r.execution_id = e.id AND r.state IN ${FAILED}) AS runs_failed, ` +
  `(SELECT COUNT(*) FROM job_run r WHERE r.execution_id = e.id AND r.state IN ${ACTIVE}) AS runs_active, ` +
  '(SELECT b.backfill_id FROM backfill_date b WHERE b.execution_id = e.id) AS backfill_id';

const RUN_VIEW_COLUMNS =
  'r.id, r.execution_id, r.interface_id, r.interface_name, r.job_id, r.job_name, r.state, r.attempt, r.host_id, ' +
  'h.name AS host_name, r.pid, r.exit_code, r.exit_signal, r.error, r.dispatched_at, r.started_at, r.finished_at, r.tail, ' +
  'r.outputs, r.inputs, r.branch_skipped, r.parent_run_id, r.broadcast_spec, r.budget_exceeded';

/** Reads for the execution pages and API. Interface states are derived from their runs. */
@Injectable()
export class ExecutionQueryService {
  constructor(private readonly db: EngineDb) {}

  async list(query: ExecutionListQuery): Promise<{ rows: ExecutionSummary[]; total: number }> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (query.state) {
      where.push('e.state = ?');
      params.push(query.state);
    }
    if (query.dispatchId !== undefined) {
      where.push('e.dispatch_id = ?');
      params.push(query.dispatchId);
    }
    for (const [bound, operator] of [
      [query.from, '>='],
      [query.to, '<='],
    ] as const) {
      if (bound === undefined) continue;
      where.push(`e.data_date ${operator} ?`);
      params.push(bound);
    }
    if (query.search) {
      where.push(`(e.interface_name LIKE ? ${LIKE_ESCAPE} OR e.dispatch_name LIKE ? ${LIKE_ESCAPE})`);
      params.push(containsPattern(query.search), containsPattern(query.search));
    }
    const visible = query.user && interfaceConditionPositional(query.user, 'e.interface_id');
    if (visible) {
      where.push(visible.sql);
      params.push(...visible.params);
    }
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    return this.db.read(async (sql) => {
      const [{ n }] = await sql.rows<{ n: unknown }>(`SELECT COUNT(*) AS n FROM execution e ${clause}`, params);
      const rows = await sql.rows<Record<string, unknown>>(
        `SELECT ${SUMMARY_COLUMNS} FROM execution e ${clause} ORDER BY e.id DESC LIMIT ? OFFSET ?`,
        [...params, query.pageSize, (query.page - 1) * query.pageSize],
      );
      return { rows: rows.map(mapSummary), total: toNumber(n) };
    });
  }

  async execution(id: number): Promise<ExecutionSummary> {
    const [row] = await this.db.read((sql) =>
      sql.rows<Record<string, unknown>>(`SELECT ${SUMMARY_COLUMNS} FROM execution e WHERE e.id = ?`, [id]),
    );
    if (!row) throw notFound('execution');
    return mapSummary(row);
  }

  async detail(id: number) {
    const execution = await this.execution(id);
    return this.db.read(async (sql) => {
      const runs = (
        await sql.rows<Record<string, unknown>>(
          `SELECT ${RUN_VIEW_COLUMNS} FROM job_run r LEFT JOIN exec_host h ON h.id = r.host_id WHERE r.execution_id = ? ` +
            'ORDER BY r.interface_id, r.id',
          [id],
        )
      ).map(mapRunView);
      const interfaces = await sql.rows<Record<string, unknown>>(
        'SELECT interface_id, interface_name, parent_ids, level, state FROM execution_interface WHERE execution_id = ? ' +
          'ORDER BY level, interface_id',
        [id],
      );
      return {
        execution,
        interfaces: interfaces.map((row) => {
          const interfaceId = toNumber(row.interface_id);
          const own = runs.filter((run) => run.interfaceId === interfaceId);
          return {
            interfaceId,
            interfaceName: String(row.interface_name),
            parentIds: String(row.parent_ids).split(',').filter(Boolean).map(Number),
            level: toNumber(row.level),
            state: deriveInterfaceState(
              String(row.state),
              own.map((run) => run.state),
            ),
            runs: own.length,
          };
        }),
        runs,
      };
    });
  }

  async run(
    id: number,
  ): Promise<
    RunView & { transitions: Record<string, unknown>[]; childRunIds: number[]; children: BroadcastChildView[] }
  > {
    return this.db.read(async (sql) => {
      const [row] = await sql.rows<Record<string, unknown>>(
        `SELECT ${RUN_VIEW_COLUMNS} FROM job_run r LEFT JOIN exec_host h ON h.id = r.host_id WHERE r.id = ?`,
        [id],
      );
      if (!row) throw notFound('run');
      const transitions = await sql.rows<Record<string, unknown>>(
        'SELECT attempt, from_state, to_state, `at`, actor, reason FROM job_run_transition WHERE run_id = ? ORDER BY id',
        [id],
      );
      const view = mapRunView(row);
      const children = view.broadcast ? await broadcastChildren(sql, view) : [];
      return {
        ...view,
        childRunIds: children.map((child) => child.id),
        children,
        transitions: transitions.map((t) => ({
          attempt: toNumber(t.attempt),
          from: String(t.from_state),
          to: String(t.to_state),
          at: toDateOrNull(t.at),
          actor: String(t.actor),
          reason: String(t.reason),
        })),
      };
    });
  }
}

/** What the "run now" form names: a dispatch (with its defaults) or a job. */
export interface RunTarget {
  kind: 'dispatch' | 'job';
  id: number;
  name: string;
  interfaceName: string;
  runDownstream: boolean;
  dataDateOffsetDays: number;
}

export async function readRunTarget(db: EngineDb, kind: 'dispatch' | 'job', id: number): Promise<RunTarget> {
  const sqlText =
    kind === 'dispatch'
      ? 'SELECT d.id, d.name, i.name AS interface_name, d.run_downstream, d.data_date_offset_days FROM dispatch d ' +
        'JOIN etl_interface i ON i.id = d.interface_id WHERE d.id = ?'
      : 'SELECT j.id, j.name, i.name AS interface_name, 0 AS run_downstream, -1 AS data_date_offset_days FROM etl_job j ' +
        'JOIN etl_interface i ON i.id = j.interface_id WHERE j.id = ?';
  const [row] = await db.read((sql) => sql.rows<Record<string, unknown>>(sqlText, [id]));
  if (!row) throw notFound(kind);
  return {
    kind,
    id,
    name: String(row.name),
    interfaceName: String(row.interface_name),
    runDownstream: toNumber(row.run_downstream) === 1,
    dataDateOffsetDays: toNumber(row.data_date_offset_days),
  };
}

/** An interface is running while any of its runs is past waiting, failed once one ended badly. */
export function deriveInterfaceState(stored: string, states: string[]): string {
  if (states.length === 0) return stored === 'succeeded' ? 'succeeded' : 'waiting';
  if (states.every((state) => state === 'succeeded')) return 'succeeded';
  if (states.some((state) => ['dispatched', 'running', 'queued'].includes(state))) return 'running';
  if (states.some((state) => ['failed', 'timed_out', 'lost', 'killed', 'skipped'].includes(state))) {
    return states.some((state) => state === 'waiting') ? 'running' : 'failed';
  }
  return states.some((state) => state === 'succeeded') ? 'running' : 'waiting';
}

/** The host runs of a broadcast parent's current attempt, in host order. */
async function broadcastChildren(sql: Sql, parent: RunView): Promise<BroadcastChildView[]> {
  const rows = await sql.rows<Record<string, unknown>>(
    'SELECT r.id, h.name AS host_name, r.state, r.exit_code, r.error FROM job_run r ' +
      'LEFT JOIN exec_host h ON h.id = r.target_host_id WHERE r.parent_run_id = ? AND r.parent_attempt = ? ORDER BY r.id',
    [parent.id, parent.attempt],
  );
  return rows.map((row) => ({
    id: toNumber(row.id),
    hostName: toTextOrNull(row.host_name),
    state: String(row.state),
    exitCode: toNumberOrNull(row.exit_code),
    error: toTextOrNull(row.error),
  }));
}
