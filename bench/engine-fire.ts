/**
 * `npm run bench -- engine` (or `node dist/bench/engine-fire.js`): fire-to-start latency of the
 * scheduler. Two portal processes on MariaDB with the mongo lock (FerretDB) run BENCH_DISPATCHES
 * (default 50) every-second dispatches for BENCH_SECONDS (default 30); each fire records the time
 * from its scheduled instant to the ExecutionStarter.start call. Prints
 * `bench: engine.fire_to_start_p50 = <ms> ms` and `..._p99`. Until the execution engine exists the
 * portals hand fires to the recording starter of test/support/portal-process.ts; the exec-node part
 * of fire-to-process-start is added by the engine's own benchmark.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import type { DataSource } from 'typeorm';
import { DispatchFireEntity } from '../src/modules/scheduler/dispatch-fire.entity.js';
import {
  insertDispatch,
  openPortalDatabase,
  startPortalProcess,
  type PortalProcess,
} from '../test/support/portal-process.js';
import { testPortalEnv } from '../test/support/portal.js';
import { createTestMongoDatabase, mongoUrl, redisConfig, redisKeyPrefix } from '../test/support/services.js';

const DISPATCHES = Number(process.env.BENCH_DISPATCHES ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
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

async function collectLatencies(dataSource: DataSource, from: number, to: number): Promise<number[]> {
  const rows = await dataSource
    .getRepository(DispatchFireEntity)
    .createQueryBuilder('f')
    .where('f.scheduledAt >= :from AND f.scheduledAt < :to', { from, to })
    .andWhere('f.outcome = :started', { started: 'started' })
    .getMany();
  return rows.map((row) => row.latencyMs ?? NaN).sort((a, b) => a - b);
}

export async function runEngineFireBench(): Promise<void> {
  const mongo = await createTestMongoDatabase('mc_bench');
  const { env, cleanup } = await testPortalEnv({
    database: 'mysql',
    env: { SC__SCHEDULE__ENABLED: 'true', SC__LOG__LEVEL: 'error', ...lockEnv(mongo.name) },
  });
  const logDir = mkdtempSync(join(tmpdir(), 'meshcron-bench-'));
  const startLog = join(logDir, 'starts.jsonl');
  const portals: PortalProcess[] = [];
  let dataSource: DataSource | undefined;
  try {
    portals.push(await startPortalProcess({ env, startLog, name: 'bench-a' }));
    portals.push(await startPortalProcess({ env, startLog, name: 'bench-b' }));
    dataSource = await openPortalDatabase(env);
    for (let i = 0; i < DISPATCHES; i++) await insertDispatch(dataSource, { cron: '* * * * * *' });
    // Measure whole seconds that start after every instance has seen every dispatch.
    const from = (Math.floor(Date.now() / 1000) + 3) * 1000;
    const to = from + SECONDS * 1000;
    await sleep(to - Date.now() + 2000);
    const latencies = await collectLatencies(dataSource, from, to);
    process.stderr.write(
      `engine-fire: ${latencies.length} fires of ${DISPATCHES} dispatches over ${SECONDS} s, 2 portals, MariaDB, ${LOCK} lock\n`,
    );
    console.log(`bench: engine.fire_to_start_p50 = ${percentile(latencies, 50)} ms`);
    console.log(`bench: engine.fire_to_start_p99 = ${percentile(latencies, 99)} ms`);
  } finally {
    for (const portal of portals) await portal.stop();
    await dataSource?.destroy();
    await cleanup();
    await mongo.drop();
    rmSync(logDir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && pathToFileURL(process.argv[1]).href === import.meta.url)
  await runEngineFireBench();
