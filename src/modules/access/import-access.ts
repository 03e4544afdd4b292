import type { InterfaceEntity } from '../interface/interface.entity.js';
import type { DefinitionsSnapshot } from '../transfer/definitions-snapshot.js';
import type { DiffRow, Origin } from '../transfer/import-model.js';
import { addError, type ImportPlan } from '../transfer/plan-context.js';

/** Interfaces the importer may see: 'all' for admins. */
export type VisibleInterfaces = ReadonlySet<number> | 'all';

const NOT_FOUND = 'no interface of that name among the ones you may see';
const TAKEN = 'is taken by an interface you may not see';

/**
 * An import may only change what its user may see. Interface names are unique installation-wide,
 * so an interface row naming one the user may not see is refused as a taken name (exactly what
 * creating it by hand answers) and jobs and dispatches of such an interface as not found — the
 * error names the row; nothing of that interface is shown. Adds the errors to the plan's rows.
 */
export function restrictImportPlan(plan: ImportPlan, snapshot: DefinitionsSnapshot, visible: VisibleInterfaces): void {
  if (visible === 'all') return;
  const hidden = (row: InterfaceEntity | undefined): boolean => row !== undefined && !visible.has(row.id);
  for (const item of plan.interfaces) {
    if (hidden(item.existing)) addError(item.row, item.origin, 'name', TAKEN);
  }
  const byName = (name: string) => snapshot.interfaceByName.get(name);
  for (const item of [...plan.jobs, ...plan.dispatches]) {
    if (hidden(byName(item.after.interface))) addError(item.row, item.origin, 'interface', NOT_FOUND);
  }
  const deletion = (row: DiffRow, interfaceId: number): void => {
    const origin: Origin = { label: `${row.type} ${row.key}`, fieldWord: 'field' };
    if (!visible.has(interfaceId)) addError(row, origin, 'interface', NOT_FOUND);
  };
  for (const { row, job } of plan.deletions.jobs) deletion(row, job.interfaceId);
  for (const { row, dispatch } of plan.deletions.dispatches) deletion(row, dispatch.interfaceId);
}
