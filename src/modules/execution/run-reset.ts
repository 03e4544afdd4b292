import { AppException } from '../../common/http/app.exception.js';
import { DefinitionReader } from './definition-reader.js';
import { toNumber, toText } from './engine-db.js';
import type { RunState } from './job-run.entity.js';
import { edgeHolds, skipReason, type EdgeRule } from './edge-condition.js';
import { EDGE_COLUMNS, mapEdge } from './edge-release.js';
import { parseOutputs } from './run-outputs.js';
import { FRESH_ATTEMPT, lockRuns, type RunRow } from './run-row.js';
import { snapshotFields } from './snapshot.js';
import type { TransitionContext } from './transition-context.js';

const BAD_STATES = new Set<RunState>(['failed', 'timed_out', 'killed', 'lost', 'skipped']);

interface ShapeRun {
  state: RunState;
  interfaceId: number;
  jobName: string;
  outputs: Record<string, string>;
  /** Skipped by a branch decision: counts as done for its interface. */
  branch: boolean;
}

interface ExecutionShape {
  runs: Map<number, ShapeRun>;
  /** run → prerequisite runs inside the execution, with the edge's condition. */
  prerequisites: Map<number, { runId: number; rule: EdgeRule }[]>;
  parents: Map<number, number[]>;
  dataDate: string;
}

export interface ResetOptions {
  /** Refresh the runs' commands from the current job definitions instead of the snapshot. */
  current: boolean;
  actor: string;
  reason: string;
}

/**
 * Puts ended runs of one execution back to work (rerun from failure, rerun downstream, release
 * after "mark success"): a new attempt each, prerequisites and interface gates recomputed from the
 * runs as they are now. A run that still depends on a run that did not succeed (and is not rerun)
 * is skipped instead, so the execution can always end.
 */
export class RunReset {
  constructor(private readonly ctx: TransitionContext) {}

  async reset(executionId: number, runIds: number[], options: ResetOptions): Promise<number> {
    const { sql } = this.ctx;
    await sql.exec("UPDATE execution SET state = 'running', finished_at = NULL, updated_at = ? WHERE id = ?", [
      this.ctx.now.getTime(),
      executionId,
    ]);
    this.ctx.lockedExecutions.add(executionId);
    this.ctx.touchedExecutions.add(executionId);
    const runs = await lockRuns(sql, runIds, ' AND execution_id = ?', [executionId]);
    const active = runs.find((run) => run.state === 'dispatched' || run.state === 'running');
    if (active)
      throw new AppException('CONFLICT', `${active.jobName} is ${active.state}; wait for it or kill it first`);
    if (options.current) await this.refresh(executionId, runs);
    const shape = await this.shape(executionId);
    const resetIds = new Set(runs.map((run) => run.id));
    const blocked = this.blocked(shape, resetIds);
    const succeededInterfaces = this.succeededInterfaces(shape, resetIds);
    const gates = await this.updateInterfaces(executionId, shape, succeededInterfaces, resetIds);
    for (const run of runs) {
      const block = blocked.get(run.id);
      if (block) await this.skip(run, block, options);
      else await this.restart(run, { shape, gates, resetIds }, options);
    }
    return runs.length;
  }

  private async shape(executionId: number): Promise<ExecutionShape> {
    const { sql } = this.ctx;
    const rows = await sql.rows<Record<string, unknown>>(
      'SELECT id, state, interface_id, data_date, job_name, outputs, branch_skipped FROM job_run WHERE execution_id = ? ' +
        `ORDER BY id${sql.forUpdate}`,
      [executionId],
    );
    const runs = new Map(
      rows.map((row): [number, ShapeRun] => [
        toNumber(row.id),
        {
          state: row.state as RunState,
          interfaceId: toNumber(row.interface_id),
          jobName: String(row.job_name),
          outputs: parseOutputs(row.outputs),
          branch: row.state === 'skipped' && toNumber(row.branch_skipped) === 1,
        },
      ]),
    );
    const prerequisites = new Map<number, { runId: number; rule: EdgeRule }[]>();
    const deps = await sql.rows<Record<string, unknown>>(
      `SELECT d.${EDGE_COLUMNS.split(', ').join(', d.')} FROM job_run_dependency d JOIN job_run r ON r.id = d.run_id ` +
        'WHERE r.execution_id = ? AND d.prerequisite_run_id IS NOT NULL',
      [executionId],
    );
    for (const edge of deps.map(mapEdge)) {
      const list = prerequisites.get(edge.runId) ?? [];
      list.push({ runId: edge.prerequisiteRunId ?? 0, rule: edge.rule });
      prerequisites.set(edge.runId, list);
    }
    const interfaces = await sql.rows<{ interface_id: unknown; parent_ids: string }>(
      'SELECT interface_id, parent_ids FROM execution_interface WHERE execution_id = ?',
      [executionId],
    );
    const parents = new Map(
      interfaces.map((row) => [toNumber(row.interface_id), row.parent_ids.split(',').filter(Boolean).map(Number)]),
    );
    return { runs, prerequisites, parents, dataDate: toText(rows[0]?.data_date, '') };
  }

