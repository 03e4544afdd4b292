import type { DispatchEntity } from '../dispatch/dispatch.entity.js';
import type { InterfaceEntity } from '../interface/interface.entity.js';
import type { JobEntity } from '../job/job.entity.js';
import {
  DEFINITIONS_FORMAT,
  DEFINITIONS_VERSION,
  byText,
  sortAlerts,
  sortNames,
  sortReferences,
  type DefinitionsFile,
  type FileDispatch,
  type FileInterface,
  type FileJob,
  type FileJobReference,
} from './definitions-format.js';
import type { DefinitionsSnapshot } from './definitions-snapshot.js';

const interfaceName = (snapshot: DefinitionsSnapshot, id: number) => snapshot.interfaceById.get(id)?.name ?? `#${id}`;

/** An interface as the file writes it (and as an import compares it). */
export function fileInterface(snapshot: DefinitionsSnapshot, row: InterfaceEntity): FileInterface {
  return {
    name: row.name,
    description: row.description,
    folder: row.folder,
    dataDateWatermark: row.dataDateWatermark,
    retryCount: row.retryCount,
    retryIntervalSeconds: row.retryIntervalSeconds,
    enabled: row.enabled,
    parents: sortNames((snapshot.parentIds.get(row.id) ?? []).map((id) => interfaceName(snapshot, id))),
  };
}

export function jobReference(snapshot: DefinitionsSnapshot, id: number): FileJobReference {
  const job = snapshot.jobById.get(id);
  return job
    ? { interface: interfaceName(snapshot, job.interfaceId), job: job.name }
    : { interface: '', job: `#${id}` };
}

export function fileJob(snapshot: DefinitionsSnapshot, row: JobEntity): FileJob {
  return {
    interface: interfaceName(snapshot, row.interfaceId),
    name: row.name,
    description: row.description,
    folder: row.folder,
    execHost: row.execHostId === null ? null : (snapshot.hostById.get(row.execHostId)?.name ?? `#${row.execHostId}`),
    hostTag: row.hostTag,
    routingStrategy: row.routingStrategy,
    broadcast: row.broadcast,
    broadcastParallel: row.broadcastParallel,
    failRate: row.failRate,
    failCount: row.failCount,
    killOnBudgetExceeded: row.killOnBudgetExceeded,
    workingDir: row.workingDir,
    commandType: row.commandType,
    command: row.command,
    interpreter: row.interpreter,
    params: (snapshot.params.get(row.id) ?? []).map(({ name, kind, value }) => ({ name, kind, value })),
    successExitCodes: row.successExitCodes,
    timeoutWarnSeconds: row.timeoutWarnSeconds,
    timeoutFailSeconds: row.timeoutFailSeconds,
    retryCount: row.retryCount,
    retryIntervalSeconds: row.retryIntervalSeconds,
    retryBackoffPercent: row.retryBackoffPercent,
    retryLost: row.retryLost,
    enabled: row.enabled,
    prerequisites: sortReferences(
      (snapshot.prerequisiteIds.get(row.id) ?? []).map((id) => {
        const rule = snapshot.edgeRules.get(`${row.id}:${id}`);
        if (!rule) return jobReference(snapshot, id);
        const output =
          rule.condition === 'output' ? { outputName: rule.outputName, outputMatch: rule.outputMatch } : {};
        return { ...jobReference(snapshot, id), condition: rule.condition, ...output };
      }),
    ),
  };
}

export function fileDispatch(snapshot: DefinitionsSnapshot, row: DispatchEntity): FileDispatch {
  const alerts = (snapshot.alerts.get(row.id) ?? []).map((rule) => ({
    event: rule.event,
    channel: snapshot.channelById.get(rule.channelId)?.name ?? `#${rule.channelId}`,
    recipients: rule.recipients,
    enabled: rule.enabled,
  }));
  return {
    name: row.name,
    interface: interfaceName(snapshot, row.interfaceId),
    description: row.description,
    cron: row.cron,
    timezone: row.timezone,
    enabled: row.enabled,
    misfirePolicy: row.misfirePolicy,
    overlapPolicy: row.overlapPolicy,
    runDownstream: row.runDownstream,
    dataDateOffsetDays: row.dataDateOffsetDays,
    alerts: sortAlerts(alerts),
  };
}

/**
 * The definitions file: everything, or the named interfaces with their jobs and dispatches (their
 * parents and prerequisites elsewhere stay references, resolved by name where the file goes).
 */
export function buildDefinitionsFile(
  snapshot: DefinitionsSnapshot,
  selected: ReadonlySet<number> | null,
  now: Date,
): DefinitionsFile {
  const wanted = (interfaceId: number) => selected === null || selected.has(interfaceId);
  const interfaces = snapshot.interfaces.filter((row) => wanted(row.id)).map((row) => fileInterface(snapshot, row));
  const jobs = snapshot.jobs.filter((job) => wanted(job.interfaceId)).map((job) => fileJob(snapshot, job));
  const dispatches = snapshot.dispatches
    .filter((row) => wanted(row.interfaceId))
    .map((row) => fileDispatch(snapshot, row));
  // code-point order, the same on every database (their collations differ)
  interfaces.sort((a, b) => byText(a.name, b.name));
  jobs.sort((a, b) => byText(a.interface, b.interface) || byText(a.name, b.name));
  dispatches.sort((a, b) => byText(a.name, b.name));
  return {
    format: DEFINITIONS_FORMAT,
    version: DEFINITIONS_VERSION,
    exportedAt: now.toISOString(),
    interfaces,
    jobs,
    dispatches,
  };
}
