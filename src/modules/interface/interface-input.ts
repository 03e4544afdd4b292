import {
  addProblem,
  dateProblem,
  idListProblem,
  integerProblem,
  nameProblem,
  normalizeFolder,
  textProblem,
  uniqueIds,
  type FieldErrors,
} from './definition-rules.js';

/** An interface as given by a form or the API (PUT: what is missing takes its default). */
export interface InterfaceInput {
  name?: string;
  description?: string;
  folder?: string;
  dataDateWatermark?: string | null;
  retryCount?: number | null;
  retryIntervalSeconds?: number | null;
  enabled?: boolean | null;
  parentIds?: number[] | null;
  /** Owner by name (user or group); left out = the creator on create, unchanged on update. */
  ownerUser?: string | null;
  ownerGroup?: string | null;
  shared?: boolean | null;
}

/** A checked interface, ready to save. */
export interface InterfaceValues {
  name: string;
  description: string;
  folder: string;
  dataDateWatermark: string | null;
  retryCount: number;
  retryIntervalSeconds: number;
  enabled: boolean;
  parentIds: number[];
}

export const MAX_PARENTS = 1000;

/** Field checks that need no database; existence, uniqueness and cycles are checked by the service. */
export function checkInterfaceInput(input: InterfaceInput): { values: InterfaceValues; fields: FieldErrors } {
  const fields: FieldErrors = {};
  addProblem(fields, 'name', nameProblem(input.name));
  addProblem(fields, 'description', textProblem(input.description, 1000, false));
  addProblem(fields, 'folder', textProblem(input.folder, 128));
  addProblem(fields, 'dataDateWatermark', dateProblem(input.dataDateWatermark));
  addProblem(fields, 'retryCount', integerProblem(input.retryCount, 0, 100));
  addProblem(fields, 'retryIntervalSeconds', integerProblem(input.retryIntervalSeconds, 0, 86_400));
  addProblem(fields, 'parentIds', idListProblem(input.parentIds ?? undefined, MAX_PARENTS));
  const values: InterfaceValues = {
    name: (input.name ?? '').trim(),
    description: input.description ?? '',
    folder: normalizeFolder(input.folder),
    dataDateWatermark: input.dataDateWatermark ? input.dataDateWatermark : null,
    retryCount: input.retryCount ?? 0,
    retryIntervalSeconds: input.retryIntervalSeconds ?? 60,
    enabled: input.enabled ?? true,
    parentIds: uniqueIds(input.parentIds ?? undefined),
  };
  return { values, fields };
}

/** The fields an update compares for the audit log. */
export const INTERFACE_AUDIT_FIELDS = [
  'name',
  'description',
  'folder',
  'dataDateWatermark',
  'retryCount',
  'retryIntervalSeconds',
  'enabled',
] as const;
