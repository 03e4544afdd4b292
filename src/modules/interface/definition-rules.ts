/** Field rules shared by interfaces and jobs; each returns a message for the field, or null. */

/** Whether a text has control characters (tabs and new lines included). */
export function hasControl(value: string): boolean {
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

export type FieldErrors = Record<string, string>;

export function nameProblem(value: string | undefined): string | null {
  if (value === undefined || value.trim() === '') return 'is required';
  if (value.trim().length > 128) return 'must be at most 128 characters';
  if (hasControl(value)) return 'must not contain control characters';
  return null;
}

export function textProblem(value: string | undefined, max: number, singleLine = true): string | null {
  if (value === undefined) return null;
  if (value.length > max) return `must be at most ${max} characters`;
  if (singleLine && hasControl(value)) return 'must be one line without control characters';
  return null;
}

/** Folders are slash-separated groups ("dw/ods"); stored without surrounding blanks or slashes. */
export function normalizeFolder(value: string | undefined): string {
  return (value ?? '')
    .trim()
    .replace(/\/{2,}/g, '/')
    .replace(/^\/+|\/+$/g, '');
}

export function integerProblem(value: number | null | undefined, min: number, max: number): string | null {
  if (value === undefined || value === null) return null;
  if (!Number.isInteger(value) || value < min || value > max) return `must be a whole number from ${min} to ${max}`;
  return null;
}

/** A YYYY-MM-DD calendar date. */
export function dateProblem(value: string | null | undefined): string | null {
  if (value === undefined || value === null || value === '') return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return 'must be a date as YYYY-MM-DD';
  const [year, month, day] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return 'is not a calendar date';
  }
  return null;
}

/** Ids given as a list: whole positive numbers, each once. */
export function idListProblem(ids: readonly number[] | undefined, max: number): string | null {
  if (ids === undefined) return null;
  if (ids.some((id) => !Number.isInteger(id) || id < 1)) return 'must be a list of ids';
  if (ids.length > max) return `must have at most ${max} entries`;
  return null;
}

export function uniqueIds(ids: readonly number[] | undefined): number[] {
  return [...new Set(ids ?? [])];
}

/** Records a problem under `field` unless the field already has one. */
export function addProblem(fields: FieldErrors, field: string, problem: string | null): void {
  if (problem !== null && fields[field] === undefined) fields[field] = problem;
}

/** What an update changed, for the audit log: `{ field: { from, to } }` over the given keys. */
export function changedFields<T extends object>(
  before: T,
  after: T,
  keys: readonly (keyof T & string)[],
): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of keys) {
    const from = before[key];
    const to = after[key];
    if (JSON.stringify(from) !== JSON.stringify(to)) changes[key] = { from, to };
  }
  return changes;
}

/** Added and removed members between two lists of labels (edges, parents). */
export function listChange(before: readonly string[], after: readonly string[]) {
  const old = new Set(before);
  const now = new Set(after);
  return { added: after.filter((item) => !old.has(item)), removed: before.filter((item) => !now.has(item)) };
}
