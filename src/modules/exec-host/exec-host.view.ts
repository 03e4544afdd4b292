import type { HostInfo } from '../../infra/rpc/exec-node.client.js';
import type { ExecHostEntity, ExecHostStatusEntity, HostState } from './exec-host.entity.js';

export interface UsageView {
  used: number;
  total: number;
  /** "12.3 / 62.5 GiB (20%)" for pages. */
  text: string;
}

/** Live status of a host as pages and the API show it. */
export interface HostStatusView {
  state: HostState;
  lastSeenAt: Date | null;
  load: number | null;
  memory: UsageView | null;
  disk: UsageView | null;
  runningCount: number;
  slotsTotal: number;
  hostname: string | null;
  version: string | null;
  cpuCount: number | null;
}

/** What the API and pages show of a host: never the token. */
export interface ExecHostView {
  id: number;
  name: string;
  address: string;
  slots: number;
  tags: string[];
  enabled: boolean;
  description: string;
  tokenSet: boolean;
  createdAt: Date;
  updatedAt: Date;
  updatedBy: string;
  status: HostStatusView;
}

const GIB = 1024 ** 3;

function usage(total: unknown, free: unknown): UsageView | null {
  if (typeof total !== 'number' || typeof free !== 'number' || total <= 0) return null;
  const used = Math.max(0, total - free);
  const percent = Math.round((used / total) * 100);
  return { used, total, text: `${(used / GIB).toFixed(1)} / ${(total / GIB).toFixed(1)} GiB (${percent}%)` };
}

function parseInfo(text: string | null): Partial<HostInfo> {
  if (!text) return {};
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null ? value : {};
  } catch {
    return {};
  }
}

/**
 * The status row as shown: a host that was online but has been silent longer than
 * `exec.offlineSeconds` is shown offline (the engine will also mark it so from missed heartbeats).
 */
export function statusView(
  row: ExecHostStatusEntity | undefined,
  offlineSeconds: number,
  now = Date.now(),
): HostStatusView {
  const info = parseInfo(row?.info ?? null);
  let state: HostState = row?.state ?? 'unknown';
  const silentMs = row?.lastSeenAt ? now - row.lastSeenAt.getTime() : Infinity;
  if ((state === 'online' || state === 'draining') && silentMs > offlineSeconds * 1000) state = 'offline';
  return {
    state,
    lastSeenAt: row?.lastSeenAt ?? null,
    load: Array.isArray(info.loadavg) && typeof info.loadavg[0] === 'number' ? info.loadavg[0] : null,
    memory: usage(info.memory?.total, info.memory?.free),
    disk: usage(info.disk?.total, info.disk?.free),
    runningCount: row?.runningCount ?? 0,
    slotsTotal: row?.slotsTotal ?? 0,
    hostname: typeof info.hostname === 'string' ? info.hostname : null,
    version: typeof info.version === 'string' ? info.version : null,
    cpuCount: typeof info.cpuCount === 'number' ? info.cpuCount : null,
  };
}

export function hostView(host: ExecHostEntity, tags: string[], status: HostStatusView): ExecHostView {
  return {
    id: host.id,
    name: host.name,
    address: host.address,
    slots: host.slots,
    tags,
    enabled: host.enabled,
    description: host.description,
    tokenSet: host.tokenEncrypted !== '',
    createdAt: host.createdAt,
    updatedAt: host.updatedAt,
    updatedBy: host.updatedBy,
    status,
  };
}
