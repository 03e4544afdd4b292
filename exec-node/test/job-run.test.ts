import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';

import { removeDir, startNode, type NodeHandle } from './support/node-process.js';
import { getRun, waitFor, waitForFinish } from './support/wait.js';

const started: NodeHandle[] = [];

async function node(env: Record<string, string> = {}): Promise<NodeHandle> {
  const handle = await startNode({ env });
  started.push(handle);
  return handle;
}

afterEach(async () => {
  for (const handle of started.splice(0)) {
    await handle.stop();
    removeDir(handle.dir);
  }
});

function expectCode(code: number): (error: Error & { code?: number }) => boolean {
  return (error) => {
    assert.equal(error.code, code, error.message);
    return true;
  };
}

void describe('job.run', () => {
  void it('maps exit codes and signals to final states', async () => {
    const n = await node();
    await n.call('job.run', { runId: 'ok', attempt: 1, command: ['bash', '-c', 'exit 0'] });
    await n.call('job.run', { runId: 'three', attempt: 1, command: ['bash', '-c', 'exit 3'] });
    await n.call('job.run', {
      runId: 'three-ok',
      attempt: 1,
      command: ['bash', '-c', 'exit 3'],
      successExitCodes: [0, 3],
    });
    await n.call('job.run', { runId: 'signal', attempt: 1, command: ['bash', '-c', 'kill -9 $$'] });
    const ok = await waitForFinish(n, 'ok');
    assert.deepEqual([ok.state, ok.exitCode], ['succeeded', 0]);
    const three = await waitForFinish(n, 'three');
    assert.deepEqual([three.state, three.exitCode, three.error], ['failed', 3, 'exit code 3']);
    assert.equal((await waitForFinish(n, 'three-ok')).state, 'succeeded');
    const signal = await waitForFinish(n, 'signal');
    assert.deepEqual([signal.state, signal.exitCode, signal.signal], ['failed', null, 'SIGKILL']);
  });

  void it('passes params as separate argv and env values, never through a shell', async () => {
    const n = await node();
    const out = join(n.dir, 'seen.json');
    const pwned = join(n.dir, 'pwned');
    const values = ['; rm -rf /', `it's "quoted"`, `$(touch ${pwned})`, '`touch ' + pwned + '`', 'a b\tc', ''];
    const params = values.map((value, index) => ({ name: `p${index}`, value }));
    const program =
      'require("fs").writeFileSync(process.env.OUT, JSON.stringify({ argv: process.argv.slice(1), env: process.env }))';
    await n.call('job.run', {
      runId: 'params',
      attempt: 1,
      command: [process.execPath, '-e', program],
      params,
      env: { OUT: out },
    });
    assert.equal((await waitForFinish(n, 'params')).state, 'succeeded');
    const seen = JSON.parse(readFileSync(out, 'utf8')) as { argv: string[]; env: Record<string, string> };
    assert.deepEqual(seen.argv, values);
    values.forEach((value, index) => assert.equal(seen.env[`MC_PARAM_P${index}`], value));
    assert.equal(seen.env.MC_RUN_ID, 'params');
    assert.equal(seen.env.MC_ATTEMPT, '1');
    assert.equal(existsSync(pwned), false);
    assert.equal(seen.env.EXEC_NODE_TOKEN, undefined, 'the node token must not reach jobs');
    assert.ok(!JSON.stringify(seen.env).includes(n.token), 'the node token must not reach jobs');
  });

  void it('passes params to a script after the script path', async () => {
    const n = await node();
    const out = join(n.dir, 'script-args.txt');
    const params = [
      { name: 'first', value: '; rm -rf /' },
      { name: 'second', value: '$(id)' },
    ];
    const command = { script: 'printf "%s\\n" "$@" "$MC_PARAM_SECOND" > "$OUT"', interpreter: 'bash' };
    await n.call('job.run', { runId: 'script', attempt: 1, command, params, env: { OUT: out } });
    assert.equal((await waitForFinish(n, 'script')).state, 'succeeded');
    assert.equal(readFileSync(out, 'utf8'), '; rm -rf /\n$(id)\n$(id)\n');
  });

  void it('is idempotent on (runId, attempt): a repeat returns the existing run', async () => {
    const n = await node();
    const counter = join(n.dir, 'count');
    const command = ['bash', '-c', `echo x >> ${counter}; sleep 0.5`];
    const first = await n.call<{ pid: number; duplicate: boolean }>('job.run', {
      runId: 'once',
      attempt: 1,
      command,
    });
    const again = await n.call<{ pid: number; duplicate: boolean; state: string }>('job.run', {
      runId: 'once',
      attempt: 1,
      command,
    });
    assert.equal(first.duplicate, false);
    assert.equal(again.duplicate, true);
    assert.equal(again.pid, first.pid);
    assert.equal((await waitForFinish(n, 'once')).state, 'succeeded');
    const after = await n.call<{ duplicate: boolean; state: string }>('job.run', {
      runId: 'once',
      attempt: 1,
      command,
    });
    assert.deepEqual([after.duplicate, after.state], [true, 'succeeded']);
    assert.equal(readFileSync(counter, 'utf8'), 'x\n');
    await n.call('job.run', { runId: 'once', attempt: 2, command });
    assert.equal((await waitForFinish(n, 'once')).attempt, 2);
    assert.equal(readFileSync(counter, 'utf8'), 'x\nx\n');
  });

  void it('answers NO_SLOT (-32001) when all slots are busy', async () => {
    const n = await node({ SC__EXECNODE__SLOTS: '1' });
    await n.call('job.run', { runId: 'busy', attempt: 1, command: ['sleep', '30'] });
    await assert.rejects(n.call('job.run', { runId: 'second', attempt: 1, command: ['true'] }), expectCode(-32001));
    assert.equal(await getRun(n, 'second'), undefined);
    await n.call('job.kill', { runId: 'busy' });
    await waitForFinish(n, 'busy');
    await n.call('job.run', { runId: 'second', attempt: 1, command: ['true'] });
    assert.equal((await waitForFinish(n, 'second')).state, 'succeeded');
  });

  void it('answers DRAINING (-32002) while draining and lets current runs finish', async () => {
    const n = await node();
    await n.call('job.run', { runId: 'current', attempt: 1, command: ['sleep', '0.4'] });
    assert.deepEqual(await n.call('node.drain'), { draining: true, running: 1 });
    await assert.rejects(n.call('job.run', { runId: 'new', attempt: 1, command: ['true'] }), expectCode(-32002));
    assert.equal((await waitForFinish(n, 'current')).state, 'succeeded');
    const health = (await (await fetch(`${n.url}/healthz`)).json()) as { draining: boolean };
    assert.equal(health.draining, true);
    await n.call('node.undrain');
    await n.call('job.run', { runId: 'new', attempt: 1, command: ['true'] });
    assert.equal((await waitForFinish(n, 'new')).state, 'succeeded');
  });

  void it('ends a run that exceeds timeoutMs as timed_out', async () => {
    const n = await node();
    await n.call('job.run', { runId: 'slow', attempt: 1, command: ['sleep', '30'], timeoutMs: 300 });
    const run = await waitForFinish(n, 'slow');
    assert.equal(run.state, 'timed_out');
    assert.equal(run.signal, 'SIGTERM');
  });

  void it('fails runs that cannot start, with a clear reason, and keeps serving', async () => {
    const n = await node();
    const missing = await n.call<{ state: string; error: string }>('job.run', {
      runId: 'enoent',
      attempt: 1,
      command: ['/no/such/program'],
    });
    assert.equal(missing.state, 'failed');
    assert.match(missing.error, /cannot start \/no\/such\/program: .*ENOENT/);
    const badCwd = await n.call<{ state: string; error: string }>('job.run', {
      runId: 'cwd',
      attempt: 1,
      command: ['true'],
      cwd: '/no/such/dir',
    });
    assert.equal(badCwd.state, 'failed');
    assert.match(badCwd.error, /working directory \/no\/such\/dir/);
    await n.call('job.run', { runId: 'after', attempt: 1, command: ['true'] });
    assert.equal((await waitForFinish(n, 'after')).state, 'succeeded');
  });

  void it('restricts cwd to allowedWorkDirs when configured', async () => {
    const n = await node({
      SC__EXECNODE__ALLOWEDWORKDIRS: '/tmp/meshcron-allowed-a:/tmp/meshcron-allowed-b',
    });
    mkdirSync('/tmp/meshcron-allowed-a/sub', { recursive: true });
    await assert.rejects(
      n.call('job.run', { runId: 'x', attempt: 1, command: ['true'], cwd: '/etc' }),
      expectCode(-32602),
    );
    await assert.rejects(
      n.call('job.run', { runId: 'x', attempt: 1, command: ['true'], cwd: '/tmp/meshcron-allowed-a/../x' }),
      expectCode(-32602),
    );
    await assert.rejects(n.call('job.run', { runId: 'x', attempt: 1, command: ['true'] }), expectCode(-32602));
    await n.call('job.run', { runId: 'x', attempt: 1, command: ['pwd'], cwd: '/tmp/meshcron-allowed-a/sub' });
    assert.equal((await waitForFinish(n, 'x')).state, 'succeeded');
    removeDir('/tmp/meshcron-allowed-a');
  });

  void it('answers RUN_NOT_FOUND (-32004) for job.kill of an unknown run', async () => {
    const n = await node();
    await assert.rejects(n.call('job.kill', { runId: 'ghost' }), expectCode(-32004));
    await waitFor(async () => (await n.call<{ slots: { used: number } }>('host.info')).slots.used === 0);
  });
});
