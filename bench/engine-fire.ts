/**
 * `npm run bench -- engine` (or `node dist/bench/engine-fire.js`): fire-to-process-start latency
 * through the whole product. Two real portal processes (scheduler + engine) share MariaDB and the
 * lock (BENCH_LOCK: mongo on FerretDB by default, redis, local); two real exec nodes, one calling
 * back to each portal. Dispatches fire every second, each running one no-op job: first one dispatch
 * alone for BENCH_SECONDS (default 100, so its p99 is taken over 100 fires, not set by the single
 * slowest), then a burst of BENCH_DISPATCHES (default 10) firing in the same second (as many crons
 * at 02:00 do) for BENCH_BURST_SECONDS (default 20: 200 fires). The latency of a fire is the job's process start as the
 * exec node reports it minus the fire's scheduled instant (same clock: everything runs on this
 * machine), so it covers the timer, the lock, the fire record, the snapshot, the claim, job.run and
 * the spawn. Also checks that every fire time produced exactly one execution.
 *
 * Prints `bench: engine.fire_to_start_p50 = <ms> ms`, `..._p99`, `engine.fire_burst_to_start_p50`,
 * `..._p99` (with a `_redis` / `_local` suffix for the other drivers) and the fire counts.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import type { DataSource } from 'typeorm';
import { SecretBox } from '../src/infra/crypto/secret-box.js';
import { Definitions, startHostNodes } from '../test/integration/engine-fixtures.js';
import type { TestExecNode } from '../test/support/exec-node.js';
import {
  insertDispatch,
  openPortalDatabase,
  startPortalProcess,
  type PortalProcess,
} from '../test/support/portal-process.js';
import { testPortalEnv } from '../test/support/portal.js';
import { createTestMongoDatabase, mongoUrl, redisConfig, redisKeyPrefix } from '../test/support/services.js';

const DISPATCHES = Number(process.env.BENCH_DISPATCHES ?? 10);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 100);
const BURST_SECONDS = Number(process.env.BENCH_BURST_SECONDS ?? 20);
/** mongo (default), redis or local: which lock driver the two portals share. */
const LOCK = process.env.BENCH_LOCK ?? 'mongo';

