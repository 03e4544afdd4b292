/**
 * The engine benchmark's baseline, run as its own bare process (nothing of the portal loaded):
 * `node dist/bench/spawn-loop.js <total> <concurrency> <command> [args...]` spawns the command
 * `total` times, `concurrency` at a time, output ignored, and prints one JSON line: the rate, the
 * wall time, this loop's own CPU and (on Linux) the whole machine's CPU over the loop, in ms.
 */
import { spawn } from 'node:child_process';
import { clockTicks, machineTicks } from './cpu-meter.js';

const [total, concurrency] = process.argv.slice(2, 4).map(Number);
const [command, ...args] = process.argv.slice(4);
if (!(total > 0) || !(concurrency > 0) || command === undefined) {
  console.error('usage: spawn-loop.js <total> <concurrency> <command> [args...]');
  process.exit(2);
}

const once = () =>
  new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.once('error', reject);
    child.once('close', () => resolve());
  });

const machine = () => (process.platform === 'linux' ? machineTicks() : null);
let next = 0;
const before = machine();
const cpu = process.cpuUsage();
const started = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next++ < total) await once();
  }),
);
const ms = performance.now() - started;
const own = process.cpuUsage(cpu);
const after = machine();
const tickMs = 1000 / clockTicks();
console.log(
  JSON.stringify({
    perSecond: (total / ms) * 1000,
    ms,
    loopCpuMs: (own.user + own.system) / 1000,
    machineCpuMs: before && after ? (after.busy - before.busy) * tickMs : null,
    busy: before && after ? (after.busy - before.busy) / (after.total - before.total) : null,
  }),
);
