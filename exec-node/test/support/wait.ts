import { readdirSync, readFileSync } from 'node:fs';

import type { NodeHandle } from './node-process.js';

export async function waitFor<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface ListedRun {
  runId: string;
  attempt: number;
  state: string;
  pid: number | null;
  pgid: number | null;
  exitCode: number | null;
  signal: string | null;
  error: string | null;
  logBytes: number;
  truncated: boolean;
  startedAt: string | null;
  finishedAt: string | null;
}

export async function getRun(node: NodeHandle, runId: string): Promise<ListedRun | undefined> {
  const { runs } = await node.call<{ runs: ListedRun[] }>('job.list', { runId });
  return runs[0];
}

const TERMINAL = ['succeeded', 'failed', 'timed_out', 'killed', 'lost'];

export function waitForFinish(node: NodeHandle, runId: string, timeoutMs = 15_000): Promise<ListedRun> {
  return waitFor(
    async () => {
      const run = await getRun(node, runId);
      return run !== undefined && TERMINAL.includes(run.state) ? run : undefined;
    },
    timeoutMs,
    `run ${runId} to finish`,
  );
}

/** Processes of a group that are still alive. Zombies are dead processes that only their parent may reap. */
export function liveMembers(pgid: number): { pid: number; state: string }[] {
  const members: { pid: number; state: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z') members.push({ pid: Number(entry), state: fields[0] ?? '?' });
  }
  return members;
}

/** True when no process of the group remains (kill(-pgid, 0) gives ESRCH), or only unreapable zombies do. */
export function groupGone(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
  return liveMembers(pgid).length === 0;
}

export function processAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

export function rssKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match === null ? 0 : Number(match[1]);
}
