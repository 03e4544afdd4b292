import { Injectable, Logger } from '@nestjs/common';
import { AlertOutboxService } from '../alert-delivery/alert-outbox.service.js';
import { Broadcasts } from './broadcast.js';
import { DependencyRelease } from './dependency-release.js';
import { placeholders, toNumber } from './engine-db.js';
import { blockedSkips } from './edge-release.js';
import { skipDownstream } from './failure-cascade.js';
import type { ExecutionState } from './execution.entity.js';
import { retryDelayMs } from './retry-policy.js';
import { OPEN_STATES, type RunRow } from './run-row.js';
import { ENGINE_ACTOR, type TransitionContext } from './transition-context.js';

const FAILED_STATES = new Set(['failed', 'timed_out', 'lost']);

function finalState(counts: Map<string, number>): ExecutionState {
  const has = (state: string) => (counts.get(state) ?? 0) > 0;
  if ([...FAILED_STATES].some(has)) return 'failed';
  if (has('killed')) return 'killed';
  return has('skipped') ? 'failed' : 'succeeded';
}

/**
 * The consequences of runs reaching a terminal state, inside the same transaction: automatic
 * retries, release of dependents, skips downstream of a final failure, interface gates, the end of
 * the execution and its alerts.
 */
@Injectable()
export class RunProgressService {
  private readonly logger = new Logger(RunProgressService.name);

  constructor(private readonly alerts: AlertOutboxService) {}

  async settle(ctx: TransitionContext): Promise<void> {
    await this.lockExecutions(ctx, [...ctx.touchedExecutions]);
    const release = new DependencyRelease(ctx);
    while (ctx.pendingTerminal.length > 0) {
      const batch = ctx.pendingTerminal.splice(0);
      await this.lockExecutions(
        ctx,
        batch.map((run) => run.executionId),
      );
      const failed: RunRow[] = [];
      for (const run of batch) {
        if (run.state === 'skipped' || run.state === 'succeeded') continue;
        // A broadcast parent is not retried (its children are, each by the job's retry policy).
        if (run.broadcastSpec !== null || !(await this.retry(ctx, run))) failed.push(run);
      }
      const ended = batch.filter((run) => run.state === 'succeeded' || run.state === 'skipped' || failed.includes(run));
      // Broadcast children are outside the dependency graph: their parent re-evaluates instead.
      await new Broadcasts(ctx).childrenEnded(ended.filter((run) => run.parentRunId !== null));
      const own = (runs: RunRow[]) => runs.filter((run) => run.parentRunId === null);
      await release.afterEnd(own(ended));
      await skipDownstream(ctx, [...own(failed), ...(await blockedSkips(ctx, own(batch)))]);
      await this.failureAlerts(ctx, own(failed));
    }
    await this.completeExecutions(ctx);
  }

  /** MySQL: every transaction that ends runs of an execution holds its row, so counts are exact. */
  private async lockExecutions(ctx: TransitionContext, ids: number[]): Promise<void> {
    const fresh = [...new Set(ids)].filter((id) => !ctx.lockedExecutions.has(id)).sort((a, b) => a - b);
    if (fresh.length === 0 || ctx.sql.dialect === 'sqlite') return;
    await ctx.sql.exec(`UPDATE execution SET updated_at = ? WHERE id IN (${placeholders(fresh.length)})`, [
      ctx.now.getTime(),
      ...fresh,
    ]);
    for (const id of fresh) ctx.lockedExecutions.add(id);
  }

  private async retry(ctx: TransitionContext, run: RunRow): Promise<boolean> {
    const delay = retryDelayMs(run);
    if (delay === null) return false;
    const previous = { state: run.state, attempt: run.attempt, hostId: run.hostId };
    const reason = `attempt ${previous.attempt} ${previous.state}; retry ${run.retriesUsed + 1} in ${Math.round(delay / 1000)} s`;
    const retried = await ctx.cas(
      run,
      'queued',
      {
        attempt: run.attempt + 1,
        retries_used: run.retriesUsed + 1,
        not_before: ctx.now.getTime() + delay,
        avoid_host_id: previous.state === 'lost' ? previous.hostId : null,
        host_id: null,
        pid: null,
        exit_code: null,
        exit_signal: null,
        outputs: null,
        warned: 0,
        dispatched_at: null,
        started_at: null,
        finished_at: null,
      },
      ENGINE_ACTOR,
      reason,
    );
    if (retried) {
      run.retriesUsed += 1;
      this.logger.log(`execution ${run.executionId}: ${run.jobName} ${reason}`);
    }
    return retried;
  }

