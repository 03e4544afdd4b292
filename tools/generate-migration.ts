/**
 * Generates the next migration for both drivers from the difference between the entities and the
 * schema the existing migrations produce: `npm run migration:generate -- <Name>`.
 * Needs the test MariaDB (scripts/services.sh up).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { createDataSource, mysqlOptions, sqliteOptions } from '../src/infra/database/data-source.js';
import { createTestMysqlDatabase, mysqlConfig } from '../test/support/services.js';

const MIGRATIONS_DIR = join(import.meta.dirname, '..', '..', 'src', 'infra', 'database', 'migrations');

function render(className: string, up: string[], down: string[]): string {
  const lines = (queries: string[]) =>
    queries.map((query) => `    await queryRunner.query(${JSON.stringify(query)});`).join('\n');
  return `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${className} implements MigrationInterface {
  name = '${className}';

  public async up(queryRunner: QueryRunner): Promise<void> {
${lines(up)}
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
${lines(down)}
  }
}
`;
}

async function pendingQueries(options: DataSourceOptions) {
  const dataSource = createDataSource(options);
  await dataSource.initialize();
  try {
    await dataSource.runMigrations();
    const sql = await dataSource.driver.createSchemaBuilder().log();
    return {
      up: sql.upQueries.map((query) => query.query),
      down: sql.downQueries.map((query) => query.query).reverse(),
    };
  } finally {
    await dataSource.destroy();
  }
}

function register(driver: 'sqlite' | 'mysql', className: string, fileBase: string): void {
  const indexPath = join(MIGRATIONS_DIR, driver, 'index.ts');
  const listName = driver === 'sqlite' ? 'sqliteMigrations' : 'mysqlMigrations';
  let text = readFileSync(indexPath, 'utf8');
  text = `import { ${className} } from './${fileBase}.js';\n` + text;
  text = text.replace(
    new RegExp(`(${listName}: Function\\[\\] = \\[)([^\\]]*)\\]`),
    (_m, head: string, body: string) => {
      const items = body
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);
      return `${head}${[...items, className].join(', ')}]`;
    },
  );
  writeFileSync(indexPath, text);
}

async function main(): Promise<void> {
  const name = process.argv[2];
  if (!name || !/^[A-Z][A-Za-z0-9]+$/.test(name)) throw new Error('usage: migration:generate <PascalCaseName>');
  const timestamp = Date.now();
  const className = `${name}${timestamp}`;
  const dir = mkdtempSync(join(tmpdir(), 'meshcron-migration-'));
  const database = await createTestMysqlDatabase('mc_migration');
  try {
    const targets = {
      sqlite: sqliteOptions(join(dir, 'generate.sqlite')),
      mysql: mysqlOptions({ ...mysqlConfig(), name: database.name, poolSize: 2 }, false, 'mariadb'),
    } as const;
    for (const driver of ['sqlite', 'mysql'] as const) {
      const { up, down } = await pendingQueries(targets[driver]);
      if (up.length === 0) {
        console.log(`${driver}: no schema changes`);
        continue;
      }
      const fileBase = `${timestamp}-${name}`;
      writeFileSync(join(MIGRATIONS_DIR, driver, `${fileBase}.ts`), render(className, up, down));
      register(driver, className, fileBase);
      console.log(`${driver}: wrote ${fileBase}.ts (${up.length} statements)`);
    }
  } finally {
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
