// Helpers for tests that use the real services started by `scripts/services.sh up`
// (MariaDB, FerretDB for MongoDB, Redis, Chromium) and an in-process SMTP sink.
// See docs/testing.md.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { MongoClient } from 'mongodb';
import mysql from 'mysql2/promise';

export { startSmtpSink } from './smtp-sink.js';
export type { SmtpMessage, SmtpSink, SmtpSinkOptions } from './smtp-sink.js';

const HINT =
  'run scripts/services.sh up (and `. .services/env`, or let test/support/services.ts read <repo>/.services/env)';

/** The repository holding `.services/env`: searched upwards from this module (src or dist) and from the cwd. */
function findServicesEnvFile(): string | undefined {
  for (const start of [import.meta.dirname, process.cwd()]) {
    for (let dir = start; ; dir = dirname(dir)) {
      const candidate = join(dir, '.services', 'env');
      if (existsSync(candidate)) return candidate;
      if (dirname(dir) === dir) break;
    }
  }
  return undefined;
}

let envLoaded = false;

/** Fills in MESHCRON_TEST_* variables that are not set from `<repo>/.services/env`, once. */
function loadServicesEnv(): void {
  if (envLoaded) return;
  envLoaded = true;
  const file = findServicesEnvFile();
  if (file === undefined) return;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^\s*export\s+([A-Z0-9_]+)=(.*)$/.exec(line);
    if (match === null) continue;
    const [, key, raw] = match;
    if (process.env[key] === undefined || process.env[key] === '') {
      process.env[key] = raw.trim().replace(/^(['"])(.*)\1$/, '$2');
    }
  }
}

/** A MESHCRON_TEST_* variable, or a clear error telling how to start the services. */
export function serviceEnv(name: string): string {
  let value = process.env[name];
  if (value === undefined || value === '') {
    loadServicesEnv();
    value = process.env[name];
  }
  if (value === undefined || value === '') throw new Error(`${name} is not set: ${HINT}`);
  return value;
}

function readSecret(fileVariable: string): string {
  const file = serviceEnv(fileVariable);
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new Error(`cannot read ${file} (${fileVariable}): ${HINT}`, { cause: error });
  }
}

/** `<prefix>_<12 hex>`: unique per call, so tests never depend on leftovers or on order. */
export function uniqueName(prefix: string): string {
  if (!/^[A-Za-z][A-Za-z0-9_]{0,40}$/.test(prefix)) {
    throw new Error(`invalid test name prefix ${JSON.stringify(prefix)}: use [A-Za-z][A-Za-z0-9_]{0,40}`);
  }
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

// ---------------------------------------------------------------- MariaDB ---

export interface MysqlConfig {
  host: string;
  port: number;
  user: string;
  password: string;
}

/** The private MariaDB (127.0.0.1:33306); the user may create and drop databases. */
export function mysqlConfig(): MysqlConfig {
  return {
    host: serviceEnv('MESHCRON_TEST_MYSQL_HOST'),
    port: Number(serviceEnv('MESHCRON_TEST_MYSQL_PORT')),
    user: serviceEnv('MESHCRON_TEST_MYSQL_USER'),
    password: readSecret('MESHCRON_TEST_MYSQL_PASSWORD_FILE'),
  };
}

export interface TestMysqlDatabase {
  name: string;
  /** mysqlConfig() plus `database: name`. */
  config: MysqlConfig & { database: string };
  /** Drops the database; safe to call twice. */
  drop(): Promise<void>;
}

async function withMysql<T>(run: (connection: mysql.Connection) => Promise<T>): Promise<T> {
  const connection = await mysql.createConnection(mysqlConfig());
  try {
    return await run(connection);
  } finally {
    await connection.end();
  }
}

/** A fresh, uniquely named utf8mb4 database. */
export async function createTestMysqlDatabase(prefix: string): Promise<TestMysqlDatabase> {
  const name = uniqueName(prefix);
  await withMysql((c) => c.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`));
  return {
    name,
    config: { ...mysqlConfig(), database: name },
    async drop() {
      await withMysql((c) => c.query(`DROP DATABASE IF EXISTS \`${name}\``));
    },
  };
}

// ------------------------------------------------------ MongoDB (FerretDB) ---

/** `mongodb://127.0.0.1:37017/` (FerretDB v1.24, SQLite backend, no auth). */
export function mongoUrl(): string {
  return serviceEnv('MESHCRON_TEST_MONGO_URL');
}

export interface TestMongoDatabase {
  name: string;
  /** Connection string whose default database is `name` (`client.db()` returns it). */
  url: string;
  /** Drops the database; safe to call twice. */
  drop(): Promise<void>;
}

/** A uniquely named database (created by the first write, as in MongoDB). */
export function createTestMongoDatabase(prefix: string): Promise<TestMongoDatabase> {
  const name = uniqueName(prefix);
  const base = mongoUrl();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return Promise.resolve({
    name,
    url: url.toString(),
    async drop() {
      const client = await MongoClient.connect(base, { serverSelectionTimeoutMS: 5000 });
      try {
        await client.db(name).dropDatabase();
      } finally {
        await client.close();
      }
    },
  });
}

// ------------------------------------------------------------------ Redis ---

export interface RedisConfig {
  host: string;
  port: number;
  password: string;
}

/** The private Redis (127.0.0.1:36379, requirepass, 64 logical databases, no persistence). */
export function redisConfig(): RedisConfig {
  const url = new URL(serviceEnv('MESHCRON_TEST_REDIS_URL'));
  return { host: url.hostname, port: Number(url.port), password: readSecret('MESHCRON_TEST_REDIS_PASSWORD_FILE') };
}

/** A unique key prefix (`<prefix>:<hex>:`) so tests sharing the Redis server never collide. */
export function redisKeyPrefix(prefix: string): string {
  return `${uniqueName(prefix)}:`;
}

// --------------------------------------------------------------- Chromium ---

/** Debian's Chromium (`/usr/bin/chromium`). */
export function chromiumPath(): string {
  const path = serviceEnv('MESHCRON_TEST_CHROMIUM');
  if (!existsSync(path)) throw new Error(`${path} does not exist: ${HINT}`);
  return path;
}

/**
 * Flags for headless Chromium here: as root it needs --no-sandbox, and with no network it must not
 * try to reach Google's hosts. Add your own `--user-data-dir` (a fresh temp dir) per browser.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-features=Translate,OptimizationHints,MediaRouter',
];

// ------------------------------------------------------------------ ports ---

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no port from listen(0)'))));
    });
  });
}