  /**
   * Runs that cannot run after the reset, with why: fixed point over prerequisite edges (a prerequisite
   * that is not rerun and whose end does not meet the edge's condition) and parent interfaces.
   */
  private blocked(shape: ExecutionShape, resetIds: Set<number>): Map<number, { reason: string; branch: boolean }> {
    const blocked = new Map<number, { reason: string; branch: boolean }>();
    const isBad = (id: number, run: ShapeRun) =>
      resetIds.has(id) ? blocked.get(id)?.branch === false : BAD_STATES.has(run.state) && !run.branch;
    const badInterface = (interfaceId: number, seen = new Set<number>()): boolean => {
      if (seen.has(interfaceId)) return false;
      seen.add(interfaceId);
      for (const [id, run] of shape.runs) if (run.interfaceId === interfaceId && isBad(id, run)) return true;
      return (shape.parents.get(interfaceId) ?? []).some((parent) => badInterface(parent, seen));
    };
    for (let changed = true; changed;) {
      changed = false;
      for (const id of resetIds) {
        if (blocked.has(id)) continue;
        const run = shape.runs.get(id);
        const why = this.edgeBlock(shape, resetIds, blocked, id);
        const gateBad = (shape.parents.get(run?.interfaceId ?? 0) ?? []).some((parent) => badInterface(parent));
        if (why || gateBad) {
          blocked.set(id, why ?? { reason: 'an upstream interface did not succeed', branch: false });
          changed = true;
        }
      }
    }
    return blocked;
  }

  /** The first prerequisite edge of the run that cannot hold any more, if any. */
  private edgeBlock(
    shape: ExecutionShape,
    resetIds: Set<number>,
    blocked: Map<number, { reason: string; branch: boolean }>,
    id: number,
  ): { reason: string; branch: boolean } | null {
    for (const { runId, rule } of shape.prerequisites.get(id) ?? []) {
      const prerequisite = shape.runs.get(runId);
      if (!prerequisite) continue;
      if (resetIds.has(runId)) {
        const upstream = blocked.get(runId);
        // A prerequisite that will be skipped again ends as skipped: only `finished` edges hold then.
        if (upstream && rule.condition !== 'finished') {
          return { reason: `prerequisite ${prerequisite.jobName} skipped`, branch: upstream.branch };
        }
        continue;
      }
      if (!edgeHolds(rule, prerequisite.state, prerequisite.outputs)) {
        const branch = prerequisite.state === 'succeeded' || prerequisite.branch;
        return { reason: skipReason(prerequisite, rule), branch };
      }
    }
    return null;
  }

  /** Interfaces all of whose runs are (and stay) succeeded; an interface without runs follows its parents. */
  private succeededInterfaces(shape: ExecutionShape, resetIds: Set<number>): Set<number> {
    const done = new Set<number>();
    const isDone = (interfaceId: number, seen = new Set<number>()): boolean => {
      if (seen.has(interfaceId)) return false;
      seen.add(interfaceId);
      const runs = [...shape.runs].filter(([, run]) => run.interfaceId === interfaceId);
      if (runs.length === 0) return (shape.parents.get(interfaceId) ?? []).every((parent) => isDone(parent, seen));
      return runs.every(([id, run]) => !resetIds.has(id) && (run.state === 'succeeded' || run.branch));
    };
    for (const interfaceId of shape.parents.keys()) if (isDone(interfaceId)) done.add(interfaceId);
    return done;
  }

  /** Rewrites interface states and gate counters; returns interfaceId → parents still to succeed. */
  private async updateInterfaces(
    executionId: number,
    shape: ExecutionShape,
    succeeded: Set<number>,
    resetIds: Set<number>,
  ): Promise<Map<number, number>> {
    const touched = new Set([...resetIds].map((id) => shape.runs.get(id)?.interfaceId));
    const gates = new Map<number, number>();
    for (const [interfaceId, parents] of shape.parents) {
      const waiting = parents.filter((parent) => !succeeded.has(parent)).length;
      gates.set(interfaceId, waiting);
      const state = succeeded.has(interfaceId) ? 'succeeded' : touched.has(interfaceId) ? 'waiting' : null;
      await this.ctx.sql.exec(
        'UPDATE execution_interface SET waiting_on = ?, state = COALESCE(?, state), ' +
          'finished_at = CASE WHEN ? = 1 THEN finished_at ELSE NULL END WHERE execution_id = ? AND interface_id = ?',
        [waiting, state, succeeded.has(interfaceId) ? 1 : 0, executionId, interfaceId],
      );
    }
    return gates;
  }

