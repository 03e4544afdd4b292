import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const MAIN = join(import.meta.dirname, '..', '..', 'src', 'main.js');

function startWith(config: unknown, env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'meshcron-conf-'));
  const path = join(dir, 'superconf.json');
  writeFileSync(path, JSON.stringify(config));
  return spawnSync(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH, SUPERCONF: path, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
}

describe('portal start-up with a bad superconf.json', () => {
  for (const [name, config, pattern] of [
    ['an unknown key', { server: { hots: 'x' } }, /^superconf: server\.hots: unknown key/],
    [
      'a wrong type',
      { schedule: { enabled: 'yes' } },
      /^superconf: schedule\.enabled: expected true or false, got "yes"$/,
    ],
    ['a bad port', { server: { port: 0 } }, /^superconf: server\.port: expected an integer from 1 to 65535, got 0$/],
  ] as const) {
    it(`exits non-zero with one line naming ${name}`, () => {
      const result = startWith(config);
      assert.equal(result.status, 2);
      const lines = result.stderr.trim().split('\n');
      assert.equal(lines.length, 1, result.stderr);
      assert.match(lines[0], pattern);
    });
  }

  it('names a bad environment override the same way', () => {
    const result = startWith({}, { SC__SERVER__PORT: 'eighty' });
    assert.equal(result.status, 2);
    assert.match(result.stderr.trim(), /^superconf: server\.port: expected an integer from 1 to 65535, got "eighty"$/);
  });
});
