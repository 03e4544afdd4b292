import { placeholders, toNumber } from './engine-db.js';
import { lockRunsWhere, type RunRow } from './run-row.js';
import { ENGINE_ACTOR, type TransitionContext } from './transition-context.js';

interface Reach {
  runIds: Set<number>;
  /** "<executionId>:<interfaceId>" of interfaces that cannot succeed any more. */
  blocked: Set<string>;
}

/** Interface → children inside one execution (execution_interface.parent_ids). */
export async function childInterfaces(ctx: TransitionContext, executionId: number): Promise<Map<number, number[]>> {
  const rows = await ctx.sql.rows<{ interface_id: unknown; parent_ids: string }>(
    'SELECT interface_id, parent_ids FROM execution_interface WHERE execution_id = ?',
    [executionId],
  );
  const children = new Map<number, number[]>();
  for (const row of rows) {
    for (const parent of row.parent_ids.split(',').filter(Boolean)) {
      children.set(Number(parent), [...(children.get(Number(parent)) ?? []), toNumber(row.interface_id)]);
    }
  }
  return children;
}

/**
 * Everything downstream of the given runs inside their executions: dependents through job
 * dependencies, and every run of an interface whose parent interface contains a run of the set.
 */
export async function downstreamOf(ctx: TransitionContext, roots: readonly RunRow[]): Promise<Set<number>> {
  const reach: Reach = { runIds: new Set(), blocked: new Set() };
  const childrenByExecution = new Map<number, Map<number, number[]>>();
  let frontier = roots.map((run) => ({ id: run.id, executionId: run.executionId, interfaceId: run.interfaceId }));
  while (frontier.length > 0) {
    const next: typeof frontier = [];
    const add = (row: Record<string, unknown>) => {
      const id = toNumber(row.id);
      if (reach.runIds.has(id)) return;
      reach.runIds.add(id);
      next.push({ id, executionId: toNumber(row.execution_id), interfaceId: toNumber(row.interface_id) });
    };
    const ids = frontier.map((item) => item.id);
    const dependents = await ctx.sql.rows<Record<string, unknown>>(
      'SELECT DISTINCT r.id, r.execution_id, r.interface_id FROM job_run_dependency d JOIN job_run r ON r.id = d.run_id ' +
        `WHERE d.prerequisite_run_id IN (${placeholders(ids.length)})`,
      ids,
    );
    dependents.forEach(add);
    for (const item of frontier) {
      const key = `${item.executionId}:${item.interfaceId}`;
      if (reach.blocked.has(key)) continue;
      reach.blocked.add(key);
      if (!childrenByExecution.has(item.executionId)) {
        childrenByExecution.set(item.executionId, await childInterfaces(ctx, item.executionId));
      }
      const children = childrenByExecution.get(item.executionId)?.get(item.interfaceId) ?? [];
      if (children.length === 0) continue;
      const runs = await ctx.sql.rows<Record<string, unknown>>(
        `SELECT id, execution_id, interface_id FROM job_run WHERE execution_id = ? AND interface_id IN (${placeholders(children.length)})`,
        [item.executionId, ...children],
      );
      runs.forEach(add);
    }
    frontier = next;
  }
  for (const run of roots) reach.runIds.delete(run.id);
  return reach.runIds;
}

/** Interfaces below the given ones in an execution (children, their children, …). */
async function blockedInterfaces(ctx: TransitionContext, executionId: number, roots: number[]): Promise<number[]> {
  const children = await childInterfaces(ctx, executionId);
  const found = new Set<number>();
  let frontier = roots;
  while (frontier.length > 0) {
    frontier = frontier.flatMap((id) => children.get(id) ?? []).filter((id) => !found.has(id));
    frontier.forEach((id) => found.add(id));
  }
  return [...found];
}

/**
 * A final failure, or a skip because of one: the run's interface cannot complete, so every run of the
 * interfaces below it that has not started is skipped at once, with the reason. Job edges are decided
 * one hop at a time by their conditions (edge-release.ts), so an on-failure branch still runs.
 */
export async function skipDownstream(ctx: TransitionContext, blocking: readonly RunRow[]): Promise<void> {
  if (blocking.length === 0) return;
  for (const run of blocking.filter((item) => item.state !== 'skipped')) {
    await ctx.sql.exec(
      "UPDATE execution_interface SET state = 'failed' WHERE execution_id = ? AND interface_id = ? AND state <> 'succeeded'",
      [run.executionId, run.interfaceId],
    );
  }
  const byExecution = new Map<number, RunRow[]>();
  for (const run of blocking) byExecution.set(run.executionId, [...(byExecution.get(run.executionId) ?? []), run]);
  for (const [executionId, roots] of byExecution) {
    const interfaces = await blockedInterfaces(ctx, executionId, [...new Set(roots.map((run) => run.interfaceId))]);
    if (interfaces.length === 0) continue;
    const runs = await lockRunsWhere(
      ctx.sql,
      `execution_id = ? AND interface_id IN (${placeholders(interfaces.length)}) AND state IN ('waiting','queued')`,
      [executionId, ...interfaces],
    );
    const reason =
      roots.length === 1
        ? `upstream ${roots[0].interfaceName}/${roots[0].jobName} ${roots[0].state}`
        : `${roots.length} upstream runs did not succeed`;
    for (const run of runs) {
      await ctx.cas(
        run,
        'skipped',
        { error: reason, finished_at: ctx.now.getTime(), branch_skipped: 0 },
        ENGINE_ACTOR,
        reason,
      );
    }
  }
}
