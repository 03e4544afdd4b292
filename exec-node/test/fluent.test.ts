import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';

import fluentLogger from 'fluent-logger';

import { ForwardServer, type ForwardEvent } from './support/forward-server.js';
import { newToken, removeDir, startNode } from './support/node-process.js';
import { PortalDouble } from './support/portal-double.js';
import { waitFor, waitForFinish } from './support/wait.js';

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const RECORD_FIELDS = ['attempt', 'executionId', 'jobId', 'line', 'node', 'runId', 'seq', 'stream', 'time'];

function linesOf(fluentd: ForwardServer, runId: string): ForwardEvent[] {
  return fluentd.events
    .filter((event) => event.record.runId === runId)
    .sort((a, b) => (a.record.seq as number) - (b.record.seq as number));
}

void describe('logs through fluentd', () => {
  void it('emits every line with the exact record shape and its seq', async () => {
    const fluentd = await new ForwardServer().start();
    const token = newToken();
    const portal = await new PortalDouble({ token }).start();
    const node = await startNode({
      token,
      env: {
        SC__EXECNODE__FLUENT__ENABLED: 'true',
        SC__EXECNODE__FLUENT__PORT: String(fluentd.port),
        SC__EXECNODE__FLUENT__TAG: 'meshcron',
        SC__EXECNODE__PORTALURL: portal.url,
      },
    });
    cleanups.push(async () => {
      await node.stop();
      await fluentd.stop();
      await portal.stop();
      removeDir(node.dir);
    });
    const count = 3000;
    await node.call('job.run', {
      runId: 'fl',
      attempt: 2,
      executionId: 'e-7',
      jobId: 'j-9',
      command: ['bash', '-c', `seq 1 ${count}; echo oops >&2`],
    });
    await waitForFinish(node, 'fl');
    const events = await waitFor(
      () => (linesOf(fluentd, 'fl').length === count + 1 ? linesOf(fluentd, 'fl') : undefined),
      10_000,
      'all lines at fluentd',
    );
    const first = events[0];
    assert.equal(first.tag, 'meshcron.log');
    assert.equal(first.mode, 'PackedForward');
    assert.deepEqual(Object.keys(first.record).sort(), RECORD_FIELDS);
    assert.deepEqual(
      { ...first.record, time: undefined },
      {
        runId: 'fl',
        executionId: 'e-7',
        jobId: 'j-9',
        attempt: 2,
        stream: 'stdout',
        seq: 2,
        line: '1',
        node: 'test-node',
        time: undefined,
      },
    );
    const stdout = events.filter((event) => event.record.stream === 'stdout');
    assert.deepEqual(
      stdout.map((event) => event.record.line),
      Array.from({ length: count }, (_, index) => String(index + 1)),
    );
    assert.deepEqual(
      events.map((event) => event.record.seq),
      Array.from({ length: count + 1 }, (_, index) => index + 2),
    );
    assert.equal(events.at(-1)?.record.stream, 'stderr');
    for (const event of events) {
      const time = event.record.time as string;
      assert.match(time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.ok(Math.abs(Date.parse(time) / 1000 - event.time) < 0.002, 'event time equals the record time');
    }
    await waitFor(() => portal.of('run.finished', 'fl').length === 1, 5000, 'run.finished');
    assert.equal(portal.of('run.log').length, 0, 'no run.log callbacks while fluentd carries the lines');
    const tail = portal.of('run.finished', 'fl')[0]?.tail as { line: string }[];
    assert.equal(tail.at(-1)?.line, 'oops', 'the journal keeps the tail');
  });

  void it('keeps running while fluentd is down and delivers again once it is back', async () => {
    const probe = await new ForwardServer().start();
    const port = probe.port;
    await probe.stop();
    const node = await startNode({
      env: {
        SC__EXECNODE__FLUENT__ENABLED: 'true',
        SC__EXECNODE__FLUENT__PORT: String(port),
        SC__EXECNODE__FLUENT__RECONNECTMS: '200',
      },
    });
    const fluentd = new ForwardServer();
    cleanups.push(async () => {
      await node.stop();
      await fluentd.stop();
      removeDir(node.dir);
    });
    await node.call('job.run', { runId: 'while-down', attempt: 1, command: ['seq', '1', '20000'] });
    assert.equal((await waitForFinish(node, 'while-down')).state, 'succeeded');
    await fluentd.start(port);
    await new Promise((resolve) => setTimeout(resolve, 400));
    await node.call('job.run', { runId: 'after', attempt: 1, command: ['seq', '1', '100'] });
    await waitFor(() => linesOf(fluentd, 'after').length === 100, 10_000, 'lines after fluentd came back');
    assert.match(node.log, /fluentd 127\.0\.0\.1:\d+ unavailable/);
    assert.equal((await fetch(`${node.url}/healthz`)).status, 200);
  });

  void it('decodes Message mode with ack, as fluent-logger sends it', async () => {
    const fluentd = await new ForwardServer().start();
    cleanups.push(() => fluentd.stop());
    const sender = fluentLogger.createFluentSender('test', {
      host: '127.0.0.1',
      port: fluentd.port,
      eventMode: 'Message',
      requireAckResponse: true,
    });
    await new Promise<void>((resolve, reject) =>
      sender.emit('one', { a: 1 }, (error?: Error) => (error === undefined ? resolve() : reject(error))),
    );
    sender.end('', undefined, () => undefined);
    assert.deepEqual(
      fluentd.events.map((event) => [event.tag, event.mode, event.record]),
      [['test.one', 'Message', { a: 1 }]],
    );
  });
});
