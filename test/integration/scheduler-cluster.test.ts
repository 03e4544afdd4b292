import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource } from 'typeorm';
import { nextFires, parseCron } from '../../src/infra/cron/cron-schedule.js';
import type { DispatchFireEntity } from '../../src/modules/scheduler/dispatch-fire.entity.js';
import {
  fireRows,
  insertDispatch,
  openPortalDatabase,
  readStartLog,
  startPortalProcess,
  updateDispatch,
  waitFor,
  type PortalProcess,
} from '../support/portal-process.js';
import { testDatabase, testPortalEnv } from '../support/portal.js';
import {
  createTestMongoDatabase,
  mongoUrl,
  redisConfig,
  redisKeyPrefix,
  type TestMongoDatabase,
} from '../support/services.js';

const RUN_SECONDS = 30;
const SECOND = 1000;

interface Cluster {
  env: Record<string, string>;
  startLog: string;
  portals: PortalProcess[];
  dataSource: DataSource;
  close(): Promise<void>;
}

/** Two portal processes on one database and one lock backend, scheduler on, lease of 5 s. */
async function startCluster(lockEnv: Record<string, string>, closeLock: () => Promise<void>): Promise<Cluster> {
  const { env, cleanup } = await testPortalEnv({
    env: { SC__SCHEDULE__ENABLED: 'true', SC__LOCK__LEASEMS: '5000', SC__LOG__LEVEL: 'log', ...lockEnv },
  });
  const logDir = mkdtempSync(join(tmpdir(), 'meshcron-starts-'));
  const startLog = join(logDir, 'starts.jsonl');
  const portals: PortalProcess[] = [];
  let dataSource: DataSource | undefined;
  const close = async () => {
    for (const portal of portals) await portal.stop();
    await dataSource?.destroy();
    await cleanup();
    await closeLock();
    rmSync(logDir, { recursive: true, force: true });
  };
  try {
    // The first one migrates the database; the second joins it.
    portals.push(await startPortalProcess({ env, startLog, name: 'portal-a' }));
    portals.push(await startPortalProcess({ env, startLog, name: 'portal-b' }));
    dataSource = await openPortalDatabase(env);
    return { env, startLog, portals, dataSource, close };
  } catch (error) {
    await close();
    throw error;
  }
}

const seconds = (rows: DispatchFireEntity[]) => rows.map((row) => row.scheduledAt.getTime());

/** Waits until the dispatch has fired for `count` consecutive seconds after its first fire. */
async function firesFor(cluster: Cluster, dispatchId: number, count: number): Promise<DispatchFireEntity[]> {
  const first = await waitFor(`first fire of dispatch ${dispatchId}`, 10 * SECOND, async () => {
    const rows = await fireRows(cluster.dataSource, dispatchId);
    return rows[0];
  });
  const last = first.scheduledAt.getTime() + (count - 1) * SECOND;
  await sleep(Math.max(0, last - Date.now()));
  return waitFor(`${count} fires of dispatch ${dispatchId}`, 10 * SECOND, async () => {
    const rows = await fireRows(cluster.dataSource, dispatchId);
    const window = rows.filter((row) => row.scheduledAt.getTime() <= last);
    const settled = window.length > 0 && window.every((row) => row.outcome !== 'pending');
    return settled && rows.at(-1)!.scheduledAt.getTime() >= last ? window : null;
  });
}

function assertExactlyOncePerSecond(t: TestContext, cluster: Cluster, dispatchId: number, rows: DispatchFireEntity[]) {
  const times = seconds(rows);
  const expected = Array.from({ length: RUN_SECONDS }, (_, i) => times[0] + i * SECOND);
  assert.deepEqual(times, expected, 'one fire row per second, no gaps');
  assert.ok(
    rows.every((row) => row.outcome === 'started' && row.trigger === 'schedule'),
    'every fire started on schedule',
  );
  const starts = readStartLog(cluster.startLog).filter(
    (start) => start.dispatchId === dispatchId && Date.parse(start.scheduledAt) <= expected.at(-1)!,
  );
  assert.deepEqual(
    starts.map((start) => Date.parse(start.scheduledAt)).sort((a, b) => a - b),
    expected,
    'exactly one start() call per fire time, across both instances',
  );
  const byInstance = new Map<string, number>();
  for (const row of rows) byInstance.set(row.instance, (byInstance.get(row.instance) ?? 0) + 1);
  const latencies = rows.map((row) => row.latencyMs ?? NaN).sort((a, b) => a - b);
  assert.ok(
    latencies.every((latency) => latency >= 0 && latency < 2 * SECOND),
    `latencies ${latencies.join(',')}`,
  );
  t.diagnostic(`fires per instance: ${JSON.stringify(Object.fromEntries(byInstance))}`);
  t.diagnostic(`fire-to-start latency ms: median ${latencies[latencies.length >> 1]}, max ${latencies.at(-1)}`);
}

