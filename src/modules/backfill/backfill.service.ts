import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Principal } from '../../common/auth/permissions.js';
import { AppException, notFound, ValidationException } from '../../common/http/app.exception.js';
import { Pump } from '../../common/pump.js';
import { interfaceConditionPositional } from '../access/access.service.js';
import { AuditService } from '../audit/audit.service.js';
import {
  EngineDb,
  placeholders,
  toNumber,
  toNumberOrNull,
  toText,
  toTextOrNull,
  type Sql,
  type SqlValue,
} from '../execution/engine-db.js';
import { EngineHooks } from '../execution/engine-hooks.js';
import { EngineTransactionsService } from '../execution/engine-transactions.service.js';
import { ExecutionService, type ManualCaller } from '../execution/execution.service.js';
import { OperatorActionsService } from '../execution/operator-actions.service.js';
import type { TransitionContext } from '../execution/transition-context.js';
import {
  BACKFILL_STATES,
  dateCount,
  firstDate,
  nextStep,
  planErrors,
  takeDates,
  type BackfillOrder,
  type BackfillState,
} from './backfill-plan.js';

/** A pass over the running backfills at least this often (an ended execution wakes one at once). */
const PASS_MS = 2000;
/** An ended backfill is reopened by changes to its executions for this long after it ended. */
const REOPEN_WINDOW_MS = 30 * 86_400_000;

export interface BackfillInput {
  dispatchId: number;
  dateFrom: unknown;
  dateThrough: unknown;
  order?: unknown;
  parallelism?: unknown;
  /** Default: the dispatch's own setting. */
  runDownstream?: boolean;
  stopOnFailure?: boolean;
}

export interface BackfillSummary {
  id: number;
  dispatchId: number;
  dispatchName: string;
  interfaceId: number;
  dateFrom: string;
  dateThrough: string;
  order: BackfillOrder;
  parallelism: number;
  runDownstream: boolean;
  stopOnFailure: boolean;
  state: BackfillState;
  nextDate: string | null;
  totalDates: number;
  note: string;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
  /** Executions started, and how many of them are running, succeeded, failed or were killed. */
  started: number;
  running: number;
  succeeded: number;
  failed: number;
  killed: number;
}

export interface BackfillDateView {
  dataDate: string;
  executionId: number;
  state: string;
  createdAt: number;
  finishedAt: number | null;
}

const COLUMNS =
  'b.id, b.dispatch_id, b.dispatch_name, b.interface_id, b.date_from, b.date_through, b.date_order, b.parallelism, ' +
  'b.run_downstream, b.stop_on_failure, b.state, b.next_date, b.total_dates, b.note, b.created_by, b.created_at, ' +
  'b.updated_at, b.finished_at';

const COUNTS =
  'SELECT d.backfill_id, COUNT(*) AS started, ' +
  "SUM(CASE WHEN e.state = 'running' THEN 1 ELSE 0 END) AS running, " +
  "SUM(CASE WHEN e.state = 'succeeded' THEN 1 ELSE 0 END) AS succeeded, " +
  "SUM(CASE WHEN e.state = 'failed' THEN 1 ELSE 0 END) AS failed, " +
  "SUM(CASE WHEN e.state = 'killed' THEN 1 ELSE 0 END) AS killed " +
  'FROM backfill_date d JOIN execution e ON e.id = d.execution_id';

function mapRow(row: Record<string, unknown>, counts: Record<string, unknown> | undefined): BackfillSummary {
  return {
    id: toNumber(row.id),
    dispatchId: toNumber(row.dispatch_id),
    dispatchName: toText(row.dispatch_name),
    interfaceId: toNumber(row.interface_id),
    dateFrom: toText(row.date_from),
    dateThrough: toText(row.date_through),
    order: toText(row.date_order) as BackfillOrder,
    parallelism: toNumber(row.parallelism),
    runDownstream: toNumber(row.run_downstream) === 1,
    stopOnFailure: toNumber(row.stop_on_failure) === 1,
    state: toText(row.state) as BackfillState,
    nextDate: toTextOrNull(row.next_date),
    totalDates: toNumber(row.total_dates),
    note: toText(row.note),
    createdBy: toText(row.created_by),
    createdAt: toNumber(row.created_at),
    updatedAt: toNumber(row.updated_at),
    finishedAt: toNumberOrNull(row.finished_at),
    started: toNumber(counts?.started ?? 0),
    running: toNumber(counts?.running ?? 0),
    succeeded: toNumber(counts?.succeeded ?? 0),
    failed: toNumber(counts?.failed ?? 0),
    killed: toNumber(counts?.killed ?? 0),
  };
}

