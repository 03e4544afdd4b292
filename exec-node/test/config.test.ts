import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';

import { newToken, nodeEnv, removeDir, runNodeToExit, startNode, tempDir } from './support/node-process.js';
import { waitFor, waitForFinish } from './support/wait.js';

const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) removeDir(dir);
});

function dir(): string {
  const created = tempDir();
  dirs.push(created);
  return created;
}

/** Starts the node with a bad setting and expects exit code 2 with one stderr line matching `pattern`. */
async function expectRefusal(env: Record<string, string>, pattern: RegExp, superconf?: unknown): Promise<string> {
  const cwd = dir();
  if (superconf !== undefined) writeFileSync(join(cwd, 'superconf.json'), JSON.stringify(superconf));
  const base = nodeEnv(cwd, newToken());
  const result = await runNodeToExit(cwd, { ...base, ...env });
  assert.equal(result.code, 2, `exit code (stderr: ${result.stderr})`);
  const lines = result.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line expected, got: ${result.stderr}`);
  assert.match(lines[0] ?? '', pattern);
  return result.stderr + result.stdout;
}

void describe('configuration', () => {
  void it('refuses to start without a token', async () => {
    await expectRefusal({ EXEC_NODE_TOKEN: '' }, /execNode\.token: required/);
  });

  void it('names an unknown key in superconf.json', async () => {
    await expectRefusal({}, /execNode\.colour: unknown key/, { execNode: { colour: 'blue' } });
    await expectRefusal({}, /execNode\.fluent\.colour: unknown key/, {
      execNode: { fluent: { colour: 'blue' } },
    });
  });

  void it('names an unknown SC__EXECNODE__ variable', async () => {
    await expectRefusal({ SC__EXECNODE__COLOUR: 'blue' }, /SC__EXECNODE__COLOUR: unknown key/);
  });

  void it('names a key with the wrong type and says what was expected', async () => {
    await expectRefusal({}, /execNode\.slots: expected an integer 1-10000, got "four"/, {
      execNode: { slots: 'four' },
    });
    await expectRefusal(
      { SC__EXECNODE__FLUENT__ENABLED: 'yes' },
      /execNode\.fluent\.enabled: expected a boolean .*SC__EXECNODE__FLUENT__ENABLED/,
    );
    await expectRefusal({}, /execNode\.portalUrl: expected an http\(s\) URL/, {
      execNode: { portalUrl: 'ftp://portal' },
    });
  });

  void it('refuses a bad port from any source', async () => {
    await expectRefusal(
      { SC__EXECNODE__PORT: '70000' },
      /execNode\.port: expected an integer 0-65535, got "70000" \(from SC__EXECNODE__PORT\)/,
    );
    await expectRefusal({ EXEC_NODE_PORT: 'http' }, /execNode\.port: expected an integer 0-65535.*EXEC_NODE_PORT/);
    await expectRefusal({ EXEC_NODE_PORT: '' }, /execNode\.port: expected an integer 0-65535, got -1/, {
      execNode: { port: -1 },
    });
  });

  void it('refuses secrets written inline in superconf.json without printing them', async () => {
    const secret = 'inline-secret-value-123456';
    const output = await expectRefusal({}, /execNode\.token: secrets may not be written inline/, {
      execNode: { token: secret },
    });
    assert.ok(!output.includes(secret));
    await expectRefusal({}, /execNode\.portalToken: secrets may not be written inline/, {
      execNode: { portalToken: secret },
    });
  });

  void it('refuses a short token without printing it', async () => {
    const output = await expectRefusal(
      { EXEC_NODE_TOKEN: 'short-token' },
      /execNode\.token: expected at least 16 characters/,
    );
    assert.ok(!output.includes('short-token'));
  });

  void it('refuses an unreadable token file', async () => {
    await expectRefusal(
      { EXEC_NODE_TOKEN: '', SC__EXECNODE__TOKENFILE: '/no/such/token' },
      /execNode\.tokenFile: cannot read \/no\/such\/token \(ENOENT\)/,
    );
  });

  void it('reads the token from tokenFile and never prints it', async () => {
    const cwd = dir();
    const token = newToken();
    writeFileSync(join(cwd, 'token'), `${token}\n`, { mode: 0o600 });
    const node = await startNode({
      dir: cwd,
      token: 'unused-because-empty',
      env: { EXEC_NODE_TOKEN: '' },
      superconf: { execNode: { tokenFile: 'token' } },
    });
    try {
      const ok = await node.post(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'host.info' }), {
        authorization: `Bearer ${token}`,
      });
      assert.equal(ok.status, 200);
      assert.equal((await node.post('{}', { authorization: 'Bearer unused-because-empty' })).status, 401);
    } finally {
      await node.stop();
    }
    assert.ok(!node.log.includes(token));
  });

  void it('takes every setting from env alone, env winning over superconf.json', async () => {
    const node = await startNode({
      env: { SC__EXECNODE__SLOTS: '3', SC__EXECNODE__NAME: 'from-env', SC__EXECNODE__FLUENT__TAG: 'x' },
      superconf: { server: { port: 1 }, execNode: { slots: 9, name: 'from-file' } },
    });
    dirs.push(node.dir);
    try {
      const info = await node.call<{ slots: { total: number }; nodeName: string }>('host.info');
      assert.deepEqual([info.slots.total, info.nodeName], [3, 'from-env']);
    } finally {
      await node.stop();
    }
  });

  void it('writes the lines of logLevel and above; its own start and stop at every level', async () => {
    const runOne = async (level: string) => {
      const node = await startNode({ env: { SC__EXECNODE__LOGLEVEL: level } });
      dirs.push(node.dir);
      try {
        await node.call('job.run', { runId: `quiet-${level}`, attempt: 1, command: ['true'] });
        assert.equal((await waitForFinish(node, `quiet-${level}`)).state, 'succeeded');
        if (level !== 'warn') await waitFor(() => node.log.includes('succeeded after'), 5000, 'the run line');
      } finally {
        await node.stop();
      }
      return node.log;
    };
    const debug = await runOne('debug');
    assert.match(debug, /DEBUG \[exec-node\.runner\] run quiet-debug#1: started pid \d+/);
    assert.match(debug, /INFO \[exec-node\.runner\] run quiet-debug#1: pid \d+ succeeded after/);
    const warn = await runOne('warn');
    assert.doesNotMatch(warn, /quiet-warn/, 'no line per run below warn');
    assert.match(warn, /NOTICE \[exec-node\] exec node .* listening on http:\/\/127\.0\.0\.1:\d+/);
    assert.match(warn, /NOTICE \[exec-node\] stopped/);
    await expectRefusal(
      { SC__EXECNODE__LOGLEVEL: 'loud' },
      /execNode\.logLevel: expected one of debug, info, warn, error, got "loud" \(from SC__EXECNODE__LOGLEVEL\)/,
    );
    await expectRefusal({}, /execNode\.logLevel: expected one of debug, info, warn, error, got 2/, {
      execNode: { logLevel: 2 },
    });
  });

  void it('reads superconf.json from the SUPERCONF path', async () => {
    const cwd = dir();
    const file = join(cwd, 'elsewhere.json');
    writeFileSync(file, JSON.stringify({ execNode: { slots: 7 } }));
    const node = await startNode({ dir: cwd, env: { SUPERCONF: file } });
    try {
      assert.equal((await node.call<{ slots: { total: number } }>('host.info')).slots.total, 7);
    } finally {
      await node.stop();
    }
    await expectRefusal({ SUPERCONF: join(cwd, 'missing.json') }, /SUPERCONF: file .*missing\.json does not exist/);
  });
});
