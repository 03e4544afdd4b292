import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource } from 'typeorm';
import { ExecutionEntity } from '../../src/modules/execution/execution.entity.js';
import {
  insertDispatch,
  openPortalDatabase,
  startPortalProcess,
  type PortalProcess,
} from '../support/portal-process.js';
import { testDatabase, testPortalEnv } from '../support/portal.js';
import { createTestMongoDatabase, mongoUrl, type TestMongoDatabase } from '../support/services.js';

const RUN_SECONDS = 15;

/** The real portal (scheduler + engine) on two processes: one execution per fire time, no more. */
describe(
  'two real portal processes firing every second through the engine',
  { skip: testDatabase() !== 'mysql' },
  () => {
    let mongo: TestMongoDatabase;
    let portals: PortalProcess[] = [];
    let dataSource: DataSource;
    let cleanup: () => Promise<void>;

    before(async () => {
      mongo = await createTestMongoDatabase('mc_sched_engine');
      const prepared = await testPortalEnv({
        env: {
          SC__SCHEDULE__ENABLED: 'true',
          SC__LOCK__DRIVER: 'mongo',
          SC__LOCK__LEASEMS: '5000',
          SC__MONGO__ENABLED: 'true',
          SC__MONGO__URL: mongoUrl(),
          SC__MONGO__DATABASE: mongo.name,
        },
      });
      cleanup = prepared.cleanup;
      portals = [
        await startPortalProcess({ env: prepared.env, name: 'portal-a' }),
        await startPortalProcess({ env: prepared.env, name: 'portal-b' }),
      ];
      dataSource = await openPortalDatabase(prepared.env);
    });

    after(async () => {
      for (const portal of portals) await portal.stop();
      await dataSource?.destroy();
      await cleanup?.();
      await mongo?.drop();
    });

    it('creates exactly one execution per fire time', async () => {
      const dispatchId = await insertDispatch(dataSource, { cron: '* * * * * *', overlapPolicy: 'parallel' });
      await sleep((RUN_SECONDS + 3) * 1000);
      const executions = await dataSource
        .getRepository(ExecutionEntity)
        .find({ where: { dispatchId }, order: { scheduledAt: 'ASC' } });
      const times = executions.map((execution) => execution.scheduledAt.getTime());
      assert.ok(times.length >= RUN_SECONDS, `at least ${RUN_SECONDS} executions, got ${times.length}`);
      assert.equal(new Set(times).size, times.length, 'no fire time has two executions');
      for (let i = 1; i < times.length; i++) assert.equal(times[i] - times[i - 1], 1000, 'no fire time is missing');
      assert.ok(executions.every((execution) => execution.trigger === 'schedule'));
    });
  },
);
