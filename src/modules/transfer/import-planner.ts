import type { DefinitionsSnapshot } from './definitions-snapshot.js';
import {
  problemText,
  type DiffCounts,
  type DiffRow,
  type ImportDocument,
  type ImportMode,
  type ImportReport,
} from './import-model.js';
import { PlanContext, newRow, type ImportPlan } from './plan-context.js';
import { planDispatches } from './plan-dispatches.js';
import { indexInterfaces, planInterfaces } from './plan-interfaces.js';
import { indexJobs, planJobs } from './plan-jobs.js';
import { checkCycles, checkDeletedPrerequisites, planDeletions } from './plan-mesh.js';

/** Problems found while reading go on the row of their object; objects that could not be read get a row of their own. */
function attachReadProblems(plan: ImportPlan, document: ImportDocument): DiffRow[] {
  const byOrigin = new Map(
    [...plan.interfaces, ...plan.jobs, ...plan.dispatches].map((item) => [item.origin, item.row] as const),
  );
  const unread = new Map<string, DiffRow>();
  for (const problem of document.problems) {
    let row = byOrigin.get(problem.origin);
    if (!row) {
      const key = `${problem.type}\u0000${problem.key}`;
      row = unread.get(key) ?? newRow(problem.type, problem.key, 'invalid', problem.origin);
      unread.set(key, row);
    }
    row.errors.push(problemText(problem.origin, problem.field, problem.message));
  }
  return [...unread.values()];
}

/**
 * Compares an import with the installation: per object create / update (with the changed fields)
 * / delete (mirror only) / unchanged, with every error naming its object and field. Pure: it reads
 * only the snapshot, so a dry run and the apply (inside its transaction) compute the same plan.
 */
export function planImport(snapshot: DefinitionsSnapshot, document: ImportDocument, mode: ImportMode): ImportPlan {
  const context = new PlanContext(snapshot, document, mode);
  indexInterfaces(context);
  indexJobs(context);
  const deletions = planDeletions(context);
  const plan: ImportPlan = {
    interfaces: planInterfaces(context),
    jobs: planJobs(context),
    dispatches: planDispatches(context),
    deletions,
    rows: [],
  };
  checkDeletedPrerequisites(context, deletions);
  checkCycles(context, plan);
  const invalid = attachReadProblems(plan, document);
  plan.rows = [
    ...invalid,
    ...plan.interfaces.map((item) => item.row),
    ...plan.jobs.map((item) => item.row),
    ...plan.dispatches.map((item) => item.row),
    ...deletions.jobs.map((item) => item.row),
    ...deletions.dispatches.map((item) => item.row),
  ];
  if (document.source !== 'definitions') plan.rows.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
  return plan;
}

export function countRows(rows: DiffRow[]): DiffCounts {
  const counts: DiffCounts = { create: 0, update: 0, delete: 0, unchanged: 0, errors: 0, warnings: 0 };
  for (const row of rows) {
    if (row.action !== 'invalid') counts[row.action]++;
    counts.errors += row.errors.length;
    counts.warnings += row.warnings.length;
  }
  return counts;
}

/** The report a caller sees: counts, rows, and every message flattened in row order. */
export function reportOf(
  plan: ImportPlan,
  meta: Pick<ImportReport, 'source' | 'mode' | 'dryRun' | 'applied'>,
): ImportReport {
  const errors = plan.rows.flatMap((row) => row.errors);
  return {
    ...meta,
    valid: errors.length === 0,
    counts: countRows(plan.rows),
    rows: plan.rows,
    errors,
    warnings: plan.rows.flatMap((row) => row.warnings),
  };
}
