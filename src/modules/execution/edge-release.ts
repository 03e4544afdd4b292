import { placeholders, toNumber, toNumberOrNull, toText, type SqlValue } from './engine-db.js';
import { edgeHolds, skipReason, type EdgeRule } from './edge-condition.js';
import type { EdgeCondition } from '../job/job.entity.js';
import type { RunState } from './job-run.entity.js';
import { parseOutputs } from './run-outputs.js';
import { lockRuns, type RunRow } from './run-row.js';
import { ENGINE_ACTOR, type TransitionContext } from './transition-context.js';

/** The columns of job_run_dependency an edge decision needs. */
export const EDGE_COLUMNS = 'id, run_id, prerequisite_run_id, edge_condition, output_name, output_match';

export interface EdgeRow {
  id: number;
  runId: number;
  prerequisiteRunId: number | null;
  rule: EdgeRule;
}

export function mapEdge(row: Record<string, unknown>): EdgeRow {
  return {
    id: toNumber(row.id),
    runId: toNumber(row.run_id),
    prerequisiteRunId: toNumberOrNull(row.prerequisite_run_id),
    rule: {
      condition: String(row.edge_condition) as EdgeCondition,
      outputName: toText(row.output_name, ''),
      outputMatch: toText(row.output_match, ''),
    },
  };
}

/** How a prerequisite ended, as edges see it. */
export interface Outcome {
  jobName: string;
  state: RunState;
  outputs: Record<string, string>;
  /** Skipped by a branch decision (not because something upstream failed). */
  branch: boolean;
}

export interface EdgeDecisions {
  satisfied: { id: number; runId: number }[];
  /** Dependent run → why it is skipped and whether that is a branch decision. */
  skipped: Map<number, { reason: string; branch: boolean }>;
}

/**
 * Outcomes of ended runs: outputs and branch flags read from their rows, except for runs this
 * transaction ended with a node's report (their outputs are known; only a skip is a branch).
 */
export async function outcomes(ctx: TransitionContext, runs: readonly RunRow[]): Promise<Map<number, Outcome>> {
  if (runs.length === 0) return new Map();
  const unknown = runs.filter((run) => run.state === 'skipped' || !ctx.reportedOutputs.has(run.id));
  const rows =
    unknown.length === 0
      ? []
      : await ctx.sql.rows<Record<string, unknown>>(
          `SELECT id, outputs, branch_skipped FROM job_run WHERE id IN (${placeholders(unknown.length)})`,
          unknown.map((run) => run.id),
        );
  const extra = new Map(rows.map((row) => [toNumber(row.id), row]));
  return new Map(
    runs.map((run) => [
      run.id,
      {
        jobName: run.jobName,
        state: run.state,
        outputs: extra.has(run.id)
          ? parseOutputs(extra.get(run.id)?.outputs)
          : (ctx.reportedOutputs.get(run.id) ?? parseOutputs(undefined)),
        branch: run.state === 'skipped' && toNumber(extra.get(run.id)?.branch_skipped) === 1,
      },
    ]),
  );
}

/** Whether holding back a dependent of this prerequisite is a branch decision (nothing failed upstream). */
function isBranch(outcome: Outcome): boolean {
  return outcome.state === 'succeeded' || outcome.branch;
}

/**
 * Decides the edges on runs that ended: an edge whose condition holds is satisfied; one that does not
 * skips its dependent (inside the execution). An edge to a job outside the execution only waits: any
 * run of that job for the data date that meets the condition satisfies it.
 */
export function decide(
  internal: readonly EdgeRow[],
  external: readonly { edge: EdgeRow; candidates: Outcome[] }[],
  ended: Map<number, Outcome>,
): EdgeDecisions {
  const decisions: EdgeDecisions = { satisfied: [], skipped: new Map() };
  for (const edge of internal) {
    const outcome = ended.get(edge.prerequisiteRunId ?? 0);
    if (!outcome) continue;
    if (edgeHolds(edge.rule, outcome.state, outcome.outputs)) {
      decisions.satisfied.push({ id: edge.id, runId: edge.runId });
      continue;
    }
    const previous = decisions.skipped.get(edge.runId);
    const branch = isBranch(outcome) && (previous?.branch ?? true);
    const reason = previous && previous.branch === branch ? previous.reason : skipReason(outcome, edge.rule);
    decisions.skipped.set(edge.runId, { reason, branch });
  }
  for (const { edge, candidates } of external) {
    if (candidates.some((outcome) => edgeHolds(edge.rule, outcome.state, outcome.outputs))) {
      decisions.satisfied.push({ id: edge.id, runId: edge.runId });
    }
  }
  return decisions;
}

