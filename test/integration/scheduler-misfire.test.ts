import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource } from 'typeorm';
import { DispatchFireEntity } from '../../src/modules/scheduler/dispatch-fire.entity.js';
import {
  fireRows,
  insertDispatch,
  openPortalDatabase,
  PortalProcess,
  readStartLog,
  waitFor,
} from '../support/portal-process.js';
import { testDatabase, testPortalEnv } from '../support/portal.js';

const SECOND = 1000;
const GRACE_SECONDS = 4;
const DOWN_SECONDS = 8;

interface SinglePortal {
  portal: PortalProcess;
  dataSource: DataSource;
  startLog: string;
  close(): Promise<void>;
}

/** One portal process (embedded-style local lock) on a fresh database. */
async function startSinglePortal(extraEnv: Record<string, string>): Promise<SinglePortal> {
  const { env, cleanup } = await testPortalEnv({ env: { SC__SCHEDULE__ENABLED: 'true', ...extraEnv } });
  const logDir = mkdtempSync(join(tmpdir(), 'meshcron-starts-'));
  const startLog = join(logDir, 'starts.jsonl');
  const portal = await PortalProcess.create({ env, startLog, name: 'portal' });
  await portal.start();
  const dataSource = await openPortalDatabase(env);
  return {
    portal,
    dataSource,
    startLog,
    async close() {
      await portal.stop();
      await dataSource.destroy();
      await cleanup();
      rmSync(logDir, { recursive: true, force: true });
    },
  };
}

const time = (row: DispatchFireEntity) => row.scheduledAt.getTime();
const describeRows = (rows: DispatchFireEntity[]) =>
  rows.map((row) => `${row.scheduledAt.toISOString()} ${row.trigger} ${row.outcome}`).join('\n');

describe(`misfires after a restart (${testDatabase()})`, () => {
  let single: SinglePortal;
  const ids = { skip: 0, runOnce: 0, runAll: 0, pending: 0 };
  const lastBefore = { skip: 0, runOnce: 0, runAll: 0 };
  let pendingAt = 0;

  before(async () => {
    single = await startSinglePortal({ SC__SCHEDULE__MISFIREGRACESECONDS: String(GRACE_SECONDS) });
    const { dataSource } = single;
    ids.skip = await insertDispatch(dataSource, { cron: '* * * * * *', misfirePolicy: 'skip' });
    ids.runOnce = await insertDispatch(dataSource, { cron: '* * * * * *', misfirePolicy: 'run_once' });
    ids.runAll = await insertDispatch(dataSource, { cron: '* * * * * *', misfirePolicy: 'run_all' });
    ids.pending = await insertDispatch(dataSource, { cron: '0 0 0 1 1 ?', misfirePolicy: 'skip' });
    for (const key of ['skip', 'runOnce', 'runAll'] as const) {
      await waitFor(`fires of ${key}`, 10 * SECOND, async () => (await fireRows(dataSource, ids[key])).length >= 2);
    }
    await single.portal.stop();
    for (const key of ['skip', 'runOnce', 'runAll'] as const) {
      lastBefore[key] = time((await fireRows(dataSource, ids[key])).at(-1)!);
    }
    await sleep(DOWN_SECONDS * SECOND);
    // What an instance that died between claiming a fire and starting it leaves behind.
    pendingAt = Math.floor(Date.now() / SECOND) * SECOND;
    await dataSource.getRepository(DispatchFireEntity).insert({
      dispatchId: ids.pending,
      scheduledAt: new Date(pendingAt),
      trigger: 'schedule',
      outcome: 'pending',
      dataDate: '2026-01-01',
      instance: 'a-dead-instance',
      firedAt: new Date(pendingAt),
    });
    await single.portal.start();
    for (const key of ['skip', 'runOnce', 'runAll'] as const) {
      await waitFor(`scheduled fires of ${key} after the restart`, 10 * SECOND, async () => {
        const rows = await fireRows(dataSource, ids[key]);
        const restarted = rows.filter((row) => time(row) > lastBefore[key]);
        const secondScheduled = restarted.filter((row) => row.trigger === 'schedule')[1];
        if (secondScheduled === undefined) return false;
        return restarted.filter((row) => time(row) <= time(secondScheduled)).every((row) => row.outcome !== 'pending');
      });
    }
    await waitFor('the pending fire handled', 10 * SECOND, async () => {
      const rows = await fireRows(dataSource, ids.pending);
      return rows.every((row) => row.outcome !== 'pending');
    });
  });
  after(async () => {
    await single?.close();
  });

  const rowsAfterRestart = async (key: 'skip' | 'runOnce' | 'runAll') =>
    (await fireRows(single.dataSource, ids[key])).filter((row) => time(row) > lastBefore[key]);

  it('skip: runs none of the missed fires', async () => {
    const rows = await rowsAfterRestart('skip');
    assert.ok(
      rows.every((row) => row.trigger === 'schedule'),
      describeRows(rows),
    );
    assert.ok(time(rows[0]) - lastBefore.skip >= DOWN_SECONDS * SECOND, describeRows(rows));
  });

  it('run_once: runs one execution for the latest missed time', async () => {
    const rows = await rowsAfterRestart('runOnce');
    const misfires = rows.filter((row) => row.trigger === 'misfire');
    assert.equal(misfires.length, 1, describeRows(rows));
    assert.equal(rows[0], misfires[0], 'nothing older than the misfire');
    assert.equal(time(rows[1]) - time(rows[0]), SECOND, 'the misfire is the latest missed time');
    assert.equal(rows[1].trigger, 'schedule');
    assert.ok(time(rows[0]) - lastBefore.runOnce >= DOWN_SECONDS * SECOND, describeRows(rows));
    const starts = readStartLog(single.startLog).filter((start) => start.dispatchId === ids.runOnce);
    assert.deepEqual(
      starts.filter((start) => start.trigger === 'misfire').map((start) => start.scheduledAt),
      [misfires[0].scheduledAt.toISOString()],
    );
  });

  it('run_all: runs every missed time within the grace, and none older', async () => {
    const rows = await rowsAfterRestart('runAll');
    const misfires = rows.filter((row) => row.trigger === 'misfire');
    assert.ok(misfires.length >= GRACE_SECONDS && misfires.length <= GRACE_SECONDS + 1, describeRows(rows));
    assert.deepEqual(rows.slice(0, misfires.length), misfires, 'misfires come first');
    const times = rows.map(time);
    for (let i = 1; i < times.length; i++) assert.equal(times[i] - times[i - 1], SECOND, describeRows(rows));
    assert.ok(time(misfires[0]) - lastBefore.runAll > (GRACE_SECONDS + 1) * SECOND, 'older missed fires dropped');
    assert.ok(misfires.every((row) => row.outcome === 'started'));
    const misfireStarts = readStartLog(single.startLog).filter(
      (start) => start.dispatchId === ids.runAll && start.trigger === 'misfire',
    );
    assert.deepEqual(
      misfireStarts.map((start) => start.scheduledAt),
      misfires.map((row) => row.scheduledAt.toISOString()),
    );
  });

  it('hands a fire left pending by a dead instance to the engine', async () => {
    const rows = await fireRows(single.dataSource, ids.pending);
    assert.deepEqual(
      rows.map((row) => [row.scheduledAt.getTime(), row.outcome]),
      [[pendingAt, 'started']],
    );
    const starts = readStartLog(single.startLog).filter((start) => start.dispatchId === ids.pending);
    assert.deepEqual(
      starts.map((start) => start.scheduledAt),
      [new Date(pendingAt).toISOString()],
    );
  });
});

