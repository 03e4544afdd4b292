import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { SecretBox } from '../../src/infra/crypto/secret-box.js';
import type { HttpClient } from '../support/http-client.js';
import { startTestPortal, testDatabase, type TestPortal } from '../support/portal.js';
import { Definitions, ended, execution, waitFor } from './engine-fixtures.js';

const SHARED_TOKEN = 'shared-exec-token-0123456789';

interface RpcAnswer {
  id: number | null;
  result?: { ok: boolean; duplicate?: boolean };
  error?: { code: number; message: string };
}

/**
 * A stand-in exec node that accepts every job.run (batches) and job.kill (single requests), so the
 * test can play the node's callbacks itself.
 */
function fakeNode(): Promise<{
  server: Server;
  url: string;
  accepted: { runId: string; attempt: number }[];
  kills: { runId: string; attempt: number }[];
}> {
  const accepted: { runId: string; attempt: number }[] = [];
  const kills: { runId: string; attempt: number }[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      response.setHeader('content-type', 'application/json');
      const parsed = JSON.parse(body) as
        | { id: number; method: string; params: { runId: string; attempt: number } }
        | { id: number; method: string; params: { runId: string; attempt: number } }[];
      if (!Array.isArray(parsed)) {
        if (parsed.method === 'job.kill') kills.push({ runId: parsed.params.runId, attempt: parsed.params.attempt });
        response.end(
          JSON.stringify({ jsonrpc: '2.0', id: parsed.id, result: { state: 'succeeded', stopping: false } }),
        );
        return;
      }
      accepted.push(...parsed.map((call) => ({ runId: call.params.runId, attempt: call.params.attempt })));
      response.end(
        JSON.stringify(parsed.map((call) => ({ jsonrpc: '2.0', id: call.id, result: { state: 'running' } }))),
      );
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({ server, url: `http://127.0.0.1:${port}`, accepted, kills });
    }),
  );
}

