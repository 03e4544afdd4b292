import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { AppSettingEntity } from '../../src/infra/database/app-setting.entity.js';
import { CHECKPOINT_INTERVAL_MS, SqliteCheckpointer } from '../../src/infra/database/sqlite-checkpointer.js';
import { startTestPortal, testDatabase, type TestPortal } from '../support/portal.js';

/** The embedded default moves WAL checkpoints (and their fsync) off the commit path. */
describe('SQLite WAL checkpoints', { skip: testDatabase() !== 'sqlite' }, () => {
  let portal: TestPortal;
  before(async () => (portal = await startTestPortal({ database: 'sqlite' })));
  after(async () => portal?.close());

  it('leaves commits the safety net only and copies the log into the database from its worker', async () => {
    const dataSource = portal.app.get(DataSource);
    const [setting] = await dataSource.query<{ wal_autocheckpoint: number }[]>('PRAGMA wal_autocheckpoint');
    assert.equal(setting.wal_autocheckpoint, 20_000);
    const checkpointer = portal.app.get(SqliteCheckpointer);
    const before = checkpointer.stats.runs;
    const rows = Array.from({ length: 2000 }, (_, i) => ({
      name: `wal-${i}`,
      value: 'x'.repeat(200),
      updatedAt: new Date(),
    }));
    for (let i = 0; i < rows.length; i += 100)
      await dataSource.getRepository(AppSettingEntity).insert(rows.slice(i, i + 100));
    await sleep(CHECKPOINT_INTERVAL_MS * 2.5);
    assert.ok(checkpointer.stats.runs >= before + 2, `checkpoints ran (${checkpointer.stats.runs - before})`);
    assert.ok(checkpointer.stats.walPages > 0, 'the log held the writes');
    assert.equal(checkpointer.stats.checkpointedPages, checkpointer.stats.walPages, 'all of the log was copied');
  });
});
