import { changedFields } from '../interface/definition-rules.js';
import { MAX_PARENTS, checkInterfaceInput } from '../interface/interface-input.js';
import { INTERFACE_DIFF_FIELDS, sortNames, type FileInterface } from './definitions-format.js';
import { fileInterface } from './definitions-export.js';
import { problemText, type DiffRow, type ImportInterface, type Origin } from './import-model.js';
import { PlanContext, addError, addFieldErrors, newRow, type PlannedInterface } from './plan-context.js';

/** Registers the file's interfaces (first of each name) and the table imports' missing ones. */
export function indexInterfaces(context: PlanContext): void {
  for (const item of context.document.interfaces) {
    if (!context.fileInterfaces.has(item.name)) context.fileInterfaces.set(item.name, item.origin);
  }
  for (const { name } of context.document.implicitInterfaces) {
    const known = context.interfaceName(name) !== null;
    // a number that names no interface is a stale id from another system, not a name to create
    if (!known && !/^\d+$/.test(name)) context.implicitInterfaces.add(name);
  }
}

function checkParents(context: PlanContext, item: ImportInterface, row: DiffRow): string[] {
  const parents = [...new Set(item.parents)];
  if (parents.length > MAX_PARENTS) addError(row, item.origin, 'parents', `must have at most ${MAX_PARENTS}`);
  for (const parent of parents) {
    if (parent === item.name) addError(row, item.origin, 'parents', 'an interface cannot be its own parent');
    else if (context.interfaceName(parent) === null)
      addError(row, item.origin, 'parents', `unknown interface '${parent}'`);
  }
  return parents.filter((parent) => parent !== item.name && context.interfaceName(parent) !== null);
}

function planInterface(context: PlanContext, item: ImportInterface, seen: Set<string>): PlannedInterface {
  const existing = context.snapshot.interfaceByName.get(item.name);
  const { values, fields } = checkInterfaceInput({ ...item.input, name: item.name, parentIds: [] });
  const row = newRow('interface', item.name, existing ? 'unchanged' : 'create', item.origin);
  addFieldErrors(row, item.origin, fields);
  if (seen.has(item.name)) addError(row, item.origin, 'name', 'appears more than once in the file');
  seen.add(item.name);
  const parents = checkParents(context, item, row);
  const after: FileInterface = {
    name: values.name,
    description: values.description,
    folder: values.folder,
    dataDateWatermark: existing ? existing.dataDateWatermark : values.dataDateWatermark,
    retryCount: values.retryCount,
    retryIntervalSeconds: values.retryIntervalSeconds,
    enabled: values.enabled,
    parents: sortNames(parents),
  };
  if (existing) {
    const changes = changedFields(fileInterface(context.snapshot, existing), after, INTERFACE_DIFF_FIELDS);
    if (Object.keys(changes).length > 0) Object.assign(row, { action: 'update', changes });
  }
  return { row, origin: item.origin, existing, after };
}

function planImplicit(context: PlanContext, name: string, origin: Origin): PlannedInterface {
  const { values, fields } = checkInterfaceInput({ name });
  const planned: PlannedInterface = {
    row: newRow('interface', name, 'create', origin),
    origin,
    existing: undefined,
    after: { ...values, parents: [] },
  };
  addFieldErrors(planned.row, origin, fields, { name: 'interface' });
  const warning = `interface '${name}' does not exist: it will be created with default settings`;
  planned.row.warnings.push(problemText(origin, 'interface', warning));
  return planned;
}

/** The file's interfaces as creates, updates or unchanged, each checked by the interface rules. */
export function planInterfaces(context: PlanContext): PlannedInterface[] {
  const seen = new Set<string>();
  const planned = context.document.interfaces.map((item) => planInterface(context, item, seen));
  const implicitOrigins = new Map<string, Origin>();
  for (const { name, origin } of context.document.implicitInterfaces) {
    if (context.implicitInterfaces.has(name) && !implicitOrigins.has(name)) implicitOrigins.set(name, origin);
  }
  for (const [name, origin] of implicitOrigins) planned.push(planImplicit(context, name, origin));
  return planned;
}