describe(`scheduler on two portal processes with the mongo lock (${testDatabase()})`, () => {
  let mongo: TestMongoDatabase;
  let cluster: Cluster;

  before(async () => {
    mongo = await createTestMongoDatabase('mc_sched');
    cluster = await startCluster(
      {
        SC__MONGO__ENABLED: 'true',
        SC__MONGO__URL: mongoUrl(),
        SC__MONGO__DATABASE: mongo.name,
        SC__LOCK__DRIVER: 'mongo',
      },
      () => mongo.drop(),
    );
  });
  after(async () => {
    await cluster?.close();
  });

  it('fires an every-second dispatch exactly once per second for 30 s, and */2 at the preview times', async (t) => {
    const everySecond = await insertDispatch(cluster.dataSource, { cron: '* * * * * *' });
    const everyTwo = await insertDispatch(cluster.dataSource, { cron: '*/2 * * * * *' });
    const rows = await firesFor(cluster, everySecond, RUN_SECONDS);
    assertExactlyOncePerSecond(t, cluster, everySecond, rows);

    const twoRows = (await fireRows(cluster.dataSource, everyTwo)).filter((row) => row.outcome !== 'pending');
    assert.ok(twoRows.length >= 12, `*/2 fired ${twoRows.length} times`);
    const schedule = parseCron('*/2 * * * * *', 'UTC');
    assert.ok(schedule.ok);
    const preview = nextFires(schedule.schedule, new Date(twoRows[0].scheduledAt.getTime() - 1), twoRows.length);
    assert.deepEqual(
      twoRows.map((row) => row.scheduledAt.toISOString()),
      preview.map((date) => date.toISOString()),
    );
    assert.equal(
      twoRows[0].dataDate,
      new Date(twoRows[0].scheduledAt.getTime() - 86_400_000).toISOString().slice(0, 10),
    );
    await updateDispatch(cluster.dataSource, everyTwo, { enabled: false });
    await updateDispatch(cluster.dataSource, everySecond, { enabled: false });
  });

  it('stops firing on both instances right after a pause, and fires again after resume', async () => {
    const id = await insertDispatch(cluster.dataSource, { cron: '* * * * * *' });
    await waitFor('fires', 10 * SECOND, async () => (await fireRows(cluster.dataSource, id)).length >= 2);
    await updateDispatch(cluster.dataSource, id, { enabled: false });
    const pausedAt = Date.now();
    await sleep(4 * SECOND);
    const afterPause = (await fireRows(cluster.dataSource, id)).filter((row) => row.scheduledAt.getTime() > pausedAt);
    assert.deepEqual(seconds(afterPause), [], 'no fire after the pause');

    await updateDispatch(cluster.dataSource, id, { enabled: true });
    const resumedAt = Date.now();
    const resumed = await waitFor('fires after resume', 5 * SECOND, async () => {
      const rows = (await fireRows(cluster.dataSource, id)).filter((row) => row.scheduledAt.getTime() > pausedAt);
      return rows.length >= 2 ? rows : null;
    });
    assert.ok(resumed[0].scheduledAt.getTime() > resumedAt, 'the paused seconds are not caught up');
    assert.ok(resumed[0].scheduledAt.getTime() <= resumedAt + 3 * SECOND, 'fires again within a couple of seconds');
    await updateDispatch(cluster.dataSource, id, { enabled: false });
  });

  it('follows a new schedule and a deletion without restart', async () => {
    const id = await insertDispatch(cluster.dataSource, { cron: '* * * * * *' });
    await waitFor('fires', 10 * SECOND, async () => (await fireRows(cluster.dataSource, id)).length >= 1);
    await updateDispatch(cluster.dataSource, id, { cron: '*/3 * * * * *' });
    const changedAt = Date.now();
    await sleep(7 * SECOND);
    const later = (await fireRows(cluster.dataSource, id)).filter((row) => row.scheduledAt.getTime() > changedAt);
    assert.ok(later.length >= 2, `fires after the change: ${later.length}`);
    assert.ok(
      later.every((row) => row.scheduledAt.getUTCSeconds() % 3 === 0),
      `only multiples of 3 s: ${later.map((row) => row.scheduledAt.toISOString()).join(', ')}`,
    );

    await cluster.dataSource.query('DELETE FROM dispatch WHERE id = ?', [id]);
    const deletedAt = Date.now();
    await sleep(4 * SECOND);
    const afterDelete = (await fireRows(cluster.dataSource, id)).filter((row) => row.scheduledAt.getTime() > deletedAt);
    assert.deepEqual(seconds(afterDelete), []);
  });
});

describe(`scheduler on two portal processes with the redis lock (${testDatabase()})`, () => {
  let cluster: Cluster;

  before(async () => {
    const redis = redisConfig();
    cluster = await startCluster(
      {
        SC__LOCK__DRIVER: 'redis',
        SC__REDIS__HOST: redis.host,
        SC__REDIS__PORT: String(redis.port),
        SC__REDIS__PASSWORD: redis.password,
        SC__REDIS__KEYPREFIX: redisKeyPrefix('mc_sched'),
      },
      () => Promise.resolve(),
    );
  });
  after(async () => {
    await cluster?.close();
  });

  it('fires an every-second dispatch exactly once per second for 30 s', async (t) => {
    const id = await insertDispatch(cluster.dataSource, { cron: '* * * * * *' });
    const rows = await firesFor(cluster, id, RUN_SECONDS);
    assertExactlyOncePerSecond(t, cluster, id, rows);
    await updateDispatch(cluster.dataSource, id, { enabled: false });
  });
});

describe(`two portal processes with only in-process locks (${testDatabase()})`, () => {
  let cluster: Cluster;

  before(async () => {
    cluster = await startCluster({ SC__LOCK__DRIVER: 'local' }, () => Promise.resolve());
  });
  after(async () => {
    await cluster?.close();
  });

  it('still fires exactly once per second: the dispatch_fire unique key is the final guard', async () => {
    const id = await insertDispatch(cluster.dataSource, { cron: '* * * * * *' });
    const rows = await firesFor(cluster, id, 10);
    assert.deepEqual(
      seconds(rows),
      Array.from({ length: 10 }, (_, i) => seconds(rows)[0] + i * SECOND),
    );
    const starts = readStartLog(cluster.startLog).filter(
      (start) => start.dispatchId === id && Date.parse(start.scheduledAt) <= seconds(rows).at(-1)!,
    );
    assert.equal(starts.length, 10, 'one start() call per fire time');
    await updateDispatch(cluster.dataSource, id, { enabled: false });
  });
});
