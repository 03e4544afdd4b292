import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { removeDir, startNode, type NodeHandle } from './support/node-process.js';
import { waitForFinish } from './support/wait.js';

interface Reply {
  jsonrpc: string;
  id: unknown;
  result?: unknown;
  error?: { code: number; message: string };
}

void describe('JSON-RPC 2.0 over HTTP against a real exec node', () => {
  let node: NodeHandle;

  before(async () => {
    node = await startNode({ env: { SC__EXECNODE__MAXBODYBYTES: '4096' } });
    await node.call('job.run', { runId: 'spec-run', attempt: 1, command: ['true'] });
    await waitForFinish(node, 'spec-run');
  });

  after(async () => {
    await node.stop();
    removeDir(node.dir);
  });

  void it('gives the same result for positional and named params', async () => {
    const positional = await node.post('{"jsonrpc": "2.0", "method": "job.kill", "params": ["spec-run", 1], "id": 1}');
    const named = await node.post(
      '{"jsonrpc": "2.0", "method": "job.kill", "params": {"attempt": 1, "runId": "spec-run"}, "id": 2}',
    );
    const first = positional.body as Reply;
    const second = named.body as Reply;
    assert.equal(first.id, 1);
    assert.equal(second.id, 2);
    assert.equal((first.result as { state: string }).state, 'succeeded');
    assert.deepEqual(first.result, second.result);
  });

  void it('runs a notification and answers 204 with no body', async () => {
    const reply = await node.post('{"jsonrpc": "2.0", "method": "node.drain"}');
    assert.equal(reply.status, 204);
    assert.equal(reply.text, '');
    assert.equal((await node.call<{ draining: boolean }>('host.info')).draining, true);
    assert.equal((await node.post('{"jsonrpc": "2.0", "method": "node.undrain"}')).status, 204);
    assert.equal((await node.post('{"jsonrpc": "2.0", "method": "foobar"}')).status, 204);
    assert.equal((await node.call<{ draining: boolean }>('host.info')).draining, false);
  });

  void it('answers a non-existent method with -32601', async () => {
    const reply = await node.post('{"jsonrpc": "2.0", "method": "foobar", "id": "1"}');
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.body, {
      jsonrpc: '2.0',
      error: { code: -32601, message: 'Method not found' },
      id: '1',
    });
  });

  void it('answers invalid JSON with -32700', async () => {
    const reply = await node.post('{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]');
    assert.deepEqual(reply.body, {
      jsonrpc: '2.0',
      error: { code: -32700, message: 'Parse error' },
      id: null,
    });
  });

  void it('answers an invalid Request object with -32600', async () => {
    const body = (await node.post('{"jsonrpc": "2.0", "method": 1, "params": "bar"}')).body as Reply;
    assert.equal(body.error?.code, -32600);
    assert.equal(body.id, null);
  });

  void it('answers a batch of invalid JSON with a single -32700', async () => {
    const text = '[ {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"}, {"jsonrpc": "2.0", "method" ]';
    assert.deepEqual((await node.post(text)).body, {
      jsonrpc: '2.0',
      error: { code: -32700, message: 'Parse error' },
      id: null,
    });
  });

  void it('answers an empty batch with a single -32600 object', async () => {
    const body = (await node.post('[]')).body as Reply;
    assert.ok(!Array.isArray(body));
    assert.equal(body.error?.code, -32600);
    assert.equal(body.id, null);
  });

  void it('answers invalid batches [1] and [1,2,3] with an array of -32600', async () => {
    const one = (await node.post('[1]')).body as Reply[];
    assert.ok(Array.isArray(one));
    assert.deepEqual(
      one.map((r) => [r.error?.code, r.id]),
      [[-32600, null]],
    );
    const three = (await node.post('[1,2,3]')).body as Reply[];
    assert.deepEqual(
      three.map((r) => [r.error?.code, r.id]),
      [
        [-32600, null],
        [-32600, null],
        [-32600, null],
      ],
    );
  });

  void it('answers a mixed batch per call, skipping the notification', async () => {
    const batch = `[
      {"jsonrpc": "2.0", "method": "job.list", "params": ["spec-run"], "id": "1"},
      {"jsonrpc": "2.0", "method": "host.info", "params": [7]},
      {"jsonrpc": "2.0", "method": "host.info", "id": "2"},
      {"foo": "boo"},
      {"jsonrpc": "2.0", "method": "foo.get", "params": {"name": "myself"}, "id": "5"},
      {"jsonrpc": "2.0", "method": "job.kill", "params": {"runId": "spec-run"}, "id": "9"}
    ]`;
    const replies = (await node.post(batch)).body as Reply[];
    assert.deepEqual(
      replies.map((r) => [r.id, r.error?.code ?? 'result']),
      [
        ['1', 'result'],
        ['2', 'result'],
        [null, -32600],
        ['5', -32601],
        ['9', 'result'],
      ],
    );
    assert.equal((replies[0]?.result as { runs: unknown[] }).runs.length, 1);
    assert.equal((replies[1]?.result as { nodeName: string }).nodeName, 'test-node');
  });

  void it('answers an all-notification batch with 204 and no body', async () => {
    const reply = await node.post(
      '[{"jsonrpc": "2.0", "method": "notify_sum", "params": [1,2,4]}, {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]}]',
    );
    assert.equal(reply.status, 204);
    assert.equal(reply.text, '');
  });

  void it('refuses a missing or wrong token with 401 and starts nothing', async () => {
    const marker = join(node.dir, 'should-not-exist');
    const body = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'job.run',
      params: { runId: 'intruder', attempt: 1, command: ['touch', marker] },
    });
    assert.equal((await node.post(body, {})).status, 401);
    assert.equal((await node.post(body, { authorization: `Bearer ${node.token}x` })).status, 401);
    assert.equal((await node.post(body, { authorization: `Basic ${node.token}` })).status, 401);
    assert.equal((await node.post(body, { authorization: 'Bearer ' })).status, 401);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(existsSync(marker), false);
    const { runs } = await node.call<{ runs: unknown[] }>('job.list', { runId: 'intruder' });
    assert.equal(runs.length, 0);
  });

  void it('refuses a body over maxBodyBytes with 413 and a clear message', async () => {
    const big = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'job.list',
      params: { runId: 'x'.repeat(8000) },
    });
    const reply = await node.post(big);
    assert.equal(reply.status, 413);
    assert.match((reply.body as Reply).error?.message ?? '', /larger than 4096 bytes/);
  });

  void it('answers GET /healthz without auth', async () => {
    const response = await fetch(`${node.url}/healthz`);
    assert.equal(response.status, 200);
    const body = (await response.json()) as { status: string; name: string };
    assert.equal(body.status, 'ok');
    assert.equal(body.name, 'test-node');
  });

  void it('names the field in -32602 errors', async () => {
    const cases: [unknown, RegExp][] = [
      [{ attempt: 1, command: ['true'] }, /runId/],
      [{ runId: 'v', attempt: 0, command: ['true'] }, /attempt/],
      [{ runId: 'v', attempt: 1, command: [] }, /command/],
      [{ runId: 'v', attempt: 1, command: ['true'], env: { A: 1 } }, /env\.A/],
      [{ runId: 'v', attempt: 1, command: ['true'], params: [{ name: 'x' }] }, /params\[0\]\.value/],
      [{ runId: 'v', attempt: 1, command: ['true'], timeoutMs: 'soon' }, /timeoutMs/],
      [{ runId: 'v', attempt: 1, command: ['true'], successExitCodes: [300] }, /successExitCodes\[0\]/],
      [{ runId: 'v', attempt: 1, command: ['true'], cwd: 'relative' }, /cwd/],
      [{ runId: 'v', attempt: 1, command: ['true'], colour: 'red' }, /colour/],
    ];
    for (const [params, field] of cases) {
      await assert.rejects(node.call('job.run', params), (error: Error & { code?: number }) => {
        assert.equal(error.code, -32602);
        assert.match(error.message, field);
        return true;
      });
    }
    const { runs } = await node.call<{ runs: unknown[] }>('job.list', { runId: 'v' });
    assert.equal(runs.length, 0);
  });
});
