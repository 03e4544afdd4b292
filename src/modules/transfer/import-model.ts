import type { EdgeRule } from '../execution/edge-condition.js';
import type { InterfaceInput } from '../interface/interface-input.js';
import type { JobInput } from '../job/job-input.js';
import type { DispatchInput } from '../dispatch/dispatch.input.js';
import type { OwnerInput } from '../access/owner.service.js';

export const IMPORT_MODES = ['merge', 'mirror'] as const;
/** merge: create and update what the file has, never delete; mirror: also delete, inside the file's interfaces, what the file lacks. */
export type ImportMode = (typeof IMPORT_MODES)[number];

export const IMPORT_SOURCES = ['definitions', 'csv', 'xlsx'] as const;
export type ImportSource = (typeof IMPORT_SOURCES)[number];

export type ObjectType = 'interface' | 'job' | 'dispatch';
/** invalid: an object whose name (or interface) cannot even be read, shown with its errors only. */
export type DiffAction = 'create' | 'update' | 'delete' | 'unchanged' | 'invalid';

/**
 * Where an object of an import came from, so every message names it the way the user knows it:
 * "job 'ods / load', field execHost: …" for a definitions file, "row 7, column host: …" for a table.
 */
export interface Origin {
  label: string;
  fieldWord: 'field' | 'column';
  /** Table imports: the column that holds a field (fields without one are reported on the row). */
  columns?: Partial<Record<string, string>>;
  /** Spreadsheet row number (the header is row 1). */
  row?: number;
}

/** A prerequisite: by natural key, or (table imports) by the id of a job that already exists. */
export type JobReference = ({ interface: string; job: string } | { jobId: number }) & {
  column?: string;
  /** The edge's condition (files only; absent = succeeded). */
  rule?: EdgeRule;
};

export interface ImportInterface {
  origin: Origin;
  name: string;
  input: Omit<InterfaceInput, 'parentIds'>;
  parents: string[];
  /** Owner by name and the shared flag, as the file gives them (absent fields: defaults / kept). */
  owner?: OwnerInput;
}

export interface ImportJob {
  origin: Origin;
  interface: string;
  name: string;
  input: Omit<JobInput, 'interfaceId' | 'execHostId' | 'prerequisiteIds'>;
  /** Exec host by name (null: none, the job targets a host tag). */
  execHost: string | null;
  prerequisites: JobReference[];
  /**
   * Table imports give some columns only: the fields listed here replace an existing job's values,
   * the others keep them. Undefined: the object is complete (missing fields take their defaults).
   */
  given?: ReadonlySet<string>;
  /** Fields the object lacks that keep an existing job's values (fields newer than the file format). */
  kept?: ReadonlySet<string>;
}

export interface ImportAlert {
  event?: string;
  channel?: string;
  recipients?: string;
  enabled?: boolean;
}

export interface ImportDispatch {
  origin: Origin;
  name: string;
  interface: string;
  input: Omit<DispatchInput, 'interfaceId' | 'name'>;
  alerts: ImportAlert[];
}

/** A problem found while reading the file (before any database look-up). */
export interface ReadProblem {
  origin: Origin;
  type: ObjectType;
  key: string;
  field: string;
  message: string;
}

/** What an uploaded file says, whatever its format. */
export interface ImportDocument {
  source: ImportSource;
  interfaces: ImportInterface[];
  jobs: ImportJob[];
  dispatches: ImportDispatch[];
  problems: ReadProblem[];
  /**
   * Table imports: interfaces named by rows that may not exist yet. Missing ones are created with
   * default settings and a warning (a table has no interface columns to describe them).
   */
  implicitInterfaces: { name: string; origin: Origin }[];
  /** Table imports may name interfaces and exec hosts by the id they have in this installation. */
  allowIds: boolean;
}

export type FieldChanges = Record<string, { from: unknown; to: unknown }>;

/** One line of the diff. */
export interface DiffRow {
  type: ObjectType;
  key: string;
  action: DiffAction;
  changes?: FieldChanges;
  errors: string[];
  warnings: string[];
  row?: number;
}

export interface DiffCounts {
  create: number;
  update: number;
  delete: number;
  unchanged: number;
  errors: number;
  warnings: number;
}

/** The answer of an import: the diff, and whether it was applied. */
export interface ImportReport {
  source: ImportSource;
  mode: ImportMode;
  dryRun: boolean;
  applied: boolean;
  valid: boolean;
  counts: DiffCounts;
  rows: DiffRow[];
  /** Every error message of every row, in row order. */
  errors: string[];
  warnings: string[];
}

/** "job 'ods / load', field execHost: unknown exec host 'etl-9'" / "row 7, column host: …". */
export function problemText(origin: Origin, field: string, message: string): string {
  if (field === '') return `${origin.label}: ${message}`;
  if (origin.fieldWord === 'field') return `${origin.label}, field ${field}: ${message}`;
  const exact = origin.columns?.[field];
  const [head, ...rest] = field.split('.');
  // a part of a cell, e.g. params.0.value → "column params (#1 value)"
  const part =
    exact === undefined && rest.length > 0
      ? ` (${rest.map((item) => (/^\d+$/.test(item) ? `#${Number(item) + 1}` : item)).join(' ')})`
      : '';
  return `${origin.label}, column ${exact ?? origin.columns?.[head] ?? field}${part}: ${message}`;
}

export const jobKey = (interfaceName: string, jobName: string) => `${interfaceName} / ${jobName}`;

/** A map key that cannot be confused by names containing " / ". */
export const jobMapKey = (interfaceName: string, jobName: string) => `${interfaceName}\u0000${jobName}`;