function lockEnv(mongoDatabase: string): Record<string, string> {
  if (LOCK === 'local') return { SC__LOCK__DRIVER: 'local' };
  if (LOCK === 'redis') {
    const redis = redisConfig();
    return {
      SC__LOCK__DRIVER: 'redis',
      SC__REDIS__HOST: redis.host,
      SC__REDIS__PORT: String(redis.port),
      SC__REDIS__PASSWORD: redis.password,
      SC__REDIS__KEYPREFIX: redisKeyPrefix('mc_bench'),
    };
  }
  return {
    SC__MONGO__ENABLED: 'true',
    SC__MONGO__URL: mongoUrl(),
    SC__MONGO__DATABASE: mongoDatabase,
    SC__LOCK__DRIVER: 'mongo',
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Scheduled instant and process start of every execution of the bench's dispatches in [from, to). */
async function collect(dataSource: DataSource, dispatchIds: number[], from: number, to: number) {
  const rows = await dataSource.query<
    {
      scheduled_at: unknown;
      fired_at: unknown;
      created_at: unknown;
      dispatched_at: unknown;
      started_at: unknown;
      executions: unknown;
    }[]
  >(
    `SELECT e.scheduled_at, f.fired_at, e.created_at, r.dispatched_at, r.started_at,
            COUNT(*) OVER (PARTITION BY e.dispatch_id, e.scheduled_at) AS executions
       FROM execution e LEFT JOIN job_run r ON r.execution_id = e.id
       LEFT JOIN dispatch_fire f ON f.dispatch_id = e.dispatch_id AND f.scheduled_at = e.scheduled_at
      WHERE e.dispatch_id IN (${dispatchIds.map(() => '?').join(',')}) AND e.scheduled_at >= ? AND e.scheduled_at < ?`,
    [...dispatchIds, from, to],
  );
  const started = rows.filter((row) => row.started_at !== null);
  /** p50 of each step, from the scheduled instant: fire recorded, execution created, run claimed, process started. */
  const steps = (['fired_at', 'created_at', 'dispatched_at', 'started_at'] as const).map((column) => {
    const values = started.map((row) => Number(row[column]) - Number(row.scheduled_at)).sort((a, b) => a - b);
    return `${column} ${percentile(values, 50)}/${percentile(values, 99)}`;
  });
  return {
    steps: steps.join(', '),
    latencies: rows
      .filter((row) => row.started_at !== null)
      .map((row) => Number(row.started_at) - Number(row.scheduled_at))
      .sort((a, b) => a - b),
    fires: rows.length,
    duplicates: rows.filter((row) => Number(row.executions) > 1).length,
    notStarted: rows.filter((row) => row.started_at === null).length,
  };
}

export async function runEngineFireBench(): Promise<void> {
  const mongo = await createTestMongoDatabase('mc_bench');
  const { env, dataDir, cleanup } = await testPortalEnv({
    database: 'mysql',
    env: {
      SC__SCHEDULE__ENABLED: 'true',
      SC__LOG__LEVEL: 'error',
      SC__DATABASE__POOLSIZE: '20',
      ...lockEnv(mongo.name),
    },
  });
  const portals: PortalProcess[] = [];
  let nodes: TestExecNode[] = [];
  let dataSource: DataSource | undefined;
  try {
    portals.push(await startPortalProcess({ env, name: 'bench-a' }));
    portals.push(await startPortalProcess({ env, name: 'bench-b' }));
    const ds = await openPortalDatabase(env);
    dataSource = ds;
    const defs = new Definitions(ds, SecretBox.fromConfig('', dataDir));
    nodes = [
      ...(await startHostNodes(defs, portals[0].url, ['fire-a'], { slots: 50 })),
      ...(await startHostNodes(defs, portals[1].url, ['fire-b'], { slots: 50 })),
    ].map((item) => item.node);
    const suffix = LOCK === 'mongo' ? '' : `_${LOCK}`;
    const measure = async (count: number, seconds: number, name: string) => {
      const dispatchIds = await everySecond(ds, defs, count);
      // Measure whole seconds that start after every instance has seen every dispatch.
      const from = (Math.floor(Date.now() / 1000) + 3) * 1000;
      const to = from + seconds * 1000;
      await sleep(to - Date.now() + 3000);
      await ds.query(
        `UPDATE dispatch SET enabled = 0, updated_at = ? WHERE id IN (${dispatchIds.map(() => '?').join(',')})`,
        [Date.now(), ...dispatchIds],
      );
      const { latencies, fires, duplicates, notStarted, steps } = await collect(ds, dispatchIds, from, to);
      process.stderr.write(
        `engine-fire: ${fires} fires of ${count} every-second dispatch(es) over ${seconds} s, 2 portals, ` +
          `2 exec nodes, MariaDB, ${LOCK} lock; ${duplicates} duplicated, ${notStarted} without a started job\n` +
          `engine-fire: ms after the scheduled instant (p50/p99): ${steps}\n`,
      );
      if (notStarted > 0) await explainNotStarted(ds, dispatchIds, from, to);
      if (duplicates > 0) throw new Error(`${duplicates} fire times have more than one execution`);
      console.log(`bench: engine.${name}_p50${suffix} = ${percentile(latencies, 50)} ms`);
      console.log(`bench: engine.${name}_p99${suffix} = ${percentile(latencies, 99)} ms`);
      console.log(`bench: engine.${name}_count${suffix} = ${fires} count`);
    };
    await measure(1, SECONDS, 'fire_to_start');
    await sleep(2000); // the single dispatch's last executions end
    await measure(DISPATCHES, BURST_SECONDS, 'fire_burst_to_start');
  } finally {
    await Promise.all(nodes.map((node) => node.close()));
    for (const portal of portals) await portal.stop();
    await dataSource?.destroy();
    await cleanup();
    await mongo.drop();
  }
}

/** `count` every-second dispatches, each of its own interface with one no-op argv job. */
async function everySecond(dataSource: DataSource, defs: Definitions, count: number): Promise<number[]> {
  const dispatchIds: number[] = [];
  for (let i = 0; i < count; i++) {
    const id = await insertDispatch(dataSource, { cron: '* * * * * *', overlapPolicy: 'parallel' });
    const [{ interface_id: interfaceId }] = await dataSource.query<{ interface_id: unknown }[]>(
      'SELECT interface_id FROM dispatch WHERE id = ?',
      [id],
    );
    await defs.job(Number(interfaceId), 'noop', '', { commandType: 'argv', command: 'true', interpreter: '' });
    dispatchIds.push(id);
  }
  return dispatchIds;
}

if (process.argv[1] !== undefined && pathToFileURL(process.argv[1]).href === import.meta.url)
  await runEngineFireBench();

/** Prints where the executions of the window whose job has not started stand (state and last transitions). */
async function explainNotStarted(dataSource: DataSource, dispatchIds: number[], from: number, to: number) {
  const rows = await dataSource.query<Record<string, unknown>[]>(
    `SELECT e.id, e.state AS execution_state, e.scheduled_at, e.created_at, r.id AS run_id, r.state, r.host_id, r.error,
            (SELECT GROUP_CONCAT(CONCAT(t.from_state, '>', t.to_state, '@', t.at - e.scheduled_at, ' ', t.reason) SEPARATOR '; ')
               FROM job_run_transition t WHERE t.run_id = r.id) AS transitions
       FROM execution e LEFT JOIN job_run r ON r.execution_id = e.id
      WHERE e.dispatch_id IN (${dispatchIds.map(() => '?').join(',')}) AND e.scheduled_at >= ? AND e.scheduled_at < ?
        AND r.started_at IS NULL`,
    [...dispatchIds, from, to],
  );
  for (const row of rows) process.stderr.write(`engine-fire: not started: ${JSON.stringify(row)}\n`);
}
