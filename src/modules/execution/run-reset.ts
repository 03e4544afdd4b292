import { AppException } from '../../common/http/app.exception.js';
import { DefinitionReader } from './definition-reader.js';
import { toNumber, toNumberOrNull } from './engine-db.js';
import type { RunState } from './job-run.entity.js';
import { lockRuns, type RunRow } from './run-row.js';
import { snapshotFields } from './snapshot.js';
import type { TransitionContext } from './transition-context.js';

const BAD_STATES = new Set<RunState>(['failed', 'timed_out', 'killed', 'lost', 'skipped']);

/** What a new attempt starts from. */
const FRESH_ATTEMPT = {
  retries_used: 0,
  host_id: null,
  avoid_host_id: null,
  pid: null,
  exit_code: null,
  exit_signal: null,
  error: null,
  tail: null,
  warned: 0,
  dispatched_at: null,
  started_at: null,
  finished_at: null,
};

interface ExecutionShape {
  runs: Map<number, { state: RunState; interfaceId: number }>;
  /** run → prerequisite runs inside the execution. */
  prerequisites: Map<number, number[]>;
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
      if (blocked.has(run.id)) await this.skip(run, options);
      else await this.restart(run, { shape, gates, resetIds }, options);
    }
    return runs.length;
  }

  private async shape(executionId: number): Promise<ExecutionShape> {
    const { sql } = this.ctx;
    const rows = await sql.rows<{ id: unknown; state: RunState; interface_id: unknown; data_date: string }>(
      `SELECT id, state, interface_id, data_date FROM job_run WHERE execution_id = ? ORDER BY id${sql.forUpdate}`,
      [executionId],
    );
    const runs = new Map(
      rows.map((row) => [toNumber(row.id), { state: row.state, interfaceId: toNumber(row.interface_id) }]),
    );
    const prerequisites = new Map<number, number[]>();
    const deps = await sql.rows<{ run_id: unknown; prerequisite_run_id: unknown }>(
      'SELECT d.run_id, d.prerequisite_run_id FROM job_run_dependency d JOIN job_run r ON r.id = d.run_id ' +
        'WHERE r.execution_id = ? AND d.prerequisite_run_id IS NOT NULL',
      [executionId],
    );
    for (const dep of deps) {
      const runId = toNumber(dep.run_id);
      prerequisites.set(runId, [...(prerequisites.get(runId) ?? []), toNumber(dep.prerequisite_run_id)]);
    }
    const interfaces = await sql.rows<{ interface_id: unknown; parent_ids: string }>(
      'SELECT interface_id, parent_ids FROM execution_interface WHERE execution_id = ?',
      [executionId],
    );
    const parents = new Map(
      interfaces.map((row) => [toNumber(row.interface_id), row.parent_ids.split(',').filter(Boolean).map(Number)]),
    );
    return { runs, prerequisites, parents, dataDate: rows[0]?.data_date ?? '' };
  }

  /** Runs that cannot succeed after the reset: fixed point over prerequisites and parent interfaces. */
  private blocked(shape: ExecutionShape, resetIds: Set<number>): Set<number> {
    const blocked = new Set<number>();
    const badInterface = (interfaceId: number, seen = new Set<number>()): boolean => {
      if (seen.has(interfaceId)) return false;
      seen.add(interfaceId);
      for (const [id, run] of shape.runs) {
        if (run.interfaceId !== interfaceId) continue;
        if (resetIds.has(id) ? blocked.has(id) : BAD_STATES.has(run.state)) return true;
      }
      return (shape.parents.get(interfaceId) ?? []).some((parent) => badInterface(parent, seen));
    };
    for (let changed = true; changed;) {
      changed = false;
      for (const id of resetIds) {
        if (blocked.has(id)) continue;
        const run = shape.runs.get(id);
        const prerequisiteBad = (shape.prerequisites.get(id) ?? []).some((p) =>
          resetIds.has(p) ? blocked.has(p) : BAD_STATES.has(shape.runs.get(p)?.state ?? 'failed'),
        );
        const gateBad = (shape.parents.get(run?.interfaceId ?? 0) ?? []).some((parent) => badInterface(parent));
        if (prerequisiteBad || gateBad) {
          blocked.add(id);
          changed = true;
        }
      }
    }
    return blocked;
  }

  /** Interfaces all of whose runs are (and stay) succeeded; an interface without runs follows its parents. */
  private succeededInterfaces(shape: ExecutionShape, resetIds: Set<number>): Set<number> {
    const done = new Set<number>();
    const isDone = (interfaceId: number, seen = new Set<number>()): boolean => {
      if (seen.has(interfaceId)) return false;
      seen.add(interfaceId);
      const runs = [...shape.runs].filter(([, run]) => run.interfaceId === interfaceId);
      if (runs.length === 0) return (shape.parents.get(interfaceId) ?? []).every((parent) => isDone(parent, seen));
      return runs.every(([id, run]) => !resetIds.has(id) && run.state === 'succeeded');
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
    const deps = await sql.rows<{ id: unknown; prerequisite_run_id: unknown; prerequisite_job_id: unknown }>(
      `SELECT id, prerequisite_run_id, prerequisite_job_id FROM job_run_dependency WHERE run_id = ? ORDER BY id${sql.forUpdate}`,
      [run.id],
    );
    const externalJobs = deps
      .filter((dep) => dep.prerequisite_run_id === null)
      .map((dep) => toNumber(dep.prerequisite_job_id));
    const succeededJobs = await new DefinitionReader(sql).succeededJobIds(externalJobs, shape.dataDate);
    let unsatisfied = 0;
    for (const dep of deps) {
      const prerequisite = toNumberOrNull(dep.prerequisite_run_id);
      const satisfied =
        prerequisite === null
          ? succeededJobs.has(toNumber(dep.prerequisite_job_id))
          : shape.runs.get(prerequisite)?.state === 'succeeded' && !resetIds.has(prerequisite);
      if (!satisfied) unsatisfied += 1;
      await sql.exec('UPDATE job_run_dependency SET satisfied = ? WHERE id = ?', [satisfied ? 1 : 0, toNumber(dep.id)]);
    }
    return unsatisfied;
  }

  private async skip(run: RunRow, options: ResetOptions): Promise<void> {
    if (run.state === 'skipped') return;
    await this.ctx.cas(
      run,
      'skipped',
      { error: 'an upstream run did not succeed', finished_at: this.ctx.now.getTime() },
      options.actor,
      `${options.reason}; upstream did not succeed`,
    );
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
