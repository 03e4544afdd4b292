import { Injectable, Logger } from '@nestjs/common';
import type { Principal } from '../../common/auth/permissions.js';
import { AppException, notFound } from '../../common/http/app.exception.js';
import { AuditService } from '../audit/audit.service.js';
import { EngineDb, toNumber } from './engine-db.js';
import { EngineTransactionsService } from './engine-transactions.service.js';
import { ExecutionStarter, type StartExecutionRequest, type StartExecutionResult } from './execution-starter.js';
import { RunProgressService } from './run-progress.service.js';
import { Snapshot, type SnapshotRequest } from './snapshot.js';
import type { TransitionContext } from './transition-context.js';

function isDuplicateKey(error: unknown): boolean {
  const driverError = (error as { driverError?: { errno?: number; code?: string } }).driverError;
  return driverError?.errno === 1062 || driverError?.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

export interface ManualCaller {
  principal: Principal;
  ip?: string;
}

/**
 * Creates executions: fires of the scheduler (ExecutionStarter, exactly one execution per
 * (dispatch, scheduledAt)), manual runs of a dispatch and single-job runs.
 */
@Injectable()
export class ExecutionService extends ExecutionStarter {
  private readonly logger = new Logger(ExecutionService.name);

  constructor(
    private readonly db: EngineDb,
    private readonly transactions: EngineTransactionsService,
    private readonly progress: RunProgressService,
    private readonly audit: AuditService,
  ) {
    super();
  }

  async start(request: StartExecutionRequest): Promise<StartExecutionResult> {
    if (request.dispatchId === null) throw new AppException('BAD_REQUEST', 'a dispatch is required');
    const dispatch = await this.dispatch(request.dispatchId);
    return this.create({
      dispatchId: dispatch.id,
      dispatchName: dispatch.name,
      interfaceId: dispatch.interfaceId,
      scheduledAt: request.scheduledAt,
      dataDate: request.dataDate,
      trigger: request.trigger,
      actor: request.actor,
      runDownstream: request.runDownstream ?? dispatch.runDownstream,
    });
  }

  /** A backfill's executions do not count: a scheduled fire is not held back by a backfill of old dates. */
  async hasActiveExecution(dispatchId: number): Promise<boolean> {
    const rows = await this.db.read((sql) =>
      sql.rows(
        "SELECT id FROM execution WHERE dispatch_id = ? AND state = 'running' AND `trigger` <> 'backfill' LIMIT 1",
        [dispatchId],
      ),
    );
    return rows.length > 0;
  }

  /** "Run now" of a dispatch for a data date, by an operator. */
  async runDispatch(
    dispatchId: number,
    input: { dataDate: string; runDownstream?: boolean },
    caller: ManualCaller,
  ): Promise<StartExecutionResult> {
    const dispatch = await this.dispatch(dispatchId);
    return this.create(
      {
        dispatchId,
        dispatchName: dispatch.name,
        interfaceId: dispatch.interfaceId,
        scheduledAt: new Date(),
        dataDate: input.dataDate,
        trigger: 'manual',
        actor: caller.principal.username,
        runDownstream: input.runDownstream ?? dispatch.runDownstream,
      },
      caller,
    );
  }

  /** One job alone, without its prerequisites or downstream. */
  async runJob(jobId: number, dataDate: string, caller: ManualCaller): Promise<StartExecutionResult> {
    const [job] = await this.db.read((sql) =>
      sql.rows<{ interface_id: unknown }>('SELECT interface_id FROM etl_job WHERE id = ?', [jobId]),
    );
    if (!job) throw notFound('job');
    return this.create(
      {
        dispatchId: null,
        dispatchName: '',
        interfaceId: toNumber(job.interface_id),
        scheduledAt: new Date(),
        dataDate,
        trigger: 'manual',
        actor: caller.principal.username,
        runDownstream: false,
        jobIds: [jobId],
      },
      caller,
    );
  }

  private async create(request: SnapshotRequest, caller?: ManualCaller): Promise<StartExecutionResult> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.transactions.run((ctx) => this.createIn(ctx, request, caller));
      } catch (error) {
        if (!isDuplicateKey(error) || attempt >= 3) throw error;
        // Another instance created it meanwhile (a fire), or a manual run hit the same millisecond.
        if (request.trigger === 'manual') request.scheduledAt = new Date(request.scheduledAt.getTime() + 1);
      }
    }
  }

  private async createIn(
    ctx: TransitionContext,
    request: SnapshotRequest,
    caller: ManualCaller | undefined,
  ): Promise<StartExecutionResult> {
    const { sql } = ctx;
    const snapshot = new Snapshot(sql, ctx.now.getTime());
    const existing = await snapshot.existing(request.dispatchId, request.scheduledAt);
    if (existing !== null) return { executionId: existing, created: false };
    const { executionId, runs } = await this.snapshotAndQueue(ctx, snapshot, request);
    if (caller) {
      await this.audit.record(
        {
          actor: caller.principal,
          action: 'run',
          targetType: request.jobIds ? 'job' : 'dispatch',
          targetId: request.jobIds ? request.jobIds[0] : (request.dispatchId ?? ''),
          detail: { executionId, dataDate: request.dataDate, runDownstream: request.runDownstream, runs },
          ip: caller.ip,
        },
        sql.manager,
      );
    }
    this.logger.log(
      `execution ${executionId} created (${request.trigger}, ${runs} run(s), data date ${request.dataDate})`,
    );
    return { executionId, created: true };
  }

  /**
   * An execution of a backfill, created inside the backfill's own transaction: the caller keeps it
   * to one per data date (backfill_date's key), so there is no (dispatch, scheduledAt) lookup here.
   */
  async createInBackfill(ctx: TransitionContext, request: Omit<SnapshotRequest, 'trigger'>): Promise<number> {
    const snapshot = new Snapshot(ctx.sql, ctx.now.getTime());
    const { executionId, runs } = await this.snapshotAndQueue(ctx, snapshot, { ...request, trigger: 'backfill' });
    this.logger.log(`execution ${executionId} created (backfill, ${runs} run(s), data date ${request.dataDate})`);
    return executionId;
  }

  private async snapshotAndQueue(
    ctx: TransitionContext,
    snapshot: Snapshot,
    request: SnapshotRequest,
  ): Promise<{ executionId: number; runs: number }> {
    const created = await snapshot.create(request);
    if (created.runs === 0) await this.progress.endExecution(ctx, created.executionId, 'succeeded');
    ctx.queuedSome = true;
    // The runs ready at once are claimed in this transaction when hosts have room (no dispatch round).
    const ready = await ctx.sql.rows<{ id: unknown }>(
      "SELECT id FROM job_run WHERE execution_id = ? AND state = 'queued' ORDER BY id",
      [created.executionId],
    );
    ctx.queuedIds.push(...ready.map((row) => toNumber(row.id)));
    return created;
  }

  /** The dispatch's name, interface and downstream setting; 404 when it does not exist. */
  async dispatch(id: number): Promise<{ id: number; name: string; interfaceId: number; runDownstream: boolean }> {
    const [row] = await this.db.read((sql) =>
      sql.rows<Record<string, unknown>>('SELECT id, name, interface_id, run_downstream FROM dispatch WHERE id = ?', [
        id,
      ]),
    );
    if (!row) throw notFound('dispatch');
    return {
      id,
      name: String(row.name),
      interfaceId: toNumber(row.interface_id),
      runDownstream: toNumber(row.run_downstream) === 1,
    };
  }
}