describe(`overlap policies and a running instance's recovery (${testDatabase()})`, () => {
  let single: SinglePortal;

  before(async () => {
    // Each execution of the stand-in engine stays active for 2.5 s; leases last 2 s.
    single = await startSinglePortal({ MESHCRON_TEST_EXECUTION_MS: '2500', SC__LOCK__LEASEMS: '2000' });
  });
  after(async () => {
    await single?.close();
  });

  it('skip does not start while an execution is active; queue starts every fire', async () => {
    const { dataSource } = single;
    const skip = await insertDispatch(dataSource, { cron: '* * * * * *', overlapPolicy: 'skip' });
    const queue = await insertDispatch(dataSource, { cron: '* * * * * *', overlapPolicy: 'queue' });
    await waitFor('eight fires', 20 * SECOND, async () => {
      const rows = await fireRows(dataSource, skip);
      return rows.filter((row) => row.outcome !== 'pending').length >= 8;
    });
    const skipRows = (await fireRows(dataSource, skip)).filter((row) => row.outcome !== 'pending');
    const started = skipRows.filter((row) => row.outcome === 'started').map(time);
    assert.ok(skipRows.filter((row) => row.outcome === 'skipped').length >= 4, describeRows(skipRows));
    for (let i = 1; i < started.length; i++)
      assert.ok(started[i] - started[i - 1] >= 3 * SECOND, describeRows(skipRows));
    const starts = readStartLog(single.startLog).filter((start) => start.dispatchId === skip);
    assert.deepEqual(
      starts.map((start) => Date.parse(start.scheduledAt)).filter((at) => at <= started.at(-1)!),
      started,
      'skipped fires never reach the engine',
    );

    const queueRows = (await fireRows(dataSource, queue)).filter((row) => row.outcome !== 'pending');
    assert.ok(queueRows.length >= 6);
    assert.ok(
      queueRows.every((row) => row.outcome === 'started'),
      describeRows(queueRows),
    );
  });

  it('starts a fire another instance claimed and then died on, once its lease has lapsed', async () => {
    const { dataSource } = single;
    const id = await insertDispatch(dataSource, { cron: '0 0 0 1 1 ?' });
    const claimedAt = Math.floor(Date.now() / SECOND) * SECOND - 3 * SECOND;
    await dataSource.getRepository(DispatchFireEntity).insert({
      dispatchId: id,
      scheduledAt: new Date(claimedAt),
      trigger: 'schedule',
      outcome: 'pending',
      dataDate: '2026-01-01',
      instance: 'a-dead-instance',
      firedAt: new Date(claimedAt),
    });
    const [row] = await waitFor('the pending fire started', 8 * SECOND, async () => {
      const rows = await fireRows(dataSource, id);
      return rows[0]?.outcome === 'started' ? rows : null;
    });
    assert.equal(row.scheduledAt.getTime(), claimedAt);
    const starts = readStartLog(single.startLog).filter((start) => start.dispatchId === id);
    assert.deepEqual(
      starts.map((start) => start.scheduledAt),
      [new Date(claimedAt).toISOString()],
    );
  });
});
