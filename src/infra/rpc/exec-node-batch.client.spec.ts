import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { JobRunBatchClient } from './exec-node-batch.client.js';

/**
 * A bare HTTP/1.1 keep-alive server on a real socket that answers every job.run batch with a result,
 * announces `Keep-Alive: timeout=<hintSeconds>`, and resets a connection (TCP RST) instead of
 * answering its request number `resetOn` (1-based, per connection) — the way a node that closed an
 * idle socket looks to a client that reuses it.
 */
async function startNode(options: { hintSeconds: number; resetOn?: number }) {
  const stats = { connections: 0, requests: 0, resets: 0 };
  const server: Server = createServer((socket: Socket) => {
    stats.connections += 1;
    let served = 0;
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buffer.subarray(0, end).toString('latin1');
        const length = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (buffer.length < end + 4 + length) return;
        const body = buffer.subarray(end + 4, end + 4 + length).toString('utf8');
        buffer = buffer.subarray(end + 4 + length);
        served += 1;
        stats.requests += 1;
        if (served === options.resetOn) {
          stats.resets += 1;
          socket.resetAndDestroy();
          return;
        }
        const calls = JSON.parse(body) as { id: number; params: { runId: string } }[];
        const answer = JSON.stringify(
          calls.map((call) => ({
            jsonrpc: '2.0',
            id: call.id,
            result: { runId: call.params.runId, duplicate: false },
          })),
        );
        socket.write(
          'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: keep-alive\r\n' +
            `keep-alive: timeout=${options.hintSeconds}\r\ncontent-length: ${Buffer.byteLength(answer)}\r\n\r\n${answer}`,
        );
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { stats, address: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

const call = (runId: string) => ({ runId, attempt: 1, command: ['true'] });

describe('JobRunBatchClient keep-alive', () => {
  const closers: (() => unknown)[] = [];
  after(async () => {
    for (const close of closers.reverse()) await close();
  });

  it('sends a batch again on a fresh connection when its reused socket was reset', async () => {
    const node = await startNode({ hintSeconds: 60, resetOn: 2 });
    const client = new JobRunBatchClient({ address: node.address, token: 't' });
    closers.push(node.close, () => client.close());
    assert.deepEqual(await client.jobRuns([call('jr-1')]), [{ runId: 'jr-1', duplicate: false }]);
    // Second request on the kept-alive socket: the node resets it; the client resends once.
    assert.deepEqual(await client.jobRuns([call('jr-2'), call('jr-3')]), [
      { runId: 'jr-2', duplicate: false },
      { runId: 'jr-3', duplicate: false },
    ]);
    assert.deepEqual(node.stats, { connections: 2, requests: 3, resets: 1 });
  });

  it("drops an idle socket a second before the node's announced keep-alive timeout", async () => {
    const node = await startNode({ hintSeconds: 2 });
    const client = new JobRunBatchClient({ address: node.address, token: 't' });
    closers.push(node.close, () => client.close());
    await client.jobRuns([call('jr-1')]);
    await client.jobRuns([call('jr-2')]);
    assert.equal(node.stats.connections, 1, 'reused while fresh');
    await sleep(1500);
    await client.jobRuns([call('jr-3')]);
    assert.equal(node.stats.connections, 2, 'a new connection after 1.5 s idle (hint 2 s)');
  });

  it('reports a reset on a fresh connection as unreachable without resending', async () => {
    const node = await startNode({ hintSeconds: 60, resetOn: 1 });
    const client = new JobRunBatchClient({ address: node.address, token: 't' });
    closers.push(node.close, () => client.close());
    const [result] = await client.jobRuns([call('jr-1')]);
    assert.ok(result instanceof Error);
    assert.match(result.message, /cannot reach the exec node .*ECONNRESET/);
    assert.deepEqual(node.stats, { connections: 1, requests: 1, resets: 1 });
  });
});
