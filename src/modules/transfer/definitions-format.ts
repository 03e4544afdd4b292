/**
 * The definitions file (format "meshcron-definitions", version 1): what export writes and import
 * reads. Objects refer to each other by natural keys (interface name; job = interface name + job
 * name; dispatch name; exec host, host tag and alert channel by name), never by database id, so a
 * file moves between installations. Secrets are never in it. See docs/import-export.md.
 */
import type { CommandType, EdgeCondition, ParamKind, RoutingStrategy } from '../job/job.entity.js';
import type { AlertEvent, MisfirePolicy, OverlapPolicy } from '../dispatch/dispatch.entity.js';

export const DEFINITIONS_FORMAT = 'meshcron-definitions';
export const DEFINITIONS_VERSION = 1;

export interface FileInterface {
  name: string;
  description: string;
  folder: string;
  /** Applied only when the interface is created: a watermark is run state, not moved by later imports. */
  dataDateWatermark: string | null;
  retryCount: number;
  retryIntervalSeconds: number;
  enabled: boolean;
  /** Parent interfaces, by name. */
  parents: string[];
  /** Owner user or group by name, and whether everyone may see it (optional; see docs/definitions.md). */
  ownerUser?: string | null;
  ownerGroup?: string | null;
  shared?: boolean;
}

export interface FileJobParam {
  name: string;
  kind: ParamKind;
  value: string;
}

export interface FileJobReference {
  interface: string;
  job: string;
  /** The edge's condition; absent = succeeded (files written before conditions existed). */
  condition?: EdgeCondition;
  /** condition output: the output's name and its value or /regex/. */
  outputName?: string;
  outputMatch?: string;
}

export interface FileJob {
  interface: string;
  name: string;
  description: string;
  folder: string;
  /** The exec host's name, or null when the job targets any host with `hostTag`. */
  execHost: string | null;
  hostTag: string;
  routingStrategy: RoutingStrategy;
  /**
   * Broadcast settings (docs/definitions.md, "Broadcast jobs"). Absent from a file (files written
   * before broadcast existed): a new job takes the defaults, an existing job keeps its values.
   */
  broadcast: boolean;
  broadcastParallel: number;
  failRate: number | null;
  failCount: number | null;
  killOnBudgetExceeded: boolean;
  workingDir: string;
  commandType: CommandType;
  command: string;
  interpreter: string;
  params: FileJobParam[];
  successExitCodes: string;
  timeoutWarnSeconds: number;
  timeoutFailSeconds: number;
  retryCount: number | null;
  retryIntervalSeconds: number | null;
  retryBackoffPercent: number;
  retryLost: boolean;
  enabled: boolean;
  prerequisites: FileJobReference[];
}

export interface FileAlert {
  event: AlertEvent;
  /** The alert channel's name (its settings and secrets stay in the installation). */
  channel: string;
  recipients: string;
  enabled: boolean;
}

export interface FileDispatch {
  name: string;
  interface: string;
  description: string;
  cron: string;
  timezone: string;
  enabled: boolean;
  misfirePolicy: MisfirePolicy;
  overlapPolicy: OverlapPolicy;
  runDownstream: boolean;
  dataDateOffsetDays: number;
  alerts: FileAlert[];
}

export interface DefinitionsFile {
  format: typeof DEFINITIONS_FORMAT;
  version: typeof DEFINITIONS_VERSION;
  exportedAt: string;
  interfaces: FileInterface[];
  jobs: FileJob[];
  dispatches: FileDispatch[];
}

/** The fields compared (and shown as changed) for each kind of object. */
export const INTERFACE_DIFF_FIELDS = [
  'description',
  'folder',
  'retryCount',
  'retryIntervalSeconds',
  'enabled',
  'parents',
] as const satisfies readonly (keyof FileInterface)[];

export const JOB_DIFF_FIELDS = [
  'description',
  'folder',
  'execHost',
  'hostTag',
  'routingStrategy',
  'broadcast',
  'broadcastParallel',
  'failRate',
  'failCount',
  'killOnBudgetExceeded',
  'workingDir',
  'commandType',
  'command',
  'interpreter',
  'params',
  'successExitCodes',
  'timeoutWarnSeconds',
  'timeoutFailSeconds',
  'retryCount',
  'retryIntervalSeconds',
  'retryBackoffPercent',
  'retryLost',
  'enabled',
  'prerequisites',
] as const satisfies readonly (keyof FileJob)[];

/** Job fields added after version 1 files were first written: absent, they keep an existing job's values. */
export const JOB_FIELDS_KEPT_WHEN_ABSENT = [
  'broadcast',
  'broadcastParallel',
  'failRate',
  'failCount',
  'killOnBudgetExceeded',
] as const satisfies readonly (keyof FileJob)[];

export const DISPATCH_DIFF_FIELDS = [
  'interface',
  'description',
  'cron',
  'timezone',
  'enabled',
  'misfirePolicy',
  'overlapPolicy',
  'runDownstream',
  'dataDateOffsetDays',
  'alerts',
] as const satisfies readonly (keyof FileDispatch)[];

export const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Canonical order of lists inside objects, so equal definitions compare (and export) equal. */
export function sortReferences(references: FileJobReference[]): FileJobReference[] {
  return [...references].sort((a, b) => byText(a.interface, b.interface) || byText(a.job, b.job));
}

export function sortAlerts(alerts: FileAlert[]): FileAlert[] {
  return [...alerts].sort((a, b) => byText(a.event, b.event) || byText(a.channel, b.channel));
}

export function sortNames(names: string[]): string[] {
  return [...names].sort(byText);
}
