import { budgetExceeded, parseBroadcastSpec, type BroadcastSpec } from './broadcast-spec.js';
import { DependencyRelease } from './dependency-release.js';
import { toNumber, type Sql, type SqlValue } from './engine-db.js';
import type { EngineHost } from './host-registry.service.js';
import { JobRunEntity } from './job-run.entity.js';
import { FRESH_ATTEMPT, lockRuns, lockRunsWhere, type RunRow } from './run-row.js';
import { newNodeRunId } from './snapshot.js';
import { ENGINE_ACTOR, type TransitionContext } from './transition-context.js';

const FAILURES = new Set(['failed', 'timed_out', 'lost', 'killed']);
const OPEN = new Set(['queued', 'dispatched', 'running']);

/** What a child does not inherit from its parent row (the rest of the snapshot is copied as it is). */
function childValues(parent: RunRow, host: EngineHost, state: 'queued' | 'waiting', now: number) {
  const values: Record<string, SqlValue> = {
    ...FRESH_ATTEMPT,
    node_run_id: newNodeRunId(),
    job_name: `${parent.jobName} @ ${host.name}`.slice(0, 128),
    state,
    attempt: 1,
    waiting_on: 0,
    gated: 0,
    not_before: now,
    target_host_id: host.id,
    late_alerted_attempt: 0,
    broadcast_spec: null,
    parent_run_id: parent.id,
    parent_attempt: parent.attempt,
    budget_exceeded: 0,
    created_at: now,
    updated_at: now,
  };
  return values;
}

/**
 * Broadcast jobs (docs/definitions.md): the job's run is a parent that is never sent to a node. When
 * the dispatcher takes it, it expands into one child run per online enabled host carrying the job's
 * tag, `parallel` at a time; when a child ends the parent re-evaluates its failure budget, releases
 * the next children or skips them, and ends once no child is left open.
 */
export class Broadcasts {
  constructor(private readonly ctx: TransitionContext) {}

  /** queued parents → running, with their children; returns the ids of the children queued now. */
  async expand(parentIds: readonly number[], hosts: readonly EngineHost[]): Promise<number[]> {
    const queued: number[] = [];
    for (const parent of await lockRuns(this.ctx.sql, parentIds, " AND state = 'queued'")) {
      const spec = parseBroadcastSpec(parent.broadcastSpec);
      if (!spec) continue;
      const tag = await this.tagOf(parent.id);
      const targets = hosts.filter((host) => host.tags.includes(tag)).sort((a, b) => a.id - b.id);
      if (targets.length === 0) {
        await this.end(parent, 'failed', `broadcast: no online enabled host carries the tag "${tag}"`);
        continue;
      }
      const started = await this.ctx.cas(
        parent,
        'running',
        { started_at: this.ctx.now.getTime(), dispatched_at: this.ctx.now.getTime(), budget_exceeded: 0 },
        ENGINE_ACTOR,
        `broadcast to ${targets.length} host(s): ${targets.map((host) => host.name).join(', ')}`.slice(0, 1000),
      );
      if (started) queued.push(...(await this.insertChildren(parent, spec, targets)));
    }
    return queued;
  }

  private async tagOf(runId: number): Promise<string> {
    const [row] = await this.ctx.sql.rows<{ host_tag: string }>('SELECT host_tag FROM job_run WHERE id = ?', [runId]);
    return row?.host_tag ?? '';
  }

