import type { DispatchEntity } from '../dispatch/dispatch.entity.js';
import type { InterfaceEntity } from '../interface/interface.entity.js';
import type { JobEntity } from '../job/job.entity.js';
import type { FileDispatch, FileInterface, FileJob } from './definitions-format.js';
import type { DefinitionsSnapshot } from './definitions-snapshot.js';
import {
  jobMapKey,
  problemText,
  type DiffAction,
  type DiffRow,
  type ImportDocument,
  type ImportMode,
  type ObjectType,
  type Origin,
} from './import-model.js';

export interface Planned<Existing, After> {
  row: DiffRow;
  origin: Origin;
  existing: Existing | undefined;
  /** The object as it will be, validated and normalised (natural keys; the writer resolves ids). */
  after: After;
}

export type PlannedInterface = Planned<InterfaceEntity, FileInterface>;
export type PlannedJob = Planned<JobEntity, FileJob>;
export type PlannedDispatch = Planned<DispatchEntity, FileDispatch>;

export interface PlannedDeletions {
  jobs: { row: DiffRow; job: JobEntity }[];
  dispatches: { row: DiffRow; dispatch: DispatchEntity }[];
}

export interface ImportPlan {
  interfaces: PlannedInterface[];
  jobs: PlannedJob[];
  dispatches: PlannedDispatch[];
  deletions: PlannedDeletions;
  /** Every row of the diff, in the order shown. */
  rows: DiffRow[];
}

export function newRow(type: ObjectType, key: string, action: DiffAction, origin?: Origin): DiffRow {
  return { type, key, action, errors: [], warnings: [], ...(origin?.row === undefined ? {} : { row: origin.row }) };
}

export function addError(row: DiffRow, origin: Origin, field: string, message: string): void {
  row.errors.push(problemText(origin, field, message));
}

/** Field errors of a shared checker (`{ field: message }`), renamed where the file names them differently. */
export function addFieldErrors(
  row: DiffRow,
  origin: Origin,
  fields: Record<string, string>,
  rename: Record<string, string | null> = {},
): void {
  for (const [field, message] of Object.entries(fields)) {
    const name = field in rename ? rename[field] : field;
    if (name !== null) addError(row, origin, name, message);
  }
}

/**
 * What the definitions will be after the import, by name: the file's objects over the
 * installation's. Shared by the planning steps.
 */
export class PlanContext {
  readonly fileInterfaces = new Map<string, Origin>();
  /** Table imports: missing interfaces to create. */
  readonly implicitInterfaces = new Set<string>();
  readonly fileJobs = new Set<string>();
  readonly deletedJobIds = new Set<number>();

  constructor(
    readonly snapshot: DefinitionsSnapshot,
    readonly document: ImportDocument,
    readonly mode: ImportMode,
  ) {}

  /** The name of the interface a file refers to, or null when there will be none. */
  interfaceName(reference: string): string | null {
    if (this.fileInterfaces.has(reference) || this.implicitInterfaces.has(reference)) return reference;
    if (this.snapshot.interfaceByName.has(reference)) return reference;
    if (this.document.allowIds && /^\d{1,9}$/.test(reference)) {
      return this.snapshot.interfaceById.get(Number(reference))?.name ?? null;
    }
    return null;
  }

  hostName(reference: string): string | null {
    if (this.snapshot.hostByName.has(reference)) return reference;
    if (this.document.allowIds && /^\d{1,9}$/.test(reference)) {
      return this.snapshot.hostById.get(Number(reference))?.name ?? null;
    }
    return null;
  }

  /** Whether a job will exist after the import (in the file, or kept from the installation). */
  jobExists(interfaceName: string, jobName: string): boolean {
    const key = jobMapKey(interfaceName, jobName);
    if (this.fileJobs.has(key)) return true;
    const existing = this.snapshot.jobByKey.get(key);
    return existing !== undefined && !this.deletedJobIds.has(existing.id);
  }

  existingJob(interfaceName: string, jobName: string): JobEntity | undefined {
    return this.snapshot.jobByKey.get(jobMapKey(interfaceName, jobName));
  }
}
