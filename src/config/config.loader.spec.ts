import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { AppConfig, ConfigError } from './app-config.js';
import { envName } from './config.loader.js';

function withFile(content: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'superconf-'));
  const path = join(dir, 'superconf.json');
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const load = (content: unknown, env: Record<string, string> = {}) =>
  AppConfig.load({ SUPERCONF: withFile(content), ...env });

function rejects(content: unknown, pattern: RegExp, env: Record<string, string> = {}) {
  assert.throws(
    () => load(content, env),
    (error: unknown) => error instanceof ConfigError && pattern.test(error.message) && !error.message.includes('\n'),
  );
}

describe('superconf loader', () => {
  it('loads the committed superconf.json as a working embedded default', () => {
    const config = AppConfig.load({ SUPERCONF: join(import.meta.dirname, '..', '..', '..', 'superconf.json') });
    assert.equal(config.values.database.type, 'sqlite');
    assert.equal(config.values.lock.driver, 'local');
    assert.equal(config.values.server.port, 8080);
  });

  it('names env variables after the key path', () => {
    assert.equal(envName('server.port'), 'SC__SERVER__PORT');
    assert.equal(envName('database.poolSize'), 'SC__DATABASE__POOLSIZE');
  });

  it('rejects an unknown key naming it', () =>
    rejects({ server: { prot: 1 } }, /^superconf: server\.prot: unknown key/));
  it('rejects a wrong type naming the key', () =>
    rejects(
      { server: { port: '8080' } },
      /^superconf: server\.port: expected an integer from 1 to 65535, got "8080"$/,
    ));
  it('rejects a bad port', () =>
    rejects({ server: { port: 70000 } }, /server\.port: expected an integer from 1 to 65535, got 70000/));
  it('rejects a bad enum value', () =>
    rejects({ lock: { driver: 'zookeeper' } }, /lock\.driver: expected one of local, mongo, redis/));
  it('rejects invalid JSON in one line', () => rejects('{ "server": ', /is not valid JSON/));
  it('rejects a section that is not an object', () => rejects({ server: 5 }, /server: expected an object/));
  it('refuses secrets written into the file', () =>
    rejects(
      { database: { password: 'hunter2' } },
      /database\.password: secrets may not be written in superconf\.json; set env SC__DATABASE__PASSWORD/,
    ));
  it('never echoes a secret in its error', () => {
    try {
      load({ database: { password: 'hunter2-secret' } });
      assert.fail('should throw');
    } catch (error) {
      assert.doesNotMatch((error as Error).message, /hunter2/);
    }
  });
  it('refuses cross-key nonsense', () =>
    rejects({ lock: { driver: 'mongo' } }, /lock\.driver: "mongo" needs mongo\.enabled=true/));
  it('rejects credentials inside the mongo URL', () =>
    rejects({ mongo: { url: 'mongodb://u:p@h/' } }, /mongo\.url: expected a mongodb:\/\/ URL without user:password@/));

  it('applies SC__ overrides with explicit conversion', () => {
    const config = load({}, { SC__SERVER__PORT: '9090', SC__SCHEDULE__ENABLED: 'false', SC__DATABASE__TYPE: 'mysql' });
    assert.equal(config.values.server.port, 9090);
    assert.equal(config.values.schedule.enabled, false);
    assert.equal(config.values.database.type, 'mysql');
  });
  it('rejects bad env values naming the key', () =>
    rejects({}, /server\.port: expected an integer/, { SC__SERVER__PORT: '80a' }));
  it('rejects an SC__ variable that names no key', () =>
    rejects({}, /env SC__SERVER__PROT: does not name a configuration key/, { SC__SERVER__PROT: '1' }));
  it('leaves the exec node section and its env to the exec node', () => {
    const config = load({ execNode: { anything: 1 } }, { SC__EXECNODE__PORT: '1' });
    assert.deepEqual(config.foreign.execNode, { anything: 1 });
  });
  it('takes the conventional shortcuts, with the explicit name winning', () => {
    const config = load({}, { PORT: '8123', DATA_DIR: '/tmp/mc', ADMIN_PASSWORD: 'from-env-123' });
    assert.equal(config.values.server.port, 8123);
    assert.equal(config.dataDir, '/tmp/mc');
    assert.equal(config.values.auth.adminPassword, 'from-env-123');
    assert.equal(load({}, { PORT: '8123', SC__SERVER__PORT: '8124' }).values.server.port, 8124);
  });
  it('reads secrets from env or from a file path', () => {
    const secretFile = withFile('s3cret-from-file\n');
    assert.equal(load({ database: { passwordFile: secretFile } }).values.database.password, 's3cret-from-file');
    assert.equal(load({}, { SC__DATABASE__PASSWORD: 'from-env' }).values.database.password, 'from-env');
    rejects(
      { database: { passwordFile: '/nonexistent/secret' } },
      /database\.passwordFile: cannot read secret file \(ENOENT\)/,
    );
  });
  it('fails when an explicit SUPERCONF path is missing', () => {
    assert.throws(
      () => AppConfig.load({ SUPERCONF: '/nonexistent/superconf.json' }),
      /cannot read \/nonexistent\/superconf\.json \(ENOENT\)/,
    );
  });
  it('computes the base URL', () => {
    assert.equal(load({ server: { host: '0.0.0.0', port: 81 } }).baseUrl, 'http://127.0.0.1:81');
    assert.equal(load({ server: { baseUrl: 'https://etl.example.com/' } }).baseUrl, 'https://etl.example.com');
  });
});