/** Ends dependents whose edge condition is false: skipped, with the reason kept on the run. */
export async function skipDependents(ctx: TransitionContext, skipped: EdgeDecisions['skipped']): Promise<void> {
  if (skipped.size === 0) return;
  const runs = await lockRuns(ctx.sql, [...skipped.keys()], " AND state IN ('waiting','queued')");
  for (const run of runs) {
    const { reason, branch } = skipped.get(run.id) ?? { reason: '', branch: false };
    const set: Record<string, SqlValue> = {
      error: reason.slice(0, 2000),
      finished_at: ctx.now.getTime(),
      branch_skipped: branch ? 1 : 0,
    };
    await ctx.cas(run, 'skipped', set, ENGINE_ACTOR, reason);
  }
}

/** Reads unsatisfied edges on ended runs: inside executions, and on their jobs for the same date from outside. */
export async function openEdges(
  ctx: TransitionContext,
  runs: readonly RunRow[],
  ended: Map<number, Outcome>,
): Promise<{ internal: EdgeRow[]; external: { edge: EdgeRow; candidates: Outcome[] }[] }> {
  const { sql } = ctx;
  const ids = runs.map((run) => run.id);
  const internal = (
    await sql.rows<Record<string, unknown>>(
      `SELECT ${EDGE_COLUMNS} FROM job_run_dependency WHERE prerequisite_run_id IN (${placeholders(ids.length)}) ` +
        `AND satisfied = 0 ORDER BY id${sql.forUpdate}`,
      ids,
    )
  ).map(mapEdge);
  const byDate = new Map<string, Map<number, RunRow[]>>();
  for (const run of runs) {
    const jobs = byDate.get(run.dataDate) ?? new Map<number, RunRow[]>();
    jobs.set(run.jobId, [...(jobs.get(run.jobId) ?? []), run]);
    byDate.set(run.dataDate, jobs);
  }
  const external: { edge: EdgeRow; candidates: Outcome[] }[] = [];
  for (const [dataDate, jobs] of byDate) {
    // prerequisite_run_id is checked here, not in SQL, so the planner keeps to the (job, date) index.
    const rows = await sql.rows<Record<string, unknown>>(
      `SELECT ${EDGE_COLUMNS}, prerequisite_job_id FROM job_run_dependency WHERE prerequisite_job_id IN ` +
        `(${placeholders(jobs.size)}) AND data_date = ? AND satisfied = 0 ORDER BY id${sql.forUpdate}`,
      [...jobs.keys(), dataDate],
    );
    for (const row of rows) {
      if (row.prerequisite_run_id !== null) continue;
      const group = jobs.get(toNumber(row.prerequisite_job_id)) ?? [];
      const candidates = group.map((run) => ended.get(run.id)).filter((item): item is Outcome => item !== undefined);
      external.push({ edge: mapEdge(row), candidates });
    }
  }
  return { internal, external };
}

/** Skipped runs of a batch that were not skipped by a branch decision (their interface cannot complete). */
export async function blockedSkips(ctx: TransitionContext, batch: readonly RunRow[]): Promise<RunRow[]> {
  const skipped = batch.filter((run) => run.state === 'skipped');
  if (skipped.length === 0) return [];
  const rows = await ctx.sql.rows<{ id: unknown }>(
    `SELECT id FROM job_run WHERE id IN (${placeholders(skipped.length)}) AND branch_skipped = 0`,
    skipped.map((run) => run.id),
  );
  const ids = new Set(rows.map((row) => toNumber(row.id)));
  return skipped.filter((run) => ids.has(run.id));
}
