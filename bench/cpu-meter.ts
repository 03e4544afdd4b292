/**
 * Where the CPU went during a measured stretch of a benchmark (Linux; elsewhere `measure` returns
 * null and the figures are left out): this process (process.cpuUsage), chosen child processes
 * (/proc/<pid>/stat, user + system), and the whole machine (/proc/stat), from which "the rest"
 * (the jobs' own processes, a database server, kernel threads) is the difference.
 */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { readFileSync } from 'node:fs';

export interface CpuReport {
  /** CPU of this process, ms. */
  selfMs: number;
  /** CPU of the chosen processes together, ms (those that exited meanwhile count up to their last reading). */
  othersMs: number;
  /** CPU of the whole machine, ms (every CPU's busy time). */
  machineMs: number;
  /** Share of the machine's CPUs busy over the stretch, 0–1. */
  busy: number;
}

interface Reading {
  self: NodeJS.CpuUsage;
  pids: Map<number, number>;
  machine: { busy: number; total: number };
}

let ticksPerSecond: number | undefined;

export function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** utime + stime of a process in ticks, or undefined once it is gone. */
function processTicks(pid: number): number | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may contain spaces: utime and stime are the 12th and 13th.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

/** All CPUs: busy and total ticks (iowait counts as idle). */
export function machineTicks(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  const busy = user + nice + system + irq + softirq + (steal ?? 0);
  return { busy, total: busy + idle + iowait };
}

export class CpuMeter {
  private constructor(private readonly start: Reading) {}

  /** Starts measuring; null where /proc is not there. */
  static begin(pids: number[]): CpuMeter | null {
    if (process.platform !== 'linux') return null;
    try {
      return new CpuMeter(CpuMeter.read(pids));
    } catch {
      return null;
    }
  }

  /** The machine's CPU count, for the printed context. */
  static get cpuCount(): number {
    return cpus().length;
  }

  private static read(pids: number[]): Reading {
    const readings = new Map<number, number>();
    for (const pid of pids) {
      const ticks = processTicks(pid);
      if (ticks !== undefined) readings.set(pid, ticks);
    }
    return { self: process.cpuUsage(), pids: readings, machine: machineTicks() };
  }

  end(): CpuReport {
    const end = CpuMeter.read([...this.start.pids.keys()]);
    const tickMs = 1000 / clockTicks();
    const self = process.cpuUsage(this.start.self);
    let others = 0;
    for (const [pid, ticks] of this.start.pids) others += (end.pids.get(pid) ?? ticks) - ticks;
    const machineBusy = end.machine.busy - this.start.machine.busy;
    const machineTotal = end.machine.total - this.start.machine.total;
    return {
      selfMs: (self.user + self.system) / 1000,
      othersMs: others * tickMs,
      machineMs: machineBusy * tickMs,
      busy: machineTotal > 0 ? machineBusy / machineTotal : 0,
    };
  }
}
