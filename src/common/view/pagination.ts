export interface PageRequest {
  page: number;
  pageSize: number;
}

/** Reads ?page=&pageSize= leniently for pages (bad values fall back to defaults, sizes are capped). */
export function pageFromQuery(query: Record<string, unknown>, defaultSize = 20, maxSize = 200): PageRequest {
  const page = typeof query.page === 'string' ? Number.parseInt(query.page, 10) : 1;
  const size = typeof query.pageSize === 'string' ? Number.parseInt(query.pageSize, 10) : defaultSize;
  return {
    page: Number.isFinite(page) && page > 0 ? Math.min(page, 1_000_000) : 1,
    pageSize: Number.isFinite(size) && size > 0 ? Math.min(size, maxSize) : defaultSize,
  };
}

export interface PageView {
  page: number;
  pageSize: number;
  total: number;
  pages: number;
  prev: number | null;
  next: number | null;
}

export function pageView(request: PageRequest, total: number): PageView {
  const pages = Math.max(1, Math.ceil(total / request.pageSize));
  return {
    ...request,
    total,
    pages,
    prev: request.page > 1 ? request.page - 1 : null,
    next: request.page < pages ? request.page + 1 : null,
  };
}
