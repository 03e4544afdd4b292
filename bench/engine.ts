/**
 * `npm run bench -- engine`: the execution engine end to end with real exec nodes.
 *
 * - no-op throughput (fire → exec node → recorded) on SQLite and MariaDB against a bare
 *   child_process.spawn loop with the same concurrency, measured in the same run, and where the CPU
 *   went in both (Linux: per job, the portal's process, the exec nodes and the rest of the machine);
 * - 1,000 `sleep 1` jobs over 500 slots, three times (slowest batch; ideal 2.0 s), each round followed
 *   by the same sleeps spawned by two bare loops of 250 at a time: this machine's floor, same run;
 * - DAG hand-off: 4 chains of 250 no-op jobs (edge latency = a job's start minus its
 *   prerequisite's finish, as the nodes report them; also one chain of 100 alone) and a 1→998→1
 *   fan-out/fan-in (total lag = wall time minus the critical path of the jobs' own durations; the
 *   fan-in must start exactly once).
 *
 * Prints `bench: <name> = <value> <unit>` lines. Tunables: BENCH_NOOP_JOBS (1000), BENCH_NOOP_SLOTS (8),
 * BENCH_ENGINE_ONLY (comma-separated parts; default noop-sqlite,noop-mariadb,batch,dag; also
 * batch-mariadb, dag-mariadb). The batch and DAG parts run on the embedded default (SQLite).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { SecretBox } from '../src/infra/crypto/secret-box.js';
import { JobDependencyEntity, JobEntity } from '../src/modules/job/job.entity.js';
import type { HttpClient } from '../test/support/http-client.js';
import { startTestPortal, type TestDatabase, type TestPortal } from '../test/support/portal.js';
import { Definitions, startHostNodes } from '../test/integration/engine-fixtures.js';
import type { TestExecNode } from '../test/support/exec-node.js';
import { CpuMeter } from './cpu-meter.js';

const NOOP_JOBS = Number(process.env.BENCH_NOOP_JOBS ?? 1000);
const NOOP_SLOTS = Number(process.env.BENCH_NOOP_SLOTS ?? 8);

function print(name: string, value: number, unit: string, digits = 2): void {
  console.log(`bench: ${name} = ${value.toFixed(digits)} ${unit}`);
}

interface Engine {
  portal: TestPortal;
  defs: Definitions;
  admin: HttpClient;
  nodes: TestExecNode[];
  close(): Promise<void>;
}

async function startEngine(database: TestDatabase, nodeCount: number, slotsPerNode: number): Promise<Engine> {
  const portal = await startTestPortal({
    database,
    env: { SC__LOG__LEVEL: 'error', SC__SCHEDULE__CONCURRENCY: String(Math.max(200, nodeCount * slotsPerNode)) },
  });
  const defs = new Definitions(portal.app.get(DataSource), portal.app.get(SecretBox));
  const names = Array.from({ length: nodeCount }, (_, i) => `bench-${i + 1}`);
  const nodes = (await startHostNodes(defs, portal.url, names, { slots: slotsPerNode })).map((item) => item.node);
  const admin = await portal.admin();
  return {
    portal,
    defs,
    admin,
    nodes,
    async close() {
      await Promise.all(nodes.map((node) => node.close()));
      await portal.close();
    },
  };
}

/** Inserts jobs in bulk; `prerequisites(i, ids)` names the prerequisites of job i among earlier ids. */
async function seedJobs(
  defs: Definitions,
  interfaceId: number,
  count: number,
  command: { type: 'argv' | 'script'; text: string },
  prerequisites: (index: number, ids: number[]) => number[] = () => [],
): Promise<number[]> {
  const now = new Date();
  const rows = Array.from({ length: count }, (_, i) => ({
    interfaceId,
    name: `job_${String(i).padStart(4, '0')}`,
    commandType: command.type,
    command: command.text,
    interpreter: command.type === 'script' ? '/bin/sh' : '',
    hostTag: 'etl',
    routingStrategy: 'least_busy' as const,
    retryCount: 0,
    createdAt: now,
    updatedAt: now,
    updatedBy: 'bench',
  }));
  for (let i = 0; i < rows.length; i += 200) await defs.ds.getRepository(JobEntity).insert(rows.slice(i, i + 200));
  const ids = (
    await defs.ds.getRepository(JobEntity).find({ select: { id: true }, where: { interfaceId }, order: { id: 'ASC' } })
  ).map((row) => row.id);
  const edges = ids.flatMap((id, i) => prerequisites(i, ids).map((prerequisiteId) => ({ jobId: id, prerequisiteId })));
  for (let i = 0; i < edges.length; i += 500) {
    await defs.ds.getRepository(JobDependencyEntity).insert(edges.slice(i, i + 500));
  }
  return ids;
}

