import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';

import { newToken, removeDir, startNode, tempDir, type NodeHandle } from './support/node-process.js';
import { PortalDouble } from './support/portal-double.js';
import { getRun, groupGone, liveMembers, waitFor, waitForFinish } from './support/wait.js';

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function portalEnv(portal: PortalDouble): Record<string, string> {
  return {
    SC__EXECNODE__PORTALURL: portal.url,
    SC__EXECNODE__RETRYMAXMS: '300',
    SC__EXECNODE__HEARTBEATMS: '200',
  };
}

async function outboxEmpty(node: NodeHandle): Promise<boolean> {
  return (await node.call<{ outboxPending: number }>('host.info')).outboxPending === 0;
}

void describe('crash survival and delivery to the portal', () => {
  void it('after kill -9 and restart: reports the run lost once, drains the outbox, kills the orphans', async () => {
    const token = newToken();
    const dir = tempDir();
    const portal = await new PortalDouble({ token, failFirst: 3 }).start();
    let node = await startNode({ dir, token, env: portalEnv(portal) });
    cleanups.push(async () => {
      await node.stop();
      await portal.stop();
      removeDir(dir);
    });
    portal.failAll = true;
    await node.call('job.run', {
      runId: 'done-before-crash',
      attempt: 1,
      command: ['bash', '-c', 'echo finished ok'],
    });
    await waitForFinish(node, 'done-before-crash');
    await node.call('job.run', {
      runId: 'victim',
      attempt: 1,
      command: ['bash', '-c', 'echo started; sleep 100 & sleep 100 & wait'],
    });
    const pgid = (await getRun(node, 'victim'))?.pgid as number;
    await waitFor(() => liveMembers(pgid).length === 3, 5000, 'job processes');
    await new Promise((resolve) => setTimeout(resolve, 200)); // let the output batch reach the journal
    await node.kill9();
    assert.equal(liveMembers(pgid).length, 3, 'the job outlives the killed node');

    node = await startNode({ dir, token, env: portalEnv(portal) });
    await waitFor(() => groupGone(pgid), 5000, 'orphaned group to be killed');
    const victim = await waitForFinish(node, 'victim');
    assert.equal(victim.state, 'lost');
    assert.match(victim.error ?? '', /restarted/);
    portal.failAll = false;
    await waitFor(() => outboxEmpty(node), 15_000, 'the outbox to drain');

    const finished = portal.unique('run.finished');
    assert.deepEqual(finished.map((event) => [event.runId, event.state]).sort(), [
      ['done-before-crash', 'succeeded'],
      ['victim', 'lost'],
    ]);
    const lost = finished.find((event) => event.runId === 'victim') as { tail: { line: string }[] };
    assert.ok(
      lost.tail.some((line) => line.line === 'started'),
      'the lost report carries the last known output',
    );
    assert.equal(portal.unique('run.started').length, 2);
    assert.ok(
      portal
        .unique('run.log')
        .some((event) => (event.lines as { line: string }[]).some((line) => line.line === 'finished ok')),
    );
    assert.equal(portal.unauthorized, 0);
    await waitFor(
      () => portal.of('node.register').length >= 1 && portal.of('node.heartbeat').length > 0,
      5000,
      'register and heartbeat',
    );
  });

  void it('on SIGTERM ends active runs as lost, reports them and exits 0', async () => {
    const token = newToken();
    const portal = await new PortalDouble({ token }).start();
    const node = await startNode({ token, env: portalEnv(portal) });
    cleanups.push(async () => {
      await portal.stop();
      removeDir(node.dir);
    });
    await node.call('job.run', {
      runId: 'interrupted',
      attempt: 1,
      command: ['bash', '-c', 'sleep 100 & wait'],
    });
    const pgid = (await getRun(node, 'interrupted'))?.pgid as number;
    await waitFor(() => liveMembers(pgid).length === 2, 5000, 'job processes');
    assert.equal(await node.stop(), 0);
    assert.ok(groupGone(pgid), 'no process of the run survives the node');
    const finished = portal.of('run.finished', 'interrupted');
    assert.equal(finished.length, 1, 'delivered during shutdown');
    assert.equal(finished[0]?.state, 'lost');
  });

  void it('does not report a run again after a clean restart', async () => {
    const token = newToken();
    const dir = tempDir();
    const portal = await new PortalDouble({ token }).start();
    let node = await startNode({ dir, token, env: portalEnv(portal) });
    cleanups.push(async () => {
      await node.stop();
      await portal.stop();
      removeDir(dir);
    });
    await node.call('job.run', { runId: 'one', attempt: 1, command: ['true'] });
    await waitFor(() => portal.of('run.finished', 'one').length === 1);
    await waitFor(() => outboxEmpty(node));
    assert.equal(await node.stop(), 0);
    node = await startNode({ dir, token, env: portalEnv(portal) });
    await waitFor(() => portal.of('node.register').length === 2, 5000, 'second registration');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(portal.of('run.finished', 'one').length, 1);
    assert.equal((await getRun(node, 'one'))?.state, 'succeeded');
  });

  void it('drops events the portal rejects as stale and keeps delivering the rest', async () => {
    const token = newToken();
    const portal = await new PortalDouble({
      token,
      errorFor: (call) => (call.params.attempt === 1 ? { code: -32010, message: 'stale attempt' } : undefined),
    }).start();
    const node = await startNode({ token, env: portalEnv(portal) });
    cleanups.push(async () => {
      await node.stop();
      await portal.stop();
      removeDir(node.dir);
    });
    await node.call('job.run', { runId: 'fenced', attempt: 1, command: ['bash', '-c', 'echo old'] });
    await node.call('job.run', { runId: 'fenced', attempt: 2, command: ['bash', '-c', 'echo new'] });
    await waitFor(() => outboxEmpty(node), 10_000, 'the outbox to drain');
    assert.equal(
      portal.of('run.finished').filter((event) => event.attempt === 1).length,
      1,
      'a rejected event is not retried',
    );
    assert.equal(portal.of('run.finished').filter((event) => event.attempt === 2).length, 1);
    assert.match(node.log, /rejected run\.finished for run fenced#1 seq \d+ permanently \(-32010/);
  });

  void it('retries transient errors with back-off until the portal accepts', async () => {
    const token = newToken();
    let refusals = 0;
    const portal = await new PortalDouble({
      token,
      errorFor: (call) =>
        call.method === 'run.finished' && refusals++ < 3 ? { code: -32603, message: 'database busy' } : undefined,
    }).start();
    const node = await startNode({ token, env: portalEnv(portal) });
    cleanups.push(async () => {
      await node.stop();
      await portal.stop();
      removeDir(node.dir);
    });
    await node.call('job.run', { runId: 'retry', attempt: 1, command: ['true'] });
    await waitFor(() => outboxEmpty(node), 15_000, 'the outbox to drain');
    assert.equal(portal.of('run.finished', 'retry').length, 4);
    assert.equal(portal.unique('run.finished').length, 1);
  });

  void it('sends heartbeats and callbacks with the portal token, not the node token', async () => {
    const nodeToken = newToken();
    const portalToken = newToken();
    const portal = await new PortalDouble({ token: portalToken }).start();
    const node = await startNode({
      token: nodeToken,
      env: { ...portalEnv(portal), SC__EXECNODE__PORTALTOKEN: portalToken },
    });
    cleanups.push(async () => {
      await node.stop();
      await portal.stop();
      removeDir(node.dir);
    });
    await node.call('job.run', { runId: 'auth', attempt: 1, command: ['sleep', '1'] });
    const heartbeat = await waitFor(
      () => portal.of('node.heartbeat').find((params) => (params.runs as unknown[]).length > 0),
      5000,
      'a heartbeat listing the run',
    );
    assert.deepEqual(heartbeat.runs, [{ runId: 'auth', attempt: 1, state: 'running' }]);
    assert.equal((heartbeat.host as { slots: { used: number } }).slots.used, 1);
    await waitFor(() => portal.of('run.finished', 'auth').length === 1, 5000, 'run.finished');
    assert.equal(portal.unauthorized, 0);
  });
});
