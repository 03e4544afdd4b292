import { ValidationException } from '../../common/http/app.exception.js';
import type { ImpactOrigin } from './impact.service.js';
import { MESH_SCOPES, type MeshScope } from './mesh-scope.js';

export const DEFAULT_DEPTH = 2;
export const MAX_DEPTH = 10;

export interface MeshRequest {
  interfaceId: number | null;
  scope: MeshScope;
  depth: number;
  /** Interfaces to show job by job; 'all' = every interface in scope. */
  expand: number[] | 'all';
}

/** A positive whole number given as a string (query or path), or undefined when absent or empty. */
export function idParam(value: unknown, field: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const id = typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(id) || id < 1)
    throw new ValidationException({ [field]: 'must be a positive whole number' });
  return id;
}

export function requiredId(value: unknown, field: string): number {
  const id = idParam(value, field);
  if (id === undefined) throw new ValidationException({ [field]: 'is required' });
  return id;
}

function expandParam(value: unknown): number[] | 'all' {
  if (value === undefined || value === '') return [];
  if (value === 'all') return 'all';
  const parts = typeof value === 'string' ? value.split(',') : [];
  const ids = parts.map((part) => (/^\d{1,15}$/.test(part.trim()) ? Number(part) : NaN));
  if (ids.length === 0 || ids.some((id) => !Number.isSafeInteger(id) || id < 1)) {
    throw new ValidationException({ expand: 'must be "all" or a comma-separated list of interface ids' });
  }
  return [...new Set(ids)];
}

/** `?interface=&scope=local|component|downstream|all&depth=1..10&expand=1,2|all` */
export function meshRequest(query: Record<string, unknown>): MeshRequest {
  const interfaceId = idParam(query.interface, 'interface') ?? null;
  const scopeText = query.scope ?? (interfaceId === null ? 'all' : 'local');
  const scope = MESH_SCOPES.find((candidate) => candidate === scopeText);
  if (!scope) throw new ValidationException({ scope: `must be one of ${MESH_SCOPES.join(', ')}` });
  if (scope !== 'all' && interfaceId === null) {
    throw new ValidationException({ interface: `is required for the ${scope} scope` });
  }
  const depthText = query.depth ?? String(DEFAULT_DEPTH);
  const depth = typeof depthText === 'string' && /^\d{1,2}$/.test(depthText) ? Number(depthText) : NaN;
  if (!(depth >= 1 && depth <= MAX_DEPTH)) {
    throw new ValidationException({ depth: `must be a whole number from 1 to ${MAX_DEPTH}` });
  }
  return { interfaceId, scope, depth, expand: expandParam(query.expand) };
}

/** `?job=<id>` or `?interface=<id>`: exactly one. */
export function impactOrigin(query: Record<string, unknown>): ImpactOrigin {
  const job = idParam(query.job, 'job');
  const iface = idParam(query.interface, 'interface');
  if (job !== undefined && iface !== undefined) {
    throw new ValidationException({ job: 'give either job or interface, not both' });
  }
  if (job !== undefined) return { kind: 'job', id: job };
  if (iface !== undefined) return { kind: 'interface', id: iface };
  throw new ValidationException({ job: 'job or interface is required' });
}
