/**
 * Writes ddl/meshcron.sql: the MySQL schema exactly as the migrations create it, plus the rows of
 * the migrations table, so a DBA can create the schema by hand and the portal finds nothing to do.
 * `npm run ddl:generate` (needs the test MariaDB: scripts/services.sh up).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDataSource, mysqlOptions } from '../src/infra/database/data-source.js';
import { createTestMysqlDatabase, mysqlConfig } from '../test/support/services.js';

export const DDL_FILE = join(import.meta.dirname, '..', '..', 'ddl', 'meshcron.sql');

async function main(): Promise<void> {
  const database = await createTestMysqlDatabase('mc_ddl');
  const dataSource = createDataSource(
    mysqlOptions({ ...mysqlConfig(), name: database.name, poolSize: 2 }, false, 'mariadb'),
  );
  await dataSource.initialize();
  try {
    await dataSource.runMigrations();
    const tables = await dataSource.query<{ name: string }[]>(
      'SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME',
      [database.name],
    );
    const parts = [
      '-- Meshcron MySQL schema, generated from the migrations by `npm run ddl:generate`. Do not edit by hand.',
      '-- Apply to an empty database (utf8mb4); the portal then finds every migration already applied.',
      '',
    ];
    for (const { name } of tables) {
      const rows = await dataSource.query<Record<string, string>[]>(`SHOW CREATE TABLE \`${name}\``);
      const create = rows[0]['Create Table'].replace(/ AUTO_INCREMENT=\d+/, '');
      parts.push(`${create};`, '');
    }
    const applied = await dataSource.query<{ timestamp: string; name: string }[]>(
      'SELECT timestamp, name FROM migrations ORDER BY id',
    );
    for (const row of applied) {
      parts.push(
        `INSERT INTO \`migrations\` (\`timestamp\`, \`name\`) VALUES (${Number(row.timestamp)}, '${row.name}');`,
      );
    }
    writeFileSync(DDL_FILE, parts.join('\n') + '\n');
    console.log(`wrote ${DDL_FILE} (${tables.length} tables, ${applied.length} migrations)`);
  } finally {
    await dataSource.destroy();
    await database.drop();
  }
}

await main();
