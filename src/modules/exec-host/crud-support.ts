/**
 * Helpers shared by the definition pages and APIs of exec hosts, alert channels and dispatches:
 * list queries (page, search, whitelisted sort), form conversions, dependents errors.
 * (Generic enough for src/common; kept here because this module owns it.)
 */
import type { Response } from 'express';
import { AppException, ValidationException } from '../../common/http/app.exception.js';
import { formString } from '../users/form.js';

export type SortOrder = 'ASC' | 'DESC';

export interface ListQuery<S extends string> {
  page: number;
  pageSize: number;
  search: string;
  sort: S;
  order: SortOrder;
}

const DIGITS = /^\d{1,7}$/;

function queryText(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Reads page, pageSize, search, sort and order. Pages are lenient (bad values fall back to the
 * defaults); the API is strict (a bad value is a 400 naming the parameter).
 */
export function parseListQuery<S extends string>(
  query: Record<string, unknown>,
  sorts: readonly S[],
  defaultSort: S,
  strict: boolean,
): ListQuery<S> {
  const errors: Record<string, string> = {};
  const number = (name: string, fallback: number, max: number) => {
    const text = queryText(query, name);
    if (text === undefined) return fallback;
    const value = DIGITS.test(text) ? Number(text) : NaN;
    if (value >= 1 && value <= max) return value;
    errors[name] = `must be an integer from 1 to ${max}`;
    return fallback;
  };
  const page = number('page', 1, 1_000_000);
  const pageSize = number('pageSize', 20, 200);
  const sortText = queryText(query, 'sort');
  const sort = sorts.find((candidate) => candidate === sortText) ?? defaultSort;
  if (sortText !== undefined && sort !== sortText) errors.sort = `must be one of ${sorts.join(', ')}`;
  const orderText = queryText(query, 'order')?.toLowerCase();
  if (orderText !== undefined && orderText !== 'asc' && orderText !== 'desc') errors.order = 'must be asc or desc';
  const search = (queryText(query, 'search') ?? '').trim().slice(0, 200);
  if (strict && Object.keys(errors).length > 0) throw new ValidationException(errors);
  return { page, pageSize, search, sort, order: orderText === 'desc' ? 'DESC' : 'ASC' };
}

/** `true`/`false` filters; anything else means "no filter" on pages and a 400 on the API. */
export function booleanFilter(query: Record<string, unknown>, name: string, strict: boolean): boolean | undefined {
  const text = queryText(query, name);
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text !== undefined && strict) throw new ValidationException({ [name]: 'must be true or false' });
  return undefined;
}

/** `&name=value…` for links that keep the list's search and filters. */
export function queryString(values: Record<string, string | number | boolean | undefined>): string {
  return Object.entries(values)
    .filter(([, value]) => value !== undefined && value !== '')
    .map(([name, value]) => `&${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`)
    .join('');
}

/** For each sortable column: the link that sorts by it (toggling the order on the current one) and its arrow. */
export function sortLinks<S extends string>(
  list: ListQuery<S>,
  sorts: readonly S[],
  filters: Record<string, string | number | boolean | undefined>,
): Record<S, { href: string; arrow: string }> {
  const links = {} as Record<S, { href: string; arrow: string }>;
  for (const sort of sorts) {
    const current = list.sort === sort;
    const order = current && list.order === 'ASC' ? 'desc' : 'asc';
    links[sort] = {
      href: `?sort=${sort}&order=${order}${queryString({ ...filters, search: list.search, pageSize: list.pageSize })}`,
      arrow: current ? (list.order === 'ASC' ? '▲' : '▼') : '',
    };
  }
  return links;
}

/** A form field as an integer: NaN when present but not an integer, undefined when absent or blank. */
export function formInteger(body: Record<string, unknown>, name: string): number | undefined {
  const value = body[name];
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  return /^-?\d{1,9}$/.test(value.trim()) ? Number(value.trim()) : NaN;
}

/** Ids from a form: repeated `ids` fields (checkboxes) or one comma-separated value. */
export function formIds(body: Record<string, unknown>): number[] {
  const raw = body.ids;
  const parts = (Array.isArray(raw) ? raw : [raw]).flatMap((value) =>
    typeof value === 'string' ? value.split(',') : [],
  );
  const ids = parts.map((part) => part.trim()).filter((part) => /^\d{1,9}$/.test(part));
  return [...new Set(ids.map(Number))];
}

/** A unique index refused the row (SQLite or MariaDB), i.e. someone saved the same name meanwhile. */
export function isUniqueViolation(error: unknown): boolean {
  const code =
    (error as { code?: unknown; driverError?: { code?: unknown } }).driverError?.code ??
    (error as { code?: unknown }).code;
  return code === 'ER_DUP_ENTRY' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

export interface Dependent {
  type: string;
  id: number;
  name: string;
}

export interface BlockedTarget {
  id: number;
  name: string;
  dependents: Dependent[];
}

/**
 * 409 HAS_DEPENDENTS listing, per target, what depends on it; `cascadable` says whether confirming
 * a cascade (`cascade: true`) would be accepted.
 */
export function dependentsError(message: string, blocked: BlockedTarget[], cascadable: boolean): AppException {
  return new AppException('HAS_DEPENDENTS', message, { blocked, cascadable });
}

export interface DependentsDetails {
  blocked: BlockedTarget[];
  cascadable: boolean;
}

export function isDependentsError(error: unknown): error is AppException & { details: DependentsDetails } {
  return error instanceof AppException && error.code === 'HAS_DEPENDENTS';
}

/** Everything asked for must exist; otherwise a 404 naming the missing ids. */
export function requireAll<T extends { id: number }>(what: string, ids: number[], rows: T[]): void {
  if (ids.length === 0) throw new ValidationException({ ids: 'choose at least one' });
  const found = new Set(rows.map((row) => row.id));
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length > 0) throw new AppException('NOT_FOUND', `${what} not found: ${missing.join(', ')}`);
}

/** Model of the shared "something depends on it" page (views/exec-hosts/confirm-delete.hbs). */
export function confirmDeleteModel(
  details: DependentsDetails,
  message: string,
  options: { action: string; ids: number[]; back: string; cascadeLabel: string },
) {
  return { title: 'execHosts.confirmTitle', message, ...details, ...options, ids: options.ids.join(',') };
}

/**
 * A delete from a page: runs `remove`, then back to the list; when dependents block it, the shared
 * confirm page (409) offering to delete again with cascade. Other errors go to the global filter.
 */
export async function removeOrConfirm(
  response: Response,
  options: { list: string; ids: number[]; cascadeLabel: string },
  remove: () => Promise<unknown>,
): Promise<void> {
  try {
    await remove();
    response.redirect(303, options.list);
  } catch (error) {
    if (!isDependentsError(error)) throw error;
    response.status(409).render(
      'exec-hosts/confirm-delete',
      confirmDeleteModel(error.details, error.message, {
        action: `${options.list}/delete`,
        ids: options.ids,
        back: options.list,
        cascadeLabel: options.cascadeLabel,
      }),
    );
  }
}

/** Where to go after an action: the form's `back` field when it is one of these pages, else the fallback. */
export function backTo(body: Record<string, unknown>, prefix: string, fallback: string): string {
  const back = formString(body, 'back') ?? '';
  const local = new RegExp(`^${prefix}(/\\d+)?(\\?[A-Za-z0-9_.~%&=+-]*)?$`);
  return local.test(back) ? back : fallback;
}

/** `?cascade=true|false` on DELETE. */
export function cascadeParam(value: unknown): boolean {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw new ValidationException({ cascade: 'must be true or false' });
}
