import { Injectable, Logger } from '@nestjs/common';
import type { Principal } from '../../common/auth/permissions.js';
import { AppException, notFound } from '../../common/http/app.exception.js';
import { AuditService } from '../audit/audit.service.js';
import { toNumber } from './engine-db.js';
import { EngineTransactionsService } from './engine-transactions.service.js';
import { downstreamOf } from './failure-cascade.js';
import { HostRegistryService } from './host-registry.service.js';
import { NodeReconcileService } from './node-reconcile.service.js';
import { lockRuns, lockRunsWhere, type RunRow } from './run-row.js';
import { RunReset } from './run-reset.js';
import type { TransitionContext } from './transition-context.js';

export type DefinitionsChoice = 'snapshot' | 'current';

const RERUNNABLE = "('failed','timed_out','killed','lost','skipped')";
const MARKABLE = new Set(['failed', 'timed_out', 'killed', 'lost', 'skipped']);

/** A broadcast child is acted on through its parent (rerun, mark succeeded). */
function notChild(run: RunRow): RunRow {
  if (run.parentRunId !== null) {
    throw new AppException('CONFLICT', 'this run is one host of a broadcast run: act on the broadcast run instead');
  }
  return run;
}

interface Caller {
  principal: Principal;
  ip?: string;
}

/**
 * What operators do to executions (permission `execute`, every action audited): kill an execution
 * or one run, rerun from failure, rerun a run and everything downstream of it, mark a run succeeded.
 */
@Injectable()
export class OperatorActionsService {
  private readonly logger = new Logger(OperatorActionsService.name);

  constructor(
    private readonly transactions: EngineTransactionsService,
    private readonly reconcile: NodeReconcileService,
    private readonly hosts: HostRegistryService,
    private readonly audit: AuditService,
  ) {}

  /** Ends every run of the execution that has not ended: runs not started at once, the others on their node. */
  async killExecution(executionId: number, caller: Caller): Promise<{ killed: number; stopping: number }> {
    return this.kill(caller, executionId, null);
  }

  async killRun(runId: number, caller: Caller): Promise<{ killed: number; stopping: number }> {
    const executionId = await this.transactions.run(async (ctx) => (await this.run(ctx, runId)).executionId);
    return this.kill(caller, executionId, runId);
  }

  async rerunFailed(executionId: number, definitions: DefinitionsChoice, caller: Caller): Promise<number> {
    return this.transactions.run(async (ctx) => {
      await this.execution(ctx, executionId);
      // Broadcast children are not rerun themselves: their parent's rerun broadcasts to every host again.
      const runs = await lockRunsWhere(
        ctx.sql,
        `execution_id = ? AND state IN ${RERUNNABLE} AND parent_run_id IS NULL`,
        [executionId],
      );
      if (runs.length === 0)
        throw new AppException('CONFLICT', 'nothing to rerun: no failed, killed, lost or skipped run');
      const count = await new RunReset(ctx).reset(
        executionId,
        runs.map((run) => run.id),
        { current: definitions === 'current', actor: caller.principal.username, reason: 'rerun from failure' },
      );
      await this.record(ctx, caller, 'rerun', executionId, { runs: count, definitions });
      return count;
    });
  }

  /** The run and everything downstream of it in its execution (across interfaces) run again. */
  async rerunDownstream(runId: number, definitions: DefinitionsChoice, caller: Caller): Promise<number> {
    return this.transactions.run(async (ctx) => {
      const run = notChild(await this.run(ctx, runId));
      const ids = [run.id, ...(await downstreamOf(ctx, [run]))];
      const count = await new RunReset(ctx).reset(run.executionId, ids, {
        current: definitions === 'current',
        actor: caller.principal.username,
        reason: `rerun from ${run.jobName}`,
      });
      await this.record(ctx, caller, 'rerun', run.executionId, {
        fromRun: run.id,
        job: run.jobName,
        runs: count,
        definitions,
      });
      return count;
    });
  }

