import { changedFields } from '../interface/definition-rules.js';
import { MAX_PREREQUISITES, checkJobInput, type JobInput } from '../job/job-input.js';
import { JOB_DIFF_FIELDS, sortReferences, type FileJob, type FileJobReference } from './definitions-format.js';
import { fileJob, jobReference } from './definitions-export.js';
import { jobKey, jobMapKey, type DiffRow, type ImportJob, type JobReference } from './import-model.js';
import { PlanContext, addError, addFieldErrors, newRow, type PlannedJob } from './plan-context.js';

/** Registers the keys of the file's jobs (what prerequisites may point at). */
export function indexJobs(context: PlanContext): void {
  for (const item of context.document.jobs) {
    const owner = context.interfaceName(item.interface);
    if (owner !== null) context.fileJobs.add(jobMapKey(owner, item.name));
  }
}

type JobFields = Omit<JobInput, 'interfaceId' | 'execHostId' | 'prerequisiteIds'>;
const INPUT_FIELDS = JOB_DIFF_FIELDS.filter(
  (field): field is (typeof JOB_DIFF_FIELDS)[number] & keyof JobFields =>
    field !== 'execHost' && field !== 'prerequisites',
);

/** A table row gives some columns only: the others keep the existing job's values. */
function effectiveItem(item: ImportJob, existing: FileJob | undefined): ImportJob {
  if (item.kept && existing) return keptFields(item, item.kept, existing);
  if (!item.given || !existing) return item;
  const given = item.given;
  const input: JobFields = { ...item.input };
  for (const field of INPUT_FIELDS) {
    if (!given.has(field)) Object.assign(input, { [field]: existing[field] });
  }
  const target = given.has('execHost') || given.has('hostTag');
  return {
    ...item,
    input: target ? input : { ...input, hostTag: existing.hostTag },
    execHost: target ? item.execHost : existing.execHost,
    prerequisites: given.has('prerequisites') ? item.prerequisites : existing.prerequisites,
  };
}

/** A definitions-file object without the newer fields: an existing job keeps their values. */
function keptFields(item: ImportJob, kept: ReadonlySet<string>, existing: FileJob): ImportJob {
  const input: JobFields = { ...item.input };
  for (const field of INPUT_FIELDS) {
    if (kept.has(field)) Object.assign(input, { [field]: existing[field] });
  }
  return { ...item, input };
}

function resolveReference(context: PlanContext, reference: JobReference, row: DiffRow, item: ImportJob) {
  const field = reference.column ?? 'prerequisites';
  if ('jobId' in reference) {
    const job = context.snapshot.jobById.get(reference.jobId);
    if (!job || context.deletedJobIds.has(job.id)) {
      addError(row, item.origin, field, `no job with id ${reference.jobId}`);
      return null;
    }
    return { ...jobReference(context.snapshot, job.id), ...ruleFields(reference) };
  }
  const owner = context.interfaceName(reference.interface);
  const label = jobKey(reference.interface, reference.job);
  if (owner === null || !context.jobExists(owner, reference.job)) {
    const deleted = owner !== null && context.existingJob(owner, reference.job) !== undefined;
    addError(
      row,
      item.origin,
      field,
      deleted ? `prerequisite '${label}' is deleted by this import` : `unknown job '${label}'`,
    );
    return null;
  }
  return { interface: owner, job: reference.job, ...ruleFields(reference) };
}

/** The condition of a file reference as the file format writes it (nothing for `succeeded`). */
function ruleFields(reference: JobReference): Partial<FileJobReference> {
  const rule = reference.rule;
  if (!rule || rule.condition === 'succeeded') return {};
  if (rule.condition !== 'output') return { condition: rule.condition };
  return { condition: rule.condition, outputName: rule.outputName, outputMatch: rule.outputMatch };
}

function resolvePrerequisites(context: PlanContext, item: ImportJob, owner: string | null, row: DiffRow) {
  const out = new Map<string, FileJobReference>();
  for (const reference of item.prerequisites) {
    const resolved = resolveReference(context, reference, row, item);
    if (!resolved) continue;
    if (resolved.interface === owner && resolved.job === item.name) {
      addError(row, item.origin, reference.column ?? 'prerequisites', 'a job cannot depend on itself');
    } else {
      out.set(jobMapKey(resolved.interface, resolved.job), resolved);
    }
  }
  if (out.size > MAX_PREREQUISITES) addError(row, item.origin, 'prerequisites', `at most ${MAX_PREREQUISITES}`);
  return sortReferences([...out.values()]);
}

function resolveTarget(context: PlanContext, item: ImportJob, row: DiffRow, fields: Record<string, string>) {
  if (fields.execHostId !== undefined || fields.hostTag !== undefined) return item.execHost;
  if (item.execHost !== null) {
    const host = context.hostName(item.execHost);
    if (host === null) addError(row, item.origin, 'execHost', `unknown exec host '${item.execHost}'`);
    return host ?? item.execHost;
  }
  const tag = (item.input.hostTag ?? '').trim();
  if (!context.snapshot.tags.has(tag)) addError(row, item.origin, 'hostTag', `no exec host carries tag '${tag}'`);
  return null;
}

function planJob(context: PlanContext, raw: ImportJob, seen: Set<string>): PlannedJob {
  const owner = context.interfaceName(raw.interface);
  const existing = owner === null ? undefined : context.existingJob(owner, raw.name);
  const item = effectiveItem(raw, existing && fileJob(context.snapshot, existing));
  const row = newRow('job', jobKey(owner ?? raw.interface, raw.name), existing ? 'unchanged' : 'create', item.origin);
  if (owner === null) {
    const hint = context.document.allowIds ? 'no interface named or numbered' : 'unknown interface';
    addError(row, item.origin, 'interface', `${hint} '${raw.interface}'`);
  }
  // interface, host and prerequisites are names here: the shared checker gets stand-in ids for them
  const input = { ...item.input, interfaceId: 1, execHostId: item.execHost === null ? null : 1, prerequisiteIds: [] };
  const { values, fields } = checkJobInput(input);
  addFieldErrors(row, item.origin, fields, { interfaceId: null, execHostId: 'execHost', prerequisiteIds: null });
  const key = jobMapKey(owner ?? raw.interface, raw.name);
  if (seen.has(key)) addError(row, item.origin, 'name', 'appears more than once in the file for this interface');
  seen.add(key);
  const execHost = resolveTarget(context, item, row, fields);
  const {
    interfaceId: _interface,
    execHostId: _host,
    prerequisiteIds: _prerequisites,
    prerequisiteConditions: _conditions,
    ...columns
  } = values;
  const after: FileJob = {
    ...columns,
    interface: owner ?? raw.interface,
    execHost,
    prerequisites: resolvePrerequisites(context, item, owner, row),
  };
  if (existing) {
    const changes = changedFields(fileJob(context.snapshot, existing), after, JOB_DIFF_FIELDS);
    if (Object.keys(changes).length > 0) Object.assign(row, { action: 'update', changes });
  }
  return { row, origin: item.origin, existing, after };
}

/** The file's jobs as creates, updates or unchanged, each checked by the job rules. */
export function planJobs(context: PlanContext): PlannedJob[] {
  const seen = new Set<string>();
  return context.document.jobs.map((item) => planJob(context, item, seen));
}
