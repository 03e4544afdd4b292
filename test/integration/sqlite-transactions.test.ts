import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DataSource } from 'typeorm';
import { AppSettingEntity } from '../../src/infra/database/app-setting.entity.js';
import { createDataSource, sqliteOptions } from '../../src/infra/database/data-source.js';
import { migrateWithLock } from '../../src/infra/database/migrate.js';
import { serializeSqliteTransactions } from '../../src/infra/database/sqlite-transactions.js';

describe('SQLite transactions', () => {
  let dir: string;
  let dataSource: DataSource;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meshcron-sqlite-tx-'));
    dataSource = createDataSource(sqliteOptions(join(dir, 'tx.sqlite')));
    await dataSource.initialize();
    await migrateWithLock(dataSource);
    serializeSqliteTransactions(dataSource);
  });
  after(async () => {
    await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const row = (name: string) => ({ name, value: 'x', updatedAt: new Date() });
  const pause = () => new Promise((resolve) => setTimeout(resolve, 20));

  it('never lets a concurrent transaction roll back work committed by another', async () => {
    const failing = dataSource.transaction(async (manager) => {
      await manager.insert(AppSettingEntity, row('from-failing'));
      await pause();
      throw new Error('boom');
    });
    const succeeding = dataSource.transaction(async (manager) => {
      await pause();
      await manager.insert(AppSettingEntity, row('from-succeeding'));
    });
    await assert.rejects(failing, /boom/);
    await succeeding;
    const names = (await dataSource.getRepository(AppSettingEntity).find()).map((setting) => setting.name);
    assert.deepEqual(names, ['from-succeeding']);
  });

  it('still allows a transaction opened inside another', async () => {
    await dataSource.transaction(async () => {
      await dataSource.transaction(async (manager) => manager.insert(AppSettingEntity, row('nested')));
    });
    assert.ok(await dataSource.getRepository(AppSettingEntity).findOneBy({ name: 'nested' }));
  });
});