describe(`exec node callbacks on POST /rpc/node (${testDatabase()})`, () => {
  let portal: TestPortal;
  let defs: Definitions;
  let admin: HttpClient;
  let node: Awaited<ReturnType<typeof fakeNode>>;

  const call = async (body: unknown, token: string | null = SHARED_TOKEN) => {
    const response = await fetch(`${portal.url}/rpc/node`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as RpcAnswer | RpcAnswer[]) : null };
  };
  const event = (id: number, method: string, params: Record<string, unknown>) => ({
    jsonrpc: '2.0',
    id,
    method,
    params: { nodeName: 'fake', seq: 1, ...params },
  });

  before(async () => {
    portal = await startTestPortal({ env: { SC__EXEC__TOKEN: SHARED_TOKEN } });
    defs = new Definitions(portal.app.get(DataSource), portal.app.get(SecretBox));
    admin = await portal.admin();
    node = await fakeNode();
    await defs.host('fake', node.url, 'own-token-of-the-fake-node', 4, ['etl']);
  });

  after(async () => {
    node?.server.close();
    await portal?.close();
  });

  it('refuses callers without a known token with 401 and answers protocol errors as JSON-RPC 2.0 says', async () => {
    assert.equal((await call([], null)).status, 401);
    assert.equal((await call([], 'not-a-known-token-at-all')).status, 401);
    assert.deepEqual((await call('{not json')).body, {
      jsonrpc: '2.0',
      id: null,
      error: { code: -32700, message: 'Parse error' },
    });
    assert.equal(((await call([])).body as RpcAnswer).error?.code, -32600);
    const [unknownMethod, badParams] = (
      await call([
        { jsonrpc: '2.0', id: 1, method: 'node.reboot' },
        event(2, 'run.started', { runId: 'jr-x', attempt: 0, pid: 1, startedAt: 'now' }),
      ])
    ).body as RpcAnswer[];
    assert.equal(unknownMethod.error?.code, -32601);
    assert.equal(badParams.error?.code, -32602);
    assert.match(badParams.error?.message ?? '', /attempt/);
    const unknown = (
      await call([
        event(3, 'run.started', { runId: 'jr-none', attempt: 1, pid: 1, startedAt: new Date().toISOString() }),
      ])
    ).body as RpcAnswer[];
    assert.equal(unknown[0].error?.code, -32011);
    const stranger = (
      await call([
        { jsonrpc: '2.0', id: 4, method: 'node.heartbeat', params: { nodeName: 'nobody', host: {}, runs: [] } },
      ])
    ).body as RpcAnswer[];
    assert.equal(stranger[0].error?.code, -32012);
  });

  it('applies a batch in order, acknowledges repeats without applying them twice, and fences other attempts', async () => {
    const register = await call([
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'node.register',
        params: { nodeName: 'fake', host: { slots: { total: 4 } }, runs: [] },
      },
    ]);
    assert.deepEqual((register.body as RpcAnswer[])[0].result, { ok: true });
    const iface = await defs.interface('rpc');
    const jobId = await defs.job(iface, 'played', 'true', { retryCount: 1, retryIntervalSeconds: 0 });
    const started = await admin.api('POST', `/api/jobs/${jobId}/run`, { dataDate: '2026-07-01' });
    const executionId = started.json<{ data: { executionId: number } }>().data.executionId;
    const { runId } = await waitFor('job.run at the fake node', 10_000, () =>
      Promise.resolve(node.accepted[0] ?? null),
    );
    const now = new Date().toISOString();
    const first = [
      event(10, 'run.started', { runId, attempt: 1, pid: 42, startedAt: now }),
      event(11, 'run.log', {
        runId,
        attempt: 1,
        seq: 2,
        lines: [{ seq: 2, stream: 'stdout', time: now, line: 'hello' }],
      }),
      event(12, 'run.finished', {
        runId,
        attempt: 1,
        seq: 3,
        state: 'failed',
        exitCode: 1,
        signal: null,
        error: 'exit code 1',
        startedAt: now,
        finishedAt: now,
        logBytes: 6,
        truncated: false,
        tail: [{ seq: 2, stream: 'stdout', line: 'hello' }],
      }),
    ];
    const answers = (await call(first.slice(0, 2))).body as RpcAnswer[];
    assert.deepEqual(
      answers.map((answer) => answer.result),
      [
        { ok: true, duplicate: false },
        { ok: true, duplicate: false },
      ],
    );
    const repeated = (await call(first.slice(0, 2))).body as RpcAnswer[];
    assert.deepEqual(
      repeated.map((answer) => answer.result?.duplicate),
      [true, false],
      'run.started is recognised as a repeat (log lines are stored once by their seq)',
    );
    assert.equal(((await call([first[2]])).body as RpcAnswer[])[0].result?.ok, true);
    const retried = await waitFor('the retry at the fake node', 10_000, () =>
      Promise.resolve(node.accepted.find((run) => run.attempt === 2)),
    );
    assert.equal(retried.runId, runId);
    const stale = (await call([event(13, 'run.finished', { ...first[2].params, seq: 4 })])).body as RpcAnswer[];
    assert.equal(stale[0].error?.code, -32010, 'an event of attempt 1 no longer applies');
    const info = await execution(admin, executionId);
    assert.deepEqual([info.runs[0].state, info.runs[0].attempt], ['dispatched', 2]);
    const log = await admin.api('GET', `/api/runs/${info.runs[0].id}/log?attempt=1`);
    assert.deepEqual(
      log.json<{ data: { line: string }[] }>().data.map((line) => line.line),
      ['hello'],
    );
    await call([
      event(20, 'run.finished', {
        ...first[2].params,
        attempt: 2,
        seq: 1,
        state: 'succeeded',
        exitCode: 0,
        error: null,
      }),
    ]);
    assert.equal((await ended(admin, executionId)).execution.state, 'succeeded');
  });
  it('stops a process of a replaced attempt but not one whose end overtook the heartbeat listing it', async () => {
    const iface = await defs.interface('listing');
    const jobId = await defs.job(iface, 'listed', 'true', { retryCount: 1, retryIntervalSeconds: 0 });
    const sentBefore = node.accepted.length;
    const started = await admin.api('POST', `/api/jobs/${jobId}/run`, { dataDate: '2026-07-02' });
    const executionId = started.json<{ data: { executionId: number } }>().data.executionId;
    const { runId } = await waitFor('job.run at the fake node', 10_000, () =>
      Promise.resolve(node.accepted.slice(sentBefore)[0] ?? null),
    );
    const now = new Date().toISOString();
    const finished = (seq: number, attempt: number, state: string) =>
      event(30 + seq, 'run.finished', {
        runId,
        attempt,
        seq,
        state,
        exitCode: state === 'succeeded' ? 0 : 1,
        signal: null,
        error: state === 'succeeded' ? null : 'exit code 1',
        startedAt: now,
        finishedAt: now,
        logBytes: 0,
        truncated: false,
        tail: [],
      });
    await call([finished(1, 1, 'failed')]);
    await waitFor('the retry at the fake node', 10_000, () =>
      Promise.resolve(node.accepted.find((run) => run.runId === runId && run.attempt === 2)),
    );
    await call([finished(2, 2, 'succeeded')]);
    assert.equal((await ended(admin, executionId)).execution.state, 'succeeded');
    // The node's list was taken before its report of attempt 2's end reached the portal.
    const heartbeat = (runs: { runId: string; attempt: number; state: string }[]) =>
      call([{ jsonrpc: '2.0', id: 40, method: 'node.heartbeat', params: { nodeName: 'fake', host: {}, runs } }]);
    await heartbeat([{ runId, attempt: 2, state: 'running' }]);
    assert.deepEqual(node.kills, [], 'an end reported a moment ago is not contradicted by an older list');
    await heartbeat([{ runId, attempt: 1, state: 'running' }]);
    assert.deepEqual(node.kills, [{ runId, attempt: 1 }], 'a process of the replaced attempt is stopped');
  });
});