  /** An ended run that did not succeed becomes succeeded; what it held back runs. */
  async markSucceeded(runId: number, caller: Caller): Promise<void> {
    await this.transactions.run(async (ctx) => {
      const run = notChild(await this.run(ctx, runId));
      if (!MARKABLE.has(run.state)) throw new AppException('CONFLICT', `a ${run.state} run cannot be marked succeeded`);
      await ctx.sql.exec("UPDATE execution SET state = 'running', finished_at = NULL WHERE id = ?", [run.executionId]);
      await ctx.cas(run, 'succeeded', { error: null }, caller.principal.username, 'marked succeeded by an operator');
      const held = await lockRuns(ctx.sql, [...(await downstreamOf(ctx, [run]))], " AND state = 'skipped'");
      if (held.length > 0) {
        await new RunReset(ctx).reset(
          run.executionId,
          held.map((item) => item.id),
          { current: false, actor: caller.principal.username, reason: `released: ${run.jobName} marked succeeded` },
        );
      }
      await this.record(ctx, caller, 'mark_success', run.executionId, { run: run.id, job: run.jobName });
    });
  }

  private async kill(
    caller: Caller,
    executionId: number,
    onlyRunId: number | null,
  ): Promise<{ killed: number; stopping: number }> {
    const onNode = await this.transactions.run(async (ctx) => {
      await this.execution(ctx, executionId);
      // Killing a broadcast run kills its hosts' runs too.
      const filter = onlyRunId === null ? '' : ' AND (id = ? OR parent_run_id = ?)';
      const runs = await lockRunsWhere(
        ctx.sql,
        `execution_id = ? AND state IN ('waiting','queued','dispatched','running')${filter}`,
        onlyRunId === null ? [executionId] : [executionId, onlyRunId, onlyRunId],
      );
      const actor = caller.principal.username;
      const here = (item: RunRow) => item.state === 'waiting' || item.state === 'queued' || item.broadcastSpec !== null;
      for (const run of runs.filter(here)) {
        await ctx.cas(
          run,
          'killed',
          { finished_at: ctx.now.getTime(), error: `killed by ${actor}` },
          actor,
          'killed before it started',
        );
      }
      await this.record(
        ctx,
        caller,
        'kill',
        executionId,
        onlyRunId === null ? { execution: executionId } : { run: onlyRunId },
      );
      return runs.filter((item) => !here(item));
    });
    let stopping = 0;
    for (const run of onNode) if (await this.killOne(run, caller.principal.username)) stopping += 1;
    return { killed: onNode.length - stopping, stopping };
  }

  /** job.kill on the node (it reports `killed`); a run the node does not have, or cannot be asked about, ends here. */
  private async killOne(run: RunRow, actor: string): Promise<boolean> {
    const host = run.hostId === null ? undefined : await this.hosts.host(run.hostId);
    const outcome = host ? await this.reconcile.killOnNode(host, run.nodeRunId, run.attempt) : 'unreachable';
    if (outcome === 'stopping') return true;
    await this.transactions.run(async (ctx) => {
      const [row] = await lockRuns(ctx.sql, [run.id]);
      if (row && row.attempt === run.attempt && (row.state === 'dispatched' || row.state === 'running')) {
        const reason = outcome === 'not_found' ? 'the node does not have it' : 'the node cannot be reached';
        await ctx.cas(
          row,
          'killed',
          { finished_at: ctx.now.getTime(), error: `killed by ${actor} (${reason})` },
          actor,
          reason,
        );
      }
    });
    return false;
  }

  private async run(ctx: TransitionContext, runId: number): Promise<RunRow> {
    const [run] = await lockRuns(ctx.sql, [runId]);
    if (!run) throw notFound('run');
    return run;
  }

  private async execution(ctx: TransitionContext, executionId: number): Promise<void> {
    const [row] = await ctx.sql.rows<{ id: unknown }>(`SELECT id FROM execution WHERE id = ?${ctx.sql.forUpdate}`, [
      executionId,
    ]);
    if (!row) throw notFound('execution');
    ctx.lockedExecutions.add(toNumber(row.id));
  }

  private async record(
    ctx: TransitionContext,
    caller: Caller,
    action: string,
    executionId: number,
    detail: Record<string, unknown>,
  ): Promise<void> {
    await this.audit.record(
      { actor: caller.principal, action, targetType: 'execution', targetId: executionId, detail, ip: caller.ip },
      ctx.sql.manager,
    );
    this.logger.log(`execution ${executionId}: ${action} by ${caller.principal.username} ${JSON.stringify(detail)}`);
  }
}
