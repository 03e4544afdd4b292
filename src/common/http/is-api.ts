import type { Request } from 'express';

/** `/api/**`, the RPC endpoints and health answer JSON; everything else is a page. */
export function isApiRequest(request: Request): boolean {
  const path = request.path;
  return path === '/api' || path.startsWith('/api/') || path.startsWith('/rpc/') || path === '/healthz';
}
