import { statfsSync } from 'node:fs';
import { cpus, freemem, hostname, loadavg, platform, release, totalmem, type as osType, uptime } from 'node:os';

/** What `host.info` returns and the heartbeat carries. Sizes in bytes, uptimes in seconds. */
export interface HostInfo {
  nodeName: string;
  hostname: string;
  os: { type: string; platform: string; release: string };
  cpuCount: number;
  loadavg: number[];
  memory: { total: number; free: number };
  disk: { path: string; total: number; free: number } | null;
  nodeVersion: string;
  version: string;
  slots: { total: number; used: number };
  uptime: { host: number; process: number };
  draining: boolean;
  /** Events in the outbox not yet acknowledged by the portal. */
  outboxPending: number;
}

export interface HostInfoInput {
  nodeName: string;
  version: string;
  dataDir: string;
  slotsTotal: number;
  slotsUsed: number;
  draining: boolean;
  outboxPending: number;
}

export function collectHostInfo(input: HostInfoInput): HostInfo {
  return {
    nodeName: input.nodeName,
    hostname: hostname(),
    os: { type: osType(), platform: platform(), release: release() },
    cpuCount: cpus().length,
    loadavg: loadavg(),
    memory: { total: totalmem(), free: freemem() },
    disk: diskOf(input.dataDir),
    nodeVersion: process.version,
    version: input.version,
    slots: { total: input.slotsTotal, used: input.slotsUsed },
    uptime: { host: Math.round(uptime()), process: Math.round(process.uptime()) },
    draining: input.draining,
    outboxPending: input.outboxPending,
  };
}

function diskOf(path: string): HostInfo['disk'] {
  try {
    const stats = statfsSync(path);
    return { path, total: stats.blocks * stats.bsize, free: stats.bavail * stats.bsize };
  } catch {
    return null;
  }
}
