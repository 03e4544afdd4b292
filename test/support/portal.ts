import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppConfig } from '../../src/config/app-config.js';
import { createPortal } from '../../src/portal.js';
import { HttpClient } from './http-client.js';
import { createTestMysqlDatabase, mysqlConfig } from './services.js';

export type TestDatabase = 'sqlite' | 'mysql';

/** Which database the integration suite runs against: `MESHCRON_TEST_DB=mysql` or sqlite (default). */
export function testDatabase(): TestDatabase {
  return process.env.MESHCRON_TEST_DB === 'mysql' ? 'mysql' : 'sqlite';
}

export const ADMIN_PASSWORD = 'admin-password-123';

export interface TestPortal {
  app: NestExpressApplication;
  url: string;
  config: AppConfig;
  /** A client logged in as the bootstrap admin. */
  admin(): Promise<HttpClient>;
  client(): HttpClient;
  close(): Promise<void>;
}

export interface TestPortalOptions {
  database?: TestDatabase;
  env?: Record<string, string>;
}

/** Env for a portal on a fresh, private database; `cleanup` removes it. */
export async function testPortalEnv(options: TestPortalOptions = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'meshcron-test-'));
  const env: Record<string, string> = {
    SUPERCONF: join(import.meta.dirname, '..', '..', '..', 'superconf.json'),
    SC__SERVER__DATADIR: dataDir,
    SC__SERVER__PORT: '1',
    SC__LOG__LEVEL: 'warn',
    SC__EXEC__LOCALNODE: 'false',
    SC__SCHEDULE__ENABLED: 'false',
    ADMIN_PASSWORD,
  };
  let dropDatabase = async () => {};
  if ((options.database ?? testDatabase()) === 'mysql') {
    const database = await createTestMysqlDatabase('mc_it');
    const mysql = mysqlConfig();
    Object.assign(env, {
      SC__DATABASE__TYPE: 'mariadb',
      SC__DATABASE__HOST: mysql.host,
      SC__DATABASE__PORT: String(mysql.port),
      SC__DATABASE__USER: mysql.user,
      SC__DATABASE__PASSWORD: mysql.password,
      SC__DATABASE__NAME: database.name,
    });
    dropDatabase = () => database.drop();
  }
  Object.assign(env, options.env);
  const cleanup = async () => {
    await dropDatabase();
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { env, dataDir, cleanup };
}

/** Starts a portal in this process on a free port with a fresh database. */
export async function startTestPortal(options: TestPortalOptions = {}): Promise<TestPortal> {
  const { env, cleanup } = await testPortalEnv(options);
  const config = AppConfig.load(env);
  const app = await createPortal(config);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  return {
    app,
    url,
    config,
    client: () => new HttpClient(url),
    async admin() {
      const client = new HttpClient(url);
      const response = await client.login('admin', ADMIN_PASSWORD);
      if (response.status !== 303) throw new Error(`admin login failed with ${response.status}`);
      return client;
    },
    async close() {
      await app.close();
      await cleanup();
    },
  };
}