  private async insertChildren(parent: RunRow, spec: BroadcastSpec, targets: readonly EngineHost[]) {
    const { sql } = this.ctx;
    const columns = sql.manager.connection
      .getMetadata(JobRunEntity)
      .columns.map((column) => column.databaseName)
      .filter((name) => name !== 'id');
    const ids: number[] = [];
    for (const [index, host] of targets.entries()) {
      const state = spec.parallel === 0 || index < spec.parallel ? 'queued' : 'waiting';
      const values = childValues(parent, host, state, this.ctx.now.getTime());
      const params: SqlValue[] = [];
      const select = columns.map((name) => {
        if (!(name in values)) return `\`${name}\``;
        params.push(values[name]);
        return '?';
      });
      const id = await sql.insert(
        `INSERT INTO job_run (${columns.map((name) => `\`${name}\``).join(', ')}) SELECT ${select.join(', ')} FROM job_run WHERE id = ?`,
        [...params, parent.id],
      );
      if (state === 'queued') ids.push(id);
    }
    if (ids.length > 0) this.ctx.queuedSome = true;
    return ids;
  }

  /** Children that ended for good: their parents count failures, release, skip, or end. */
  async childrenEnded(children: readonly RunRow[]): Promise<void> {
    const parentIds = [...new Set(children.map((child) => child.parentRunId).filter((id) => id !== null))];
    for (const parent of await lockRuns(
      this.ctx.sql,
      parentIds.sort((a, b) => a - b),
      " AND state = 'running'",
    )) {
      const spec = parseBroadcastSpec(parent.broadcastSpec);
      if (spec) await this.evaluate(parent, spec);
    }
  }

  private async evaluate(parent: RunRow, spec: BroadcastSpec): Promise<void> {
    const children = await this.children(parent);
    const count = (states: Set<string>) => children.filter((child) => states.has(child.state)).length;
    const failures = count(FAILURES);
    const over = budgetExceeded(spec, failures, children.length);
    const waiting = children.filter((child) => child.state === 'waiting');
    if (over) {
      await this.ctx.sql.exec('UPDATE job_run SET budget_exceeded = 1 WHERE id = ?', [parent.id]);
      for (const child of waiting) {
        await this.ctx.cas(
          child,
          'skipped',
          { error: 'budget exceeded', finished_at: this.ctx.now.getTime() },
          ENGINE_ACTOR,
          'budget exceeded',
        );
      }
    } else {
      const room = spec.parallel === 0 ? waiting.length : Math.max(0, spec.parallel - count(OPEN));
      await new DependencyRelease(this.ctx).promote(waiting.slice(0, room));
    }
    if (children.some((child) => OPEN.has(child.state) || child.state === 'waiting')) return;
    const succeeded = count(new Set(['succeeded']));
    const summary = `${succeeded} of ${children.length} host(s) succeeded, ${failures} failed`;
    await this.end(parent, over ? 'failed' : 'succeeded', over ? `${summary}: budget exceeded` : summary);
  }

  private async children(parent: RunRow): Promise<RunRow[]> {
    return lockRunsWhere(this.ctx.sql, 'parent_run_id = ? AND parent_attempt = ?', [parent.id, parent.attempt]);
  }

  private async end(parent: RunRow, state: 'succeeded' | 'failed', reason: string): Promise<void> {
    await this.ctx.cas(
      parent,
      state,
      { finished_at: this.ctx.now.getTime(), error: state === 'failed' ? reason : null },
      ENGINE_ACTOR,
      reason,
    );
  }
}

/** Children still running under a parent whose budget was exceeded with killOnBudgetExceeded. */
export async function childrenToKill(
  sql: Sql,
): Promise<{ id: number; nodeRunId: string; attempt: number; hostId: number }[]> {
  const rows = await sql.rows<Record<string, unknown>>(
    'SELECT c.id, c.node_run_id, c.attempt, c.host_id, p.broadcast_spec FROM job_run c JOIN job_run p ON p.id = c.parent_run_id ' +
      "WHERE c.state IN ('dispatched','running') AND p.budget_exceeded = 1 AND p.attempt = c.parent_attempt ORDER BY c.id",
  );
  return rows
    .filter((row) => parseBroadcastSpec(row.broadcast_spec)?.kill === true && row.host_id !== null)
    .map((row) => ({
      id: toNumber(row.id),
      nodeRunId: String(row.node_run_id),
      attempt: toNumber(row.attempt),
      hostId: toNumber(row.host_id),
    }));
}
