import { spawn } from 'node:child_process';

import { newToken, removeDir, startNode, type NodeHandle } from '../test/support/node-process.js';
import { PortalDouble } from '../test/support/portal-double.js';

/**
 * No-op job throughput through a real exec node (job.run over HTTP, journal, process group, run.finished
 * delivered to a portal double) against a bare child_process.spawn loop with the same concurrency.
 */
const JOBS = Number(process.env.BENCH_JOBS ?? 400);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const COMMAND = ['true'];

/** Runs `total` tasks with at most `concurrency` in flight; resolves with the elapsed milliseconds. */
async function pool(total: number, concurrency: number, task: (index: number) => Promise<void>): Promise<number> {
  const start = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < total) await task(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, () => worker()));
  return performance.now() - start;
}

function spawnOnce(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(COMMAND[0], COMMAND.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    child.stdout.resume();
    child.stderr.resume();
    child.once('error', reject);
    child.once('close', () => resolve());
  });
}

class NodeBench {
  private readonly waiting = new Map<string, () => void>();
  private round = 0;

  constructor(
    readonly node: NodeHandle,
    readonly portal: PortalDouble,
  ) {}

  onFinished(runId: string): void {
    this.waiting.get(runId)?.();
    this.waiting.delete(runId);
  }

  async runRound(total: number): Promise<number> {
    const round = this.round++;
    return pool(total, CONCURRENCY, async (index) => {
      const runId = `bench-${round}-${index}`;
      const finished = new Promise<void>((resolve) => this.waiting.set(runId, resolve));
      await this.node.call('job.run', { runId, attempt: 1, command: COMMAND });
      await finished;
    });
  }
}

async function startBenchNode(): Promise<NodeBench> {
  const token = newToken();
  let bench: NodeBench | null = null;
  const portal = await new PortalDouble({
    token,
    onCall: (call) => {
      if (call.method === 'run.finished') bench?.onFinished(call.params.runId as string);
    },
  }).start();
  const node = await startNode({
    token,
    env: {
      SC__EXECNODE__PORTALURL: portal.url,
      SC__EXECNODE__SLOTS: String(CONCURRENCY),
      SC__EXECNODE__HEARTBEATMS: '60000',
    },
  });
  bench = new NodeBench(node, portal);
  return bench;
}

async function main(): Promise<void> {
  const bench = await startBenchNode();
  try {
    await bench.runRound(50);
    await pool(50, CONCURRENCY, spawnOnce);
    let nodeMs = 0;
    let spawnMs = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      spawnMs += await pool(JOBS, CONCURRENCY, spawnOnce);
      nodeMs += await bench.runRound(JOBS);
    }
    const nodeRate = (JOBS * ROUNDS * 1000) / nodeMs;
    const spawnRate = (JOBS * ROUNDS * 1000) / spawnMs;
    console.log(`bench: exec.job_run_vs_spawn = ${(nodeRate / spawnRate).toFixed(2)} x`);
    console.log(`bench: exec.job_run_jobs_per_s = ${nodeRate.toFixed(1)} jobs/s`);
    console.log(`bench: exec.spawn_jobs_per_s = ${spawnRate.toFixed(1)} jobs/s`);
  } finally {
    await bench.node.stop();
    await bench.portal.stop();
    removeDir(bench.node.dir);
  }
}

await main();
