import { adjacencyFrom, findCycle } from '../../common/graph/graph.js';
import { cycleException } from '../interface/mesh-graph.js';
import { jobKey, jobMapKey, type DiffRow, type Origin } from './import-model.js';
import { PlanContext, addError, newRow, type ImportPlan, type PlannedDeletions } from './plan-context.js';

const MAX_CYCLES_REPORTED = 20;

/**
 * Mirror mode: inside each interface of the file that exists here, the jobs and dispatches the
 * file does not have are deleted. Interfaces themselves are never deleted by an import.
 */
export function planDeletions(context: PlanContext): PlannedDeletions {
  const deletions: PlannedDeletions = { jobs: [], dispatches: [] };
  if (context.mode !== 'mirror') return deletions;
  const mirrored = new Set<number>();
  for (const name of context.fileInterfaces.keys()) {
    const existing = context.snapshot.interfaceByName.get(name);
    if (existing) mirrored.add(existing.id);
  }
  const fileDispatches = new Set(context.document.dispatches.map((item) => item.name));
  for (const job of context.snapshot.jobs) {
    if (!mirrored.has(job.interfaceId)) continue;
    const owner = context.snapshot.interfaceById.get(job.interfaceId)?.name ?? '';
    if (context.fileJobs.has(jobMapKey(owner, job.name))) continue;
    context.deletedJobIds.add(job.id);
    deletions.jobs.push({ row: newRow('job', jobKey(owner, job.name), 'delete'), job });
  }
  for (const dispatch of context.snapshot.dispatches) {
    if (mirrored.has(dispatch.interfaceId) && !fileDispatches.has(dispatch.name)) {
      deletions.dispatches.push({ row: newRow('dispatch', dispatch.name, 'delete'), dispatch });
    }
  }
  return deletions;
}

/** A job that stays (outside the file) must not lose a prerequisite to a mirror delete. */
export function checkDeletedPrerequisites(context: PlanContext, deletions: PlannedDeletions): void {
  const rows = new Map(deletions.jobs.map((item) => [item.job.id, item.row]));
  const snapshot = context.snapshot;
  for (const job of snapshot.jobs) {
    if (context.deletedJobIds.has(job.id)) continue;
    const owner = snapshot.interfaceById.get(job.interfaceId)?.name ?? '';
    if (context.fileJobs.has(jobMapKey(owner, job.name))) continue;
    for (const prerequisite of snapshot.prerequisiteIds.get(job.id) ?? []) {
      const row = rows.get(prerequisite);
      if (!row) continue;
      const origin: Origin = { label: `job '${row.key}'`, fieldWord: 'field' };
      const dependent = jobKey(owner, job.name);
      addError(row, origin, '', `cannot be deleted: job '${dependent}' (not in the file) depends on it`);
    }
  }
}

/** Interface edges after the import: the file's parents for its interfaces, the installation's for the rest. */
function interfaceGraph(context: PlanContext, plan: ImportPlan): Map<string, string[]> {
  const snapshot = context.snapshot;
  const planned = new Set(plan.interfaces.map((item) => item.after.name));
  const edges: [string, string][] = [];
  for (const [id, parents] of snapshot.parentIds) {
    const name = snapshot.interfaceById.get(id)?.name;
    if (name === undefined || planned.has(name)) continue;
    for (const parent of parents) edges.push([name, snapshot.interfaceById.get(parent)?.name ?? `#${parent}`]);
  }
  for (const item of plan.interfaces) for (const parent of item.after.parents) edges.push([item.after.name, parent]);
  return adjacencyFrom(edges);
}

/** Job edges after the import, keyed by jobMapKey. */
function jobGraph(context: PlanContext, plan: ImportPlan): Map<string, string[]> {
  const snapshot = context.snapshot;
  const keyOf = (id: number) => {
    const job = snapshot.jobById.get(id);
    return job ? jobMapKey(snapshot.interfaceById.get(job.interfaceId)?.name ?? '', job.name) : `#${id}`;
  };
  const edges: [string, string][] = [];
  for (const [id, prerequisites] of snapshot.prerequisiteIds) {
    if (context.deletedJobIds.has(id) || context.fileJobs.has(keyOf(id))) continue;
    for (const prerequisite of prerequisites) edges.push([keyOf(id), keyOf(prerequisite)]);
  }
  for (const item of plan.jobs) {
    const from = jobMapKey(item.after.interface, item.after.name);
    for (const reference of item.after.prerequisites) edges.push([from, jobMapKey(reference.interface, reference.job)]);
  }
  return adjacencyFrom(edges);
}

/**
 * Finds cycles of the resulting mesh and reports each on an object of the file that closes it
 * (after a report that object's edge is dropped, so the next cycle can be found).
 */
function reportCycles(
  graph: Map<string, string[]>,
  kind: 'interface' | 'job',
  blame: Map<string, { row: DiffRow; origin: Origin }>,
  label: (node: string) => string,
): void {
  for (let reported = 0; reported < MAX_CYCLES_REPORTED; reported++) {
    const cycle = findCycle(graph);
    if (!cycle) return;
    const index = Math.max(
      0,
      cycle.findIndex((node, position) => position < cycle.length - 1 && blame.has(node)),
    );
    const culprit = cycle[index];
    // told from the object that closes it: "ods → mart → dw → ods" (→ reads "depends on")
    const ring = [...cycle.slice(index, -1), ...cycle.slice(0, index), culprit];
    const names = ring.map(label);
    const target = blame.get(culprit);
    if (target) {
      const field = kind === 'interface' ? 'parents' : 'prerequisites';
      addError(target.row, target.origin, field, cycleException(kind, names, []).message);
    }
    const next = ring[1];
    graph.set(
      culprit,
      (graph.get(culprit) ?? []).filter((node) => node !== next),
    );
  }
}

/** The cycle check over the whole resulting mesh: the installation's definitions and the file's. */
export function checkCycles(context: PlanContext, plan: ImportPlan): void {
  const interfaces = new Map(plan.interfaces.map((item) => [item.after.name, item]));
  reportCycles(interfaceGraph(context, plan), 'interface', interfaces, (node) => node);
  const jobs = new Map(plan.jobs.map((item) => [jobMapKey(item.after.interface, item.after.name), item]));
  reportCycles(jobGraph(context, plan), 'job', jobs, (node) => node.replace('\u0000', ' / '));
}
