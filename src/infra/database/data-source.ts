import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../../config/app-config.js';
import { entities } from './entities.js';
import { mysqlMigrations } from './migrations/mysql/index.js';
import { sqliteMigrations } from './migrations/sqlite/index.js';
import { SnakeNamingStrategy } from './naming.strategy.js';
import { AUTO_CHECKPOINT_PAGES } from './sqlite-checkpointer.js';

export type DatabaseType = 'sqlite' | 'mysql' | 'mariadb';

export interface MysqlConnection {
  host: string;
  port: number;
  user: string;
  password: string;
  name: string;
  poolSize: number;
}

const common = {
  entities,
  synchronize: false,
  migrationsRun: false,
  namingStrategy: new SnakeNamingStrategy(),
  migrationsTableName: 'migrations',
} as const;

export function sqliteOptions(file: string, logging = false): DataSourceOptions {
  return {
    ...common,
    type: 'better-sqlite3',
    database: file,
    migrations: sqliteMigrations,
    logging,
    // WAL lets readers run beside the single writer; busy_timeout makes instances wait, not fail.
    prepareDatabase: (db: { pragma(sql: string): unknown }) => {
      db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 10000');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      // Checkpoints run in SqliteCheckpointer's worker; this is only the safety net.
      db.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
    },
  };
}

/** MySQL or MariaDB through mysql2; the type only changes how TypeORM reads the catalog. */
export function mysqlOptions(
  connection: MysqlConnection,
  logging = false,
  flavor: 'mysql' | 'mariadb' = 'mysql',
): DataSourceOptions {
  return {
    ...common,
    type: flavor,
    host: connection.host,
    port: connection.port,
    username: connection.user,
    password: connection.password,
    database: connection.name,
    poolSize: connection.poolSize,
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    migrations: mysqlMigrations,
    logging,
    extra: { connectionLimit: connection.poolSize },
  };
}

export function dataSourceOptions(config: AppConfig): DataSourceOptions {
  const db = config.values.database;
  if (db.type !== 'sqlite') return mysqlOptions(db, db.logging, db.type);
  mkdirSync(config.dataDir, { recursive: true });
  return sqliteOptions(join(config.dataDir, db.sqliteFile), db.logging);
}

export function createDataSource(options: DataSourceOptions): DataSource {
  return new DataSource(options);
}
