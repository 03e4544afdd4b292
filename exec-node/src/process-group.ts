import { readdirSync, readFileSync } from 'node:fs';

/** Fields of /proc/<pid>/stat that identify a process across pid reuse. */
export interface ProcStat {
  pid: number;
  state: string;
  pgrp: number;
  /** Start time in clock ticks since boot: differs for a recycled pid. */
  startTime: string;
}

export function readProcStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name may contain spaces and parentheses: parse after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { pid, state: fields[0] ?? '?', pgrp: Number(fields[2]), startTime: fields[19] ?? '' };
}

export function readBootId(): string | null {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return null;
  }
}

/** Live (non-zombie) members of a process group. Zombies are dead; only their parent can reap them. */
export function liveGroupMembers(pgid: number): ProcStat[] {
  const members: ProcStat[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return members;
  }
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    const stat = readProcStat(pid);
    if (stat !== null && stat.pgrp === pgid && stat.state !== 'Z' && stat.state !== 'X') members.push(stat);
  }
  return members;
}

/** True while any live process is in the group; a kill(-pgid, 0) probe alone also counts zombies. */
export function groupIsAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  return liveGroupMembers(pgid).length > 0;
}

/** Signals a whole process group; a group that is already gone is not an error. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/**
 * Kills what is left of a group recorded by a previous node process. The group is ours only if this is
 * the same boot and either its leader still has the recorded start time, or the leader is gone and the
 * remaining members started after it (the kernel does not reuse a pid that is still a group id).
 */
export function killOrphanedGroup(record: { pgid: number; procStart: string | null; bootId: string | null }): number {
  if (record.bootId === null || record.bootId !== readBootId() || record.procStart === null) return 0;
  const leader = readProcStat(record.pgid);
  if (leader !== null && leader.startTime !== record.procStart) return 0;
  const members = liveGroupMembers(record.pgid).filter(
    (member) => BigInt(member.startTime || '0') >= BigInt(record.procStart ?? '0'),
  );
  for (const member of members) {
    try {
      process.kill(member.pid, 'SIGKILL');
    } catch {
      // Already gone between the scan and the signal.
    }
  }
  return members.length;
}
