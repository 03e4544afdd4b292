import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { afterEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { PortalClient } from '../src/portal-client.js';

const cleanups: (() => unknown)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * A bare HTTP/1.1 keep-alive portal on a real socket: answers every JSON-RPC batch with results,
 * announces `Keep-Alive: timeout=<hintSeconds>`, and resets the connection (TCP RST) instead of
 * answering its request number `resetOn` (per connection), as a portal that closed an idle socket
 * looks to a node that reuses it.
 */
async function startPortal(options: { hintSeconds: number; resetOn?: number }) {
  const stats = { connections: 0, requests: 0, resets: 0 };
  const server = createServer((socket: Socket) => {
    stats.connections += 1;
    let served = 0;
    let buffer = Buffer.alloc(0);
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        const length = Number(/content-length: *(\d+)/i.exec(buffer.subarray(0, end).toString('latin1'))?.[1] ?? 0);
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
        const answer = JSON.stringify(
          (JSON.parse(body) as { id: number }[]).map((item) => ({ jsonrpc: '2.0', id: item.id, result: { ok: true } })),
        );
        socket.write(
          'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: keep-alive\r\n' +
            `keep-alive: timeout=${options.hintSeconds}\r\ncontent-length: ${Buffer.byteLength(answer)}\r\n\r\n${answer}`,
        );
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return { stats, url: `http://127.0.0.1:${port}` };
}

const event = (id: number) => ({ jsonrpc: '2.0' as const, id, method: 'run.log', params: { runId: 'jr-1' } });

describe('PortalClient keep-alive', () => {
  it('sends a batch again on a fresh connection when its reused socket was reset', async () => {
    const portal = await startPortal({ hintSeconds: 60, resetOn: 2 });
    const client = new PortalClient(portal.url, 'token');
    cleanups.push(() => client.close());
    assert.equal((await client.send([event(1)])).get(1)?.ok, true);
    const second = await client.send([event(2), event(3)]);
    assert.deepEqual([second.get(2)?.ok, second.get(3)?.ok], [true, true]);
    assert.deepEqual(portal.stats, { connections: 2, requests: 3, resets: 1 });
  });

  it("drops an idle socket a second before the portal's announced keep-alive timeout", async () => {
    const portal = await startPortal({ hintSeconds: 2 });
    const client = new PortalClient(portal.url, 'token');
    cleanups.push(() => client.close());
    await client.send([event(1)]);
    await client.send([event(2)]);
    assert.equal(portal.stats.connections, 1, 'reused while fresh');
    await sleep(1500);
    await client.send([event(3)]);
    assert.equal(portal.stats.connections, 2, 'a new connection after 1.5 s idle (hint 2 s)');
  });

  it('reports a reset on a fresh connection without resending', async () => {
    const portal = await startPortal({ hintSeconds: 60, resetOn: 1 });
    const client = new PortalClient(portal.url, 'token');
    cleanups.push(() => client.close());
    await assert.rejects(client.send([event(1)]), /portal unreachable: ECONNRESET/);
    assert.deepEqual(portal.stats, { connections: 1, requests: 1, resets: 1 });
  });
});