async function countsFor(sql: Sql, ids: readonly number[]): Promise<Map<number, Record<string, unknown>>> {
  if (ids.length === 0) return new Map();
  const rows = await sql.rows<Record<string, unknown>>(
    `${COUNTS} WHERE d.backfill_id IN (${placeholders(ids.length)}) GROUP BY d.backfill_id`,
    [...ids],
  );
  return new Map(rows.map((row) => [toNumber(row.backfill_id), row]));
}

/**
 * Backfills: a dispatch run over a range of data dates, at most `parallelism` executions at a time,
 * in ascending or descending date order. Durable and safe on several portal instances: the next
 * date advances by compare-and-set in the transaction that creates its execution, and
 * backfill_date's key allows one execution per date. Operators pause, resume and cancel it.
 */
@Injectable()
export class BackfillService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(BackfillService.name);
  private readonly pump = new Pump(
    () => this.pass(),
    (error) => this.logger.error(`backfill pass failed: ${error.message}`, error.stack),
  );

  constructor(
    private readonly db: EngineDb,
    private readonly transactions: EngineTransactionsService,
    private readonly executions: ExecutionService,
    private readonly actions: OperatorActionsService,
    private readonly hooks: EngineHooks,
    private readonly audit: AuditService,
  ) {}

  onApplicationBootstrap(): void {
    this.hooks.onExecutionEnded = () => this.wake();
    this.pump.every(PASS_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pump.stop();
  }

  /** Runs a pass now, or right after the one in progress. */
  wake(): void {
    this.pump.wake();
  }

  async create(input: BackfillInput, caller: ManualCaller): Promise<BackfillSummary> {
    const plan = {
      dateFrom: input.dateFrom,
      dateThrough: input.dateThrough,
      order: input.order ?? 'ascending',
      parallelism: input.parallelism ?? 1,
    };
    const errors = planErrors(plan);
    if (Object.keys(errors).length > 0) throw new ValidationException(errors);
    const dispatch = await this.executions.dispatch(input.dispatchId);
    const dateFrom = plan.dateFrom as string;
    const dateThrough = plan.dateThrough as string;
    const order = plan.order as BackfillOrder;
    const parallelism = plan.parallelism as number;
    const now = Date.now();
    const runDownstream = input.runDownstream ?? dispatch.runDownstream;
    const id = await this.db.transaction(async (sql) => {
      const inserted = await sql.insert(
        'INSERT INTO backfill (dispatch_id, dispatch_name, interface_id, date_from, date_through, date_order, parallelism, ' +
          'run_downstream, stop_on_failure, state, next_date, total_dates, note, created_by, created_at, updated_at) ' +
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, '', ?, ?, ?)",
        [
          dispatch.id,
          dispatch.name,
          dispatch.interfaceId,
          dateFrom,
          dateThrough,
          order,
          parallelism,
          runDownstream ? 1 : 0,
          input.stopOnFailure ? 1 : 0,
          firstDate({ dateFrom, dateThrough, order }),
          dateCount(dateFrom, dateThrough),
          caller.principal.username,
          now,
          now,
        ],
      );
      await this.record(sql, caller, 'backfill', inserted, {
        dispatchId: dispatch.id,
        dateFrom,
        dateThrough,
        order,
        parallelism,
        runDownstream,
        stopOnFailure: input.stopOnFailure === true,
      });
      return inserted;
    });
    this.logger.log(
      `backfill ${id} of dispatch ${dispatch.id} created: ${dateFrom}..${dateThrough} ${order}, ${parallelism} at a time`,
    );
    this.wake();
    return this.detail(id).then((detail) => detail.backfill);
  }

  async list(query: {
    page: number;
    pageSize: number;
    dispatchId?: number;
    state?: string;
    user?: Pick<Principal, 'userId' | 'permissions'>;
  }): Promise<{ rows: BackfillSummary[]; total: number }> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (query.dispatchId !== undefined) {
      where.push('b.dispatch_id = ?');
      params.push(query.dispatchId);
    }
    if (query.state !== undefined) {
      if (!(BACKFILL_STATES as readonly string[]).includes(query.state)) {
        throw new ValidationException({ state: `must be one of ${BACKFILL_STATES.join(', ')}` });
      }
      where.push('b.state = ?');
      params.push(query.state);
    }
    const visible = query.user && interfaceConditionPositional(query.user, 'b.interface_id');
    if (visible) {
      where.push(visible.sql);
      params.push(...visible.params);
    }
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    return this.db.read(async (sql) => {
      const [{ n }] = await sql.rows<{ n: unknown }>(`SELECT COUNT(*) AS n FROM backfill b ${clause}`, params);
      const rows = await sql.rows<Record<string, unknown>>(
        `SELECT ${COLUMNS} FROM backfill b ${clause} ORDER BY b.id DESC LIMIT ? OFFSET ?`,
        [...params, query.pageSize, (query.page - 1) * query.pageSize],
      );
      const counts = await countsFor(
        sql,
        rows.map((row) => toNumber(row.id)),
      );
      return { rows: rows.map((row) => mapRow(row, counts.get(toNumber(row.id)))), total: toNumber(n) };
    });
  }

  async detail(id: number): Promise<{ backfill: BackfillSummary; dates: BackfillDateView[] }> {
    return this.db.read(async (sql) => {
      const [row] = await sql.rows<Record<string, unknown>>(`SELECT ${COLUMNS} FROM backfill b WHERE b.id = ?`, [id]);
      if (!row) throw notFound('backfill');
      const counts = await countsFor(sql, [id]);
      const dates = await sql.rows<Record<string, unknown>>(
        'SELECT d.data_date, d.execution_id, e.state, e.created_at, e.finished_at FROM backfill_date d ' +
          'JOIN execution e ON e.id = d.execution_id WHERE d.backfill_id = ? ORDER BY e.id',
        [id],
      );
      return {
        backfill: mapRow(row, counts.get(id)),
        dates: dates.map((date) => ({
          dataDate: toText(date.data_date),
          executionId: toNumber(date.execution_id),
          state: toText(date.state),
          createdAt: toNumber(date.created_at),
          finishedAt: toNumberOrNull(date.finished_at),
        })),
      };
    });
  }

  /** running → paused: no further dates start; the running executions go on. */
  async pause(id: number, caller: ManualCaller): Promise<BackfillSummary> {
    await this.change(id, caller, 'pause', ['running'], 'paused');
    return (await this.detail(id)).backfill;
  }

  async resume(id: number, caller: ManualCaller): Promise<BackfillSummary> {
    await this.change(id, caller, 'resume', ['paused'], 'running');
    this.wake();
    return (await this.detail(id)).backfill;
  }

  /** No further dates start; with `kill`, the backfill's running executions are killed too. */
  async cancel(
    id: number,
    kill: boolean,
    caller: ManualCaller,
  ): Promise<{ backfill: BackfillSummary; killed: number }> {
    await this.change(id, caller, 'cancel', ['running', 'paused'], 'cancelled', { kill });
    let killed = 0;
    if (kill) {
      const running = await this.db.read((sql) =>
        sql.rows<{ execution_id: unknown }>(
          "SELECT d.execution_id FROM backfill_date d JOIN execution e ON e.id = d.execution_id WHERE d.backfill_id = ? AND e.state = 'running'",
          [id],
        ),
      );
      for (const row of running) {
        const result = await this.actions.killExecution(toNumber(row.execution_id), caller).catch((error: Error) => {
          this.logger.warn(`backfill ${id}: kill of execution ${toNumber(row.execution_id)} failed: ${error.message}`);
          return { killed: 0 };
        });
        killed += result.killed;
      }
    }
    return { backfill: (await this.detail(id)).backfill, killed };
  }

  private async change(
    id: number,
    caller: ManualCaller,
    action: string,
    from: BackfillState[],
    to: BackfillState,
    detail: Record<string, unknown> = {},
  ): Promise<void> {
    await this.db.transaction(async (sql) => {
      const [row] = await sql.rows<{ state: string }>(`SELECT state FROM backfill WHERE id = ?${sql.forUpdate}`, [id]);
      if (!row) throw notFound('backfill');
      if (!from.includes(row.state as BackfillState)) {
        throw new AppException(
          'CONFLICT',
          `the backfill is ${row.state}; only a ${from.join(' or ')} one can ${action}`,
        );
      }
      const now = Date.now();
      await sql.exec('UPDATE backfill SET state = ?, updated_at = ?, finished_at = ? WHERE id = ?', [
        to,
        now,
        to === 'cancelled' ? now : null,
        id,
      ]);
      await this.record(sql, caller, `backfill.${action}`, id, { from: row.state, ...detail });
    });
    this.logger.log(`backfill ${id} ${to} by ${caller.principal.username}`);
  }

  private async record(sql: Sql, caller: ManualCaller, action: string, id: number, detail: unknown): Promise<void> {
    await this.audit.record(
      { actor: caller.principal, action, targetType: 'backfill', targetId: id, detail, ip: caller.ip },
      sql.manager,
    );
  }

  /** Reopens ended backfills whose executions were rerun, then moves every running one on. */
  private async pass(): Promise<void> {
    await this.reopen();
    const ids = await this.db.read((sql) =>
      sql.rows<{ id: unknown }>("SELECT id FROM backfill WHERE state = 'running' ORDER BY id"),
    );
    for (const { id } of ids) {
      if (this.pump.isStopped) return;
      await this.advance(toNumber(id));
    }
  }

  /**
   * An ended backfill one of whose executions changed after it ended (a rerun from failure, a run
   * marked succeeded) runs again: the driver then starts the dates a failure held back, or ends it
   * anew with the outcome its executions have now. Only backfills that ended in the last 30 days
   * are looked at, so a pass does not grow with every backfill ever run.
   */
  private async reopen(): Promise<void> {
    const rows = await this.db.read((sql) =>
      sql.rows<{ id: unknown }>(
        'SELECT DISTINCT b.id FROM backfill b JOIN backfill_date d ON d.backfill_id = b.id ' +
          "JOIN execution e ON e.id = d.execution_id WHERE b.state IN ('succeeded', 'failed') AND b.finished_at > ? " +
          'AND e.updated_at > b.finished_at',
        [Date.now() - REOPEN_WINDOW_MS],
      ),
    );
    for (const { id } of rows) {
      await this.db.transaction((sql) =>
        sql.exec(
          "UPDATE backfill SET state = 'running', finished_at = NULL, updated_at = ? WHERE id = ? AND state IN ('succeeded', 'failed')",
          [Date.now(), toNumber(id)],
        ),
      );
      this.logger.log(`backfill ${toNumber(id)} running again: one of its executions changed after it ended`);
    }
  }

  private async advance(id: number): Promise<void> {
    try {
      await this.transactions.run((ctx) => this.advanceIn(ctx, id));
    } catch (error) {
      if (!(error instanceof AppException)) throw error;
      // A date that cannot start (its definitions are broken) ends the backfill instead of failing every pass.
      await this.end(id, 'failed', `a data date could not start: ${error.message}`.slice(0, 255));
    }
  }

  private async advanceIn(ctx: TransitionContext, id: number): Promise<void> {
    const { sql } = ctx;
    const [row] = await sql.rows<Record<string, unknown>>(
      `SELECT ${COLUMNS} FROM backfill b WHERE b.id = ? AND b.state = 'running'`,
      [id],
    );
    if (!row) return;
    const backfill = mapRow(row, (await countsFor(sql, [id])).get(id));
    const step = nextStep(backfill, { active: backfill.running, failed: backfill.failed + backfill.killed });
    if (step === null) return;
    const now = ctx.now.getTime();
    if ('end' in step) {
      await this.endIn(sql, id, step.end, '', now);
      return;
    }
    const [dispatch] = await sql.rows<{ name: unknown; interface_id: unknown }>(
      'SELECT name, interface_id FROM dispatch WHERE id = ?',
      [backfill.dispatchId],
    );
    if (!dispatch) {
      await this.endIn(sql, id, 'failed', 'the dispatch was deleted', now);
      return;
    }
    const { dates, next } = takeDates(backfill, backfill.nextDate, step.start);
    // The compare-and-set before any execution: on MySQL it takes the row lock, so a second
    // instance waits here and then finds the dates taken; nothing below runs twice.
    const advanced = await sql.exec(
      "UPDATE backfill SET next_date = ?, updated_at = ? WHERE id = ? AND state = 'running' AND next_date = ?",
      [next, now, id, backfill.nextDate],
    );
    if (advanced === 0) return;
    let scheduledAt = now;
    for (const dataDate of dates) {
      // Never on a whole second: scheduler fires of the dispatch use those (execution's unique key).
      if (scheduledAt % 1000 === 0) scheduledAt += 1;
      const executionId = await this.executions.createInBackfill(ctx, {
        dispatchId: backfill.dispatchId,
        dispatchName: toText(dispatch.name),
        interfaceId: toNumber(dispatch.interface_id),
        scheduledAt: new Date(scheduledAt),
        dataDate,
        actor: `backfill #${id} (${backfill.createdBy})`.slice(0, 64),
        runDownstream: backfill.runDownstream,
      });
      await sql.exec('INSERT INTO backfill_date (backfill_id, data_date, execution_id) VALUES (?, ?, ?)', [
        id,
        dataDate,
        executionId,
      ]);
      scheduledAt += 1;
    }
    this.logger.log(`backfill ${id} started ${dates.join(', ')}`);
  }

  private async end(id: number, state: 'succeeded' | 'failed', note: string): Promise<void> {
    await this.db.transaction((sql) => this.endIn(sql, id, state, note, Date.now()));
  }

  private async endIn(sql: Sql, id: number, state: 'succeeded' | 'failed', note: string, now: number): Promise<void> {
    const ended = await sql.exec(
      "UPDATE backfill SET state = ?, note = ?, finished_at = ?, updated_at = ? WHERE id = ? AND state = 'running'",
      [state, note, now, now, id],
    );
    if (ended > 0) this.logger.log(`backfill ${id} ${state}${note ? `: ${note}` : ''}`);
  }
}