  private async restart(
    run: RunRow,
    { shape, gates, resetIds }: { shape: ExecutionShape; gates: Map<number, number>; resetIds: Set<number> },
    options: ResetOptions,
  ): Promise<void> {
    const gated = (gates.get(run.interfaceId) ?? 0) > 0;
    const waitingOn = (await this.recomputeDependencies(run, shape, resetIds)) + (gated ? 1 : 0);
    await this.ctx.cas(
      run,
      waitingOn === 0 ? 'queued' : 'waiting',
      {
        ...FRESH_ATTEMPT,
        attempt: run.attempt + 1,
        waiting_on: waitingOn,
        gated: gated ? 1 : 0,
        not_before: this.ctx.now.getTime(),
      },
      options.actor,
      options.reason,
    );
  }

  /** Marks each prerequisite of the run satisfied or not as things are now; returns how many are not. */
  private async recomputeDependencies(run: RunRow, shape: ExecutionShape, resetIds: Set<number>): Promise<number> {
    const { sql } = this.ctx;
    const deps = await sql.rows<Record<string, unknown>>(
      `SELECT ${EDGE_COLUMNS}, prerequisite_job_id FROM job_run_dependency WHERE run_id = ? ORDER BY id${sql.forUpdate}`,
      [run.id],
    );
    const externalJobs = deps
      .filter((dep) => dep.prerequisite_run_id === null)
      .map((dep) => toNumber(dep.prerequisite_job_id));
    const ended = await new DefinitionReader(sql).endedRuns(externalJobs, shape.dataDate);
    let unsatisfied = 0;
    for (const dep of deps) {
      const { prerequisiteRunId: prerequisite, rule } = mapEdge(dep);
      const upstream = prerequisite === null ? undefined : shape.runs.get(prerequisite);
      const satisfied =
        prerequisite === null
          ? (ended.get(toNumber(dep.prerequisite_job_id)) ?? []).some((item) =>
              edgeHolds(rule, item.state, item.outputs),
            )
          : upstream !== undefined && !resetIds.has(prerequisite) && edgeHolds(rule, upstream.state, upstream.outputs);
      if (!satisfied) unsatisfied += 1;
      await sql.exec('UPDATE job_run_dependency SET satisfied = ? WHERE id = ?', [satisfied ? 1 : 0, toNumber(dep.id)]);
    }
    return unsatisfied;
  }

  private async skip(run: RunRow, block: { reason: string; branch: boolean }, options: ResetOptions): Promise<void> {
    const set = { error: block.reason, finished_at: this.ctx.now.getTime(), branch_skipped: block.branch ? 1 : 0 };
    if (run.state === 'skipped') {
      await this.ctx.sql.exec('UPDATE job_run SET error = ?, branch_skipped = ? WHERE id = ?', [
        set.error,
        set.branch_skipped,
        run.id,
      ]);
      return;
    }
    await this.ctx.cas(run, 'skipped', set, options.actor, `${options.reason}; ${block.reason}`);
  }

  /** Copies the current job definitions into the runs (commands, params, timeouts, retries, routing). */
  private async refresh(executionId: number, runs: RunRow[]): Promise<void> {
    if (runs.length === 0) return;
    const reader = new DefinitionReader(this.ctx.sql);
    const jobs = new Map(
      (await reader.jobs({ jobIds: [...new Set(runs.map((run) => run.jobId))] })).map((j) => [j.id, j]),
    );
    for (const run of runs) {
      const job = jobs.get(run.jobId);
      if (!job) continue;
      const iface = (await reader.interface(job.interfaceId)) ?? {
        name: run.interfaceName,
        retryCount: 0,
        retryIntervalSeconds: 0,
      };
      const fields = snapshotFields(job, iface, { dataDate: run.dataDate, executionId });
      delete fields.interface_name;
      const columns = Object.keys(fields);
      await this.ctx.sql.exec(
        `UPDATE job_run SET ${columns.map((column) => `${column} = ?`).join(', ')} WHERE id = ?`,
        [...Object.values(fields), run.id],
      );
    }
  }
}