/** Fires the dispatch and waits until the execution is recorded as ended; returns its id and the wall time. */
async function fire(engine: Engine, interfaceId: number, dataDate: string): Promise<{ id: number; ms: number }> {
  const dispatchId = await engine.defs.dispatch(interfaceId, false);
  const started = Date.now();
  const response = await engine.admin.api('POST', `/api/dispatches/${dispatchId}/run`, { dataDate });
  if (response.status !== 201) throw new Error(`run failed: ${response.status} ${response.text}`);
  const id = response.json<{ data: { executionId: number } }>().data.executionId;
  for (;;) {
    const [row] = await engine.defs.ds.query<{ state: string; finished_at: unknown }[]>(
      'SELECT state, finished_at FROM execution WHERE id = ?',
      [id],
    );
    if (row.state !== 'running') {
      if (row.state !== 'succeeded') throw new Error(`execution ${id} ${row.state}`);
      return { id, ms: Number(row.finished_at) - started };
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

interface SpawnLoopResult {
  perSecond: number;
  ms: number;
  /** CPU of the loop process itself over the loop. */
  loopCpuMs: number;
  /** CPU of the whole machine over the loop (null off Linux). */
  machineCpuMs: number | null;
  busy: number | null;
}

/**
 * The baseline: a command spawned N times at a fixed concurrency by a bare node process
 * (spawn-loop.ts: no portal loaded, output ignored).
 */
function spawnLoop(total: number, concurrency: number, argv: string[] = ['true']): Promise<SpawnLoopResult> {
  return new Promise((resolve, reject) => {
    const script = join(import.meta.dirname, 'spawn-loop.js');
    const child = spawn(process.execPath, [script, String(total), String(concurrency), ...argv], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve(JSON.parse(output) as SpawnLoopResult) : reject(new Error(`spawn loop exited ${code}`)),
    );
  });
}

async function noopThroughput(database: TestDatabase): Promise<void> {
  const engine = await startEngine(database, 2, NOOP_SLOTS / 2);
  try {
    const iface = await engine.defs.interface('noop');
    await seedJobs(engine.defs, iface, NOOP_JOBS, { type: 'argv', text: 'true' });
    await fire(engine, iface, '2026-01-01'); // warm-up
    const meter = CpuMeter.begin(engine.nodes.flatMap((node) => (node.pid === null ? [] : [node.pid])));
    const { ms } = await fire(engine, iface, '2026-01-02');
    const cpu = meter?.end();
    const perSecond = (NOOP_JOBS / ms) * 1000;
    const loop = await spawnLoop(NOOP_JOBS, NOOP_SLOTS);
    const label = database === 'mysql' ? 'mariadb' : 'sqlite';
    print(`engine.noop_jobs_per_s_${label}`, perSecond, 'jobs/s', 1);
    print(`engine.spawn_jobs_per_s_${label}`, loop.perSecond, 'jobs/s', 1);
    print(`engine.noop_vs_spawn_${label}`, perSecond / loop.perSecond, 'x', 3);
    if (cpu !== undefined && loop.machineCpuMs !== null && loop.busy !== null) {
      // Where the CPU went, per job: with every CPU busy, these bound the ratio above.
      console.log(
        `# ${CpuMeter.cpuCount} CPUs; CPU ms per job: the portal process, the exec nodes, the rest (jobs, database server, kernel)`,
      );
      const rest = cpu.machineMs - cpu.selfMs - cpu.othersMs;
      print(`engine.noop_cpu_busy_${label}`, cpu.busy, 'x', 2);
      print(`engine.noop_cpu_portal_${label}`, cpu.selfMs / NOOP_JOBS, 'ms', 2);
      print(`engine.noop_cpu_nodes_${label}`, cpu.othersMs / NOOP_JOBS, 'ms', 2);
      print(`engine.noop_cpu_rest_${label}`, rest / NOOP_JOBS, 'ms', 2);
      print(`engine.spawn_cpu_busy_${label}`, loop.busy, 'x', 2);
      print(`engine.spawn_cpu_loop_${label}`, loop.loopCpuMs / NOOP_JOBS, 'ms', 2);
      print(`engine.spawn_cpu_rest_${label}`, (loop.machineCpuMs - loop.loopCpuMs) / NOOP_JOBS, 'ms', 2);
    }
  } finally {
    await engine.close();
  }
}

/**
 * 1,000 `sleep 1` over 500 slots on two nodes, three rounds. Its floor on this machine is measured in
 * the same run: the same 1,000 sleeps spawned by two bare loops of 250 at a time (as the two nodes
 * hold them), without a portal, a journal or captured output.
 */
async function batch(database: TestDatabase): Promise<void> {
  const engine = await startEngine(database, 2, 250);
  try {
    const iface = await engine.defs.interface('batch');
    await seedJobs(engine.defs, iface, 1000, { type: 'argv', text: 'sleep 1' });
    const times: number[] = [];
    const floors: number[] = [];
    for (let round = 1; round <= 3; round++) {
      times.push((await fire(engine, iface, `2026-02-0${round}`)).ms / 1000);
      const loops = await Promise.all([0, 1].map(() => spawnLoop(500, 250, ['sleep', '1'])));
      floors.push(Math.max(...loops.map((loop) => loop.ms)) / 1000);
    }
    console.log(`# batch rounds: ${times.map((t) => t.toFixed(2)).join(', ')} s`);
    console.log(`# bare spawn batches: ${floors.map((t) => t.toFixed(2)).join(', ')} s`);
    const suffix = database === 'mysql' ? '_mariadb' : '';
    print(`engine.batch_1000_sleep1${suffix}`, Math.max(...times), 's');
    print(`engine.batch_1000_sleep1_spawn${suffix}`, Math.max(...floors), 's');
    print(`engine.batch_vs_spawn${suffix}`, Math.max(...times) / Math.max(...floors), 'x', 3);
  } finally {
    await engine.close();
  }
}

interface TimedRun {
  id: number;
  started: number;
  finished: number;
}

async function runTimes(ds: DataSource, executionId: number) {
  const runs = await ds.query<{ id: number; started_at: unknown; finished_at: unknown }[]>(
    'SELECT id, started_at, finished_at FROM job_run WHERE execution_id = ?',
    [executionId],
  );
  const byId = new Map<number, TimedRun>(
    runs.map((run) => [
      Number(run.id),
      { id: Number(run.id), started: Number(run.started_at), finished: Number(run.finished_at) },
    ]),
  );
  const edges = await ds.query<{ run_id: number; prerequisite_run_id: number }[]>(
    'SELECT d.run_id, d.prerequisite_run_id FROM job_run_dependency d JOIN job_run r ON r.id = d.run_id WHERE r.execution_id = ?',
    [executionId],
  );
  const prerequisites = new Map<number, number[]>();
  for (const edge of edges) {
    const runId = Number(edge.run_id);
    prerequisites.set(runId, [...(prerequisites.get(runId) ?? []), Number(edge.prerequisite_run_id)]);
  }
  return { byId, prerequisites };
}

/** The longest path through the DAG counting only the jobs' own durations. */
function criticalPath(byId: Map<number, TimedRun>, prerequisites: Map<number, number[]>): number {
  const memo = new Map<number, number>();
  const longest = (id: number): number => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    const run = byId.get(id)!;
    const value = run.finished - run.started + Math.max(0, ...(prerequisites.get(id) ?? []).map(longest));
    memo.set(id, value);
    return value;
  };
  return Math.max(...[...byId.keys()].map(longest));
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];

/** `count` chains of `length` no-op jobs: hand-off latency of every edge, and the run's total lag. */
async function chains(engine: Engine, count: number, length: number, dataDate: string) {
  const iface = await engine.defs.interface('chains');
  await seedJobs(engine.defs, iface, count * length, { type: 'argv', text: 'true' }, (i, ids) =>
    i % length === 0 ? [] : [ids[i - 1]],
  );
  const run = await fire(engine, iface, dataDate);
  const times = await runTimes(engine.defs.ds, run.id);
  const latencies: number[] = [];
  for (const [runId, prerequisites] of times.prerequisites) {
    const started = times.byId.get(runId)!.started;
    latencies.push(started - Math.max(...prerequisites.map((id) => times.byId.get(id)!.finished)));
  }
  latencies.sort((a, b) => a - b);
  return { latencies, lag: run.ms - criticalPath(times.byId, times.prerequisites) };
}

/** 1 → 998 → 1: total lag, and how many times the fan-in job was dispatched. */
async function fan(engine: Engine, dataDate: string) {
  const iface = await engine.defs.interface('fan');
  await seedJobs(engine.defs, iface, 1000, { type: 'argv', text: 'true' }, (i, ids) =>
    i === 0 ? [] : i === 999 ? ids.slice(1, 999) : [ids[0]],
  );
  const run = await fire(engine, iface, dataDate);
  const times = await runTimes(engine.defs.ds, run.id);
  const [{ n }] = await engine.defs.ds.query<{ n: unknown }[]>(
    'SELECT COUNT(*) AS n FROM job_run_transition t JOIN job_run r ON r.id = t.run_id ' +
      "WHERE r.execution_id = ? AND r.job_name = 'job_0999' AND t.to_state = 'dispatched'",
    [run.id],
  );
  return { lag: run.ms - criticalPath(times.byId, times.prerequisites), fanInStarts: Number(n) };
}

async function dag(database: TestDatabase): Promise<void> {
  const engine = await startEngine(database, 2, 250);
  try {
    const single = await chains(engine, 1, 100, '2026-03-01');
    const parallel = await chains(engine, 4, 250, '2026-03-02');
    const fanned = await fan(engine, '2026-03-03');
    const suffix = database === 'mysql' ? '_mariadb' : '';
    print(`engine.dag_edge_p50${suffix}`, percentile(parallel.latencies, 0.5), 'ms', 1);
    print(`engine.dag_edge_p95${suffix}`, percentile(parallel.latencies, 0.95), 'ms', 1);
    print(`engine.dag_edge_p50_single_chain${suffix}`, percentile(single.latencies, 0.5), 'ms', 1);
    print(`engine.dag_chains_1000_total_lag${suffix}`, parallel.lag / 1000, 's');
    print(`engine.dag_1000_total_lag${suffix}`, fanned.lag / 1000, 's');
    print(`engine.dag_fan_in_starts${suffix}`, fanned.fanInStarts, 'count', 0);
  } finally {
    await engine.close();
  }
}

const parts: Record<string, () => Promise<void>> = {
  'noop-sqlite': () => noopThroughput('sqlite'),
  'noop-mariadb': () => noopThroughput('mysql'),
  batch: () => batch('sqlite'),
  dag: () => dag('sqlite'),
  'batch-mariadb': () => batch('mysql'),
  'dag-mariadb': () => dag('mysql'),
};
const chosen = (process.env.BENCH_ENGINE_ONLY ?? 'noop-sqlite,noop-mariadb,batch,dag').split(',');
for (const name of chosen) {
  const part = parts[name];
  if (!part) throw new Error(`unknown engine bench part ${name}; known: ${Object.keys(parts).join(', ')}`);
  await part();
}
