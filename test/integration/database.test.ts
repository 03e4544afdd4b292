import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import { AppConfig } from '../../src/config/app-config.js';
import { createDataSource, dataSourceOptions } from '../../src/infra/database/data-source.js';
import { migrateWithLock } from '../../src/infra/database/migrate.js';
import { testDatabase, testPortalEnv } from '../support/portal.js';
import { createTestMysqlDatabase, mysqlConfig } from '../support/services.js';

const DDL = join(import.meta.dirname, '..', '..', '..', 'ddl', 'meshcron.sql');

async function migratedDataSource(env: Record<string, string>) {
  const dataSource = createDataSource(dataSourceOptions(AppConfig.load(env)));
  await dataSource.initialize();
  return dataSource;
}

describe(`migrations (${testDatabase()})`, () => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  it('produce exactly the schema the entities describe', async () => {
    const { env, cleanup } = await testPortalEnv();
    cleanups.push(cleanup);
    const dataSource = await migratedDataSource(env);
    try {
      const applied = await migrateWithLock(dataSource);
      assert.ok(applied.length > 0, 'a fresh database gets every migration');
      const pending = await dataSource.driver.createSchemaBuilder().log();
      assert.deepEqual(
        pending.upQueries.map((query) => query.query),
        [],
        'entities and migrations agree',
      );
      assert.deepEqual(await migrateWithLock(dataSource), [], 'a second run has nothing to do');
    } finally {
      await dataSource.destroy();
    }
  });

  it('let several instances start together: one migrates, the others wait', async () => {
    const { env, cleanup } = await testPortalEnv();
    cleanups.push(cleanup);
    const sources = await Promise.all([1, 2, 3].map(() => migratedDataSource(env)));
    try {
      const results = await Promise.all(sources.map((source) => migrateWithLock(source)));
      const total = results.reduce((sum, applied) => sum + applied.length, 0);
      assert.equal(total, results.find((applied) => applied.length > 0)?.length, 'each migration applied once');
    } finally {
      await Promise.all(sources.map((source) => source.destroy()));
    }
  });
});

describe('ddl/meshcron.sql', { skip: testDatabase() !== 'mysql' }, () => {
  it('creates on MariaDB the same schema as the migrations (no drift)', async () => {
    const fromDdl = await createTestMysqlDatabase('mc_ddl');
    const { env, cleanup } = await testPortalEnv({ database: 'mysql' });
    const connection = await mysql.createConnection({
      ...mysqlConfig(),
      database: fromDdl.name,
      multipleStatements: true,
    });
    try {
      await connection.query(readFileSync(DDL, 'utf8'));
      const dataSource = await migratedDataSource(env);
      await migrateWithLock(dataSource);
      await dataSource.destroy();
      const describeSchema = async (schema: string) => {
        const [columns] = await connection.query(
          `SELECT TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, COLUMN_DEFAULT, IS_NULLABLE, COLUMN_TYPE, EXTRA, COLLATION_NAME
             FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION`,
          [schema],
        );
        const [indexes] = await connection.query(
          `SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME
             FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
          [schema],
        );
        const [migrations] = await connection.query(`SELECT timestamp, name FROM \`${schema}\`.migrations ORDER BY id`);
        return { columns, indexes, migrations };
      };
      const migrated = await describeSchema(env.SC__DATABASE__NAME);
      const handMade = await describeSchema(fromDdl.name);
      assert.deepEqual(handMade, migrated);
      // A portal pointed at the hand-made schema finds nothing to migrate.
      const onDdl = await migratedDataSource({ ...env, SC__DATABASE__NAME: fromDdl.name });
      assert.deepEqual(await migrateWithLock(onDdl), []);
      await onDdl.destroy();
    } finally {
      await connection.end();
      await fromDdl.drop();
      await cleanup();
    }
  });
});