  private async failureAlerts(ctx: TransitionContext, failed: RunRow[]): Promise<void> {
    const executions = [...new Set(failed.filter((run) => FAILED_STATES.has(run.state)).map((r) => r.executionId))];
    for (const executionId of executions) {
      const first = await ctx.sql.exec(
        'UPDATE execution SET failure_alerted = 1 WHERE id = ? AND failure_alerted = 0',
        [executionId],
      );
      if (first === 0) continue;
      const runs = await ctx.sql.rows<{ id: unknown }>(
        "SELECT id FROM job_run WHERE execution_id = ? AND state IN ('failed','timed_out','lost') ORDER BY id",
        [executionId],
      );
      const ids = runs.map((row) => toNumber(row.id));
      if ((await this.alerts.enqueue(ctx.sql, { event: 'failure', executionId, runIds: ids })) > 0) {
        ctx.alertsQueued = true;
      }
    }
  }

  private async completeExecutions(ctx: TransitionContext): Promise<void> {
    for (const executionId of [...ctx.touchedExecutions].sort((a, b) => a - b)) {
      // A run seen open under this execution's lock and not ended since keeps it open: no query.
      const seen = ctx.seenOpen.get(executionId);
      if (seen !== undefined && !ctx.endedIds.has(seen)) continue;
      const open = await ctx.sql.rows(
        "SELECT id FROM job_run WHERE execution_id = ? AND state IN ('waiting','queued','dispatched','running') LIMIT 1",
        [executionId],
      );
      if (open.length > 0) continue;
      const rows = await ctx.sql.rows<{ state: string; branch_skipped: unknown; n: unknown }>(
        'SELECT state, branch_skipped, COUNT(*) AS n FROM job_run WHERE execution_id = ? AND parent_run_id IS NULL ' +
          'GROUP BY state, branch_skipped',
        [executionId],
      );
      // A run skipped by a branch decision does not make the execution fail.
      const counts = new Map<string, number>();
      for (const row of rows) {
        const state = row.state === 'skipped' && toNumber(row.branch_skipped) === 1 ? 'branch_skipped' : row.state;
        counts.set(state, (counts.get(state) ?? 0) + toNumber(row.n));
      }
      if ([...counts.keys()].some((state) => OPEN_STATES.has(state))) continue;
      await this.endExecution(ctx, executionId, finalState(counts));
    }
  }

  /** running → its final state, once; a success may raise success and recovery alerts. */
  async endExecution(ctx: TransitionContext, executionId: number, state: ExecutionState): Promise<void> {
    const ended = await ctx.sql.exec(
      "UPDATE execution SET state = ?, finished_at = ?, updated_at = ? WHERE id = ? AND state = 'running'",
      [state, ctx.now.getTime(), ctx.now.getTime(), executionId],
    );
    if (ended === 0) return;
    ctx.executionEnded = true;
    this.logger.log(`execution ${executionId} ${state}`);
    if (state !== 'succeeded') return;
    let queued = await this.alerts.enqueue(ctx.sql, { event: 'success', executionId, runIds: [] });
    if (await this.recovers(ctx, executionId)) {
      queued += await this.alerts.enqueue(ctx.sql, { event: 'recovery', executionId, runIds: [] });
    }
    if (queued > 0) ctx.alertsQueued = true;
  }

  /**
   * First success after a failure: this execution failed before (and was rerun), or the previous one
   * failed. Backfill executions (old data dates) stand beside the schedule's sequence: one recovers
   * only from its own failure, and none counts as the "previous" of another execution.
   */
  private async recovers(ctx: TransitionContext, executionId: number): Promise<boolean> {
    const [self] = await ctx.sql.rows<{
      dispatch_id: unknown;
      scheduled_at: unknown;
      failure_alerted: unknown;
      trigger: string;
    }>('SELECT dispatch_id, scheduled_at, failure_alerted, `trigger` FROM execution WHERE id = ?', [executionId]);
    if (!self || self.dispatch_id === null) return false;
    if (toNumber(self.failure_alerted) === 1) return true;
    if (self.trigger === 'backfill') return false;
    const [previous] = await ctx.sql.rows<{ state: string }>(
      "SELECT state FROM execution WHERE dispatch_id = ? AND scheduled_at < ? AND state <> 'running' " +
        "AND `trigger` <> 'backfill' ORDER BY scheduled_at DESC LIMIT 1",
      [toNumber(self.dispatch_id), toNumber(self.scheduled_at)],
    );
    return previous?.state === 'failed';
  }
}
