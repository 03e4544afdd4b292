import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';

import { newToken, removeDir, startNode, type NodeHandle } from './support/node-process.js';
import { PortalDouble, type ReceivedCall } from './support/portal-double.js';
import { waitFor } from './support/wait.js';

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function nodeWithPortal(holdMs?: number): Promise<{ n: NodeHandle; portal: PortalDouble }> {
  const token = newToken();
  const portal = await new PortalDouble({ token }).start();
  const n = await startNode({
    token,
    env: {
      SC__EXECNODE__PORTALURL: portal.url,
      SC__EXECNODE__HEARTBEATMS: '60000',
      ...(holdMs === undefined ? {} : { SC__EXECNODE__STARTEDHOLDMS: String(holdMs) }),
    },
  });
  cleanups.push(async () => {
    await n.stop();
    await portal.stop();
    removeDir(n.dir);
  });
  return { n, portal };
}

const event = (portal: PortalDouble, method: string, runId: string) =>
  waitFor(() => portal.calls.find((call) => call.method === method && call.params.runId === runId), 15_000, method);

void describe('run.started hold', () => {
  void it('sends a short job’s run.started and run.finished in one request', async () => {
    const { n, portal } = await nodeWithPortal();
    for (let i = 0; i < 5; i++) {
      await n.call('job.run', { runId: `short-${i}`, attempt: 1, command: ['true'] });
      const started = await event(portal, 'run.started', `short-${i}`);
      const finished = await event(portal, 'run.finished', `short-${i}`);
      assert.equal(started.request, finished.request, `short-${i}: one request for both events`);
    }
  });

  void it('sends a long job’s run.started on its own once the hold has passed', async () => {
    const { n, portal } = await nodeWithPortal(300);
    const { startedAt } = await n.call<{ startedAt: string }>('job.run', {
      runId: 'long',
      attempt: 1,
      command: ['sleep', '3'],
    });
    const started: ReceivedCall = await event(portal, 'run.started', 'long');
    const waited = started.receivedAt - Date.parse(startedAt);
    assert.ok(waited >= 280 && waited < 2500, `run.started arrived ${waited} ms after the start`);
    assert.equal(portal.of('run.finished', 'long').length, 0, 'the job is still running');
    await n.call('job.kill', { runId: 'long', attempt: 1 });
  });

  void it('sends run.started at once when the hold is 0, and a finish ends any hold', async () => {
    const { n, portal } = await nodeWithPortal(0);
    const { startedAt } = await n.call<{ startedAt: string }>('job.run', {
      runId: 'now',
      attempt: 1,
      command: ['sleep', '1'],
    });
    const started = await event(portal, 'run.started', 'now');
    assert.ok(started.receivedAt - Date.parse(startedAt) < 500, 'run.started was not held');
    const finished = await event(portal, 'run.finished', 'now');
    assert.notEqual(started.request, finished.request);

    const held = await nodeWithPortal(10_000);
    await held.n.call('job.run', { runId: 'quick', attempt: 1, command: ['sleep', '0.2'] });
    const quickStarted = await event(held.portal, 'run.started', 'quick');
    const quickFinished = await event(held.portal, 'run.finished', 'quick');
    assert.equal(quickStarted.request, quickFinished.request, 'the finish took the held start along');
  });
});
