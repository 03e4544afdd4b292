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
import {
  createTestMongoDatabase,
  mongoUrl,
  redisConfig,
  redisKeyPrefix,
  type TestMongoDatabase,
} from '../support/services.js';

const RUN_SECONDS = 30;

function lockEnv(driver: 'mongo' | 'redis', mongo: TestMongoDatabase): Record<string, string> {
  if (driver === 'mongo') {
    return {
      SC__LOCK__DRIVER: 'mongo',
      SC__MONGO__ENABLED: 'true',
      SC__MONGO__URL: mongoUrl(),
      SC__MONGO__DATABASE: mongo.name,
    };
  }
  const redis = redisConfig();
  return {
    SC__LOCK__DRIVER: 'redis',
    SC__REDIS__HOST: redis.host,
    SC__REDIS__PORT: String(redis.port),
    SC__REDIS__PASSWORD: redis.password,
    SC__REDIS__KEYPREFIX: redisKeyPrefix('mc_sched_engine'),
  };
}

/** The real portal (scheduler + engine) on two processes: one execution per fire time, no more. */
for (const driver of ['mongo', 'redis'] as const) {
  describe(
    `two real portal processes firing every second through the engine (${driver} lock)`,
    { skip: testDatabase() !== 'mysql' },
    () => {
      let mongo: TestMongoDatabase;
      let portals: PortalProcess[] = [];
      let dataSource: DataSource;
      let cleanup: () => Promise<void>;

      before(async () => {
        mongo = await createTestMongoDatabase('mc_sched_engine');
        const prepared = await testPortalEnv({
          env: { SC__SCHEDULE__ENABLED: 'true', SC__LOCK__LEASEMS: '5000', ...lockEnv(driver, mongo) },
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

      it(`creates exactly one execution per fire time for ${RUN_SECONDS} s`, async () => {
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
}
