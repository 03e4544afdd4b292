import { ValidationException } from '../../common/http/app.exception.js';
import { LIKE_ESCAPE, containsPattern } from '../../common/db/like.js';

export type SortOrder = 'asc' | 'desc';

/** What a list page or list API asks for; sort keys come from a whitelist per domain. */
export interface ListQuery<S extends string> {
  page: number;
  pageSize: number;
  search: string;
  folder: string;
  enabled: boolean | null;
  sort: S;
  order: SortOrder;
}

export const MAX_PAGE_SIZE = 200;

const text = (query: Record<string, unknown>, name: string): string => {
  const value = query[name];
  return typeof value === 'string' ? value.trim() : '';
};

function positive(value: string, fallback: number, max: number): number | null {
  if (value === '') return fallback;
  if (!/^\d{1,9}$/.test(value)) return null;
  const number = Number(value);
  return number >= 1 && number <= max ? number : null;
}

/**
 * Reads list parameters from a query string. `strict` (the API) answers 400 naming the parameter;
 * pages fall back to the defaults so a stale link still shows something.
 */
export function parseListQuery<S extends string>(
  query: Record<string, unknown>,
  sorts: readonly S[],
  defaultSort: S,
  strict: boolean,
): ListQuery<S> {
  const fields: Record<string, string> = {};
  const page = positive(text(query, 'page'), 1, 1_000_000);
  if (page === null) fields.page = 'must be a whole number from 1';
  const pageSize = positive(text(query, 'pageSize'), 20, MAX_PAGE_SIZE);
  if (pageSize === null) fields.pageSize = `must be a whole number from 1 to ${MAX_PAGE_SIZE}`;
  const sortText = text(query, 'sort');
  const sort = sortText === '' ? defaultSort : (sorts.find((key) => key === sortText) ?? null);
  if (sort === null) fields.sort = `must be one of ${sorts.join(', ')}`;
  const orderText = text(query, 'order').toLowerCase();
  if (orderText !== '' && orderText !== 'asc' && orderText !== 'desc') fields.order = 'must be asc or desc';
  const enabledText = text(query, 'enabled');
  if (!['', 'true', 'false'].includes(enabledText)) fields.enabled = 'must be true, false or empty';
  if (strict && Object.keys(fields).length > 0) throw new ValidationException(fields);
  return {
    page: page ?? 1,
    pageSize: pageSize ?? 20,
    search: text(query, 'search').slice(0, 200),
    folder: text(query, 'folder').replace(/^\/+|\/+$/g, ''),
    enabled: enabledText === 'true' ? true : enabledText === 'false' ? false : null,
    sort: sort ?? defaultSort,
    order: orderText === 'desc' ? 'desc' : 'asc',
  };
}

/** `folder = x OR folder LIKE 'x/%'`: a folder filter shows the folder and everything below it. */
export function folderCondition(column: string, folder: string): { sql: string; params: Record<string, string> } {
  const below = `${folder.replace(/[!%_]/g, (char) => `!${char}`)}/%`;
  return {
    sql: `(${column} = :folder OR ${column} LIKE :folderBelow ${LIKE_ESCAPE})`,
    params: { folder, folderBelow: below },
  };
}

export function searchCondition(columns: string[], search: string): { sql: string; params: Record<string, string> } {
  return {
    sql: `(${columns.map((column) => `${column} LIKE :search ${LIKE_ESCAPE}`).join(' OR ')})`,
    params: { search: containsPattern(search) },
  };
}

/** The query string of a list without paging, for pagination and sort links (already URL-encoded). */
export function listQueryString(values: Record<string, string | number | boolean | null | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value !== null && value !== undefined && value !== '') params.set(key, String(value));
  }
  return params.toString();
}

/** What a list page needs besides its rows: filters to refill, sort links and marks, paging query. */
export function listPageModel<S extends string>(
  base: string,
  query: ListQuery<S>,
  sorts: readonly S[],
  extra: Record<string, string> = {},
) {
  const filter = {
    search: query.search,
    folder: query.folder,
    enabled: query.enabled === null ? '' : String(query.enabled),
    ...extra,
  };
  const sortLinks = Object.fromEntries(
    sorts.map((key) => {
      const order = key === query.sort && query.order === 'asc' ? 'desc' : 'asc';
      return [key, `${base}?${listQueryString({ ...filter, sort: key, order })}`];
    }),
  );
  const sorted = listQueryString({ ...filter, sort: query.sort, order: query.order });
  return {
    filter,
    sort: query.sort,
    order: query.order,
    sortLinks,
    sortMarks: { [query.sort]: query.order === 'asc' ? '▲' : '▼' },
    query: `&${sorted}`,
    back: `${base}?${listQueryString({ ...filter, sort: query.sort, order: query.order, page: query.page, pageSize: query.pageSize })}`,
  };
}
