import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';

import { removeDir, startNode, type NodeHandle } from './support/node-process.js';
import { getRun, groupGone, liveMembers, waitFor, waitForFinish } from './support/wait.js';

const started: NodeHandle[] = [];

async function node(): Promise<NodeHandle> {
  const handle = await startNode({ env: { SC__EXECNODE__KILLGRACEMS: '500' } });
  started.push(handle);
  return handle;
}

afterEach(async () => {
  for (const handle of started.splice(0)) {
    await handle.stop();
    removeDir(handle.dir);
  }
});

const GRANDCHILDREN = ['bash', '-c', 'sleep 100 & sleep 100 & wait'];

/** Waits until bash and both sleeps are running in the run's process group. */
async function runningGroup(n: NodeHandle, runId: string, size: number): Promise<number> {
  const pgid = (await getRun(n, runId))?.pgid;
  assert.ok(typeof pgid === 'number', 'the run has a process group');
  await waitFor(() => liveMembers(pgid).length === size, 5000, `${size} processes in group ${pgid}`);
  return pgid;
}

void describe('ending process groups', () => {
  void it('job.kill ends the whole group, grandchildren included, as killed', async () => {
    const n = await node();
    await n.call('job.run', { runId: 'tree', attempt: 1, command: GRANDCHILDREN });
    const pgid = await runningGroup(n, 'tree', 3);
    const reply = await n.call<{ stopping: boolean }>('job.kill', { runId: 'tree', attempt: 1 });
    assert.equal(reply.stopping, true);
    const run = await waitForFinish(n, 'tree');
    assert.equal(run.state, 'killed');
    await waitFor(() => groupGone(pgid), 3000, `group ${pgid} to be gone`);
    assert.deepEqual(liveMembers(pgid), []);
  });

  void it('a timeout ends the whole group as timed_out', async () => {
    const n = await node();
    await n.call('job.run', { runId: 'tree-timeout', attempt: 1, command: GRANDCHILDREN, timeoutMs: 400 });
    const pgid = await runningGroup(n, 'tree-timeout', 3);
    const run = await waitForFinish(n, 'tree-timeout');
    assert.equal(run.state, 'timed_out');
    await waitFor(() => groupGone(pgid), 3000, `group ${pgid} to be gone`);
  });

  void it('escalates to SIGKILL after killGraceMs when the group ignores SIGTERM', async () => {
    const n = await node();
    await n.call('job.run', {
      runId: 'stubborn',
      attempt: 1,
      command: ['bash', '-c', 'trap "" TERM; sleep 100 & sleep 100 & wait'],
    });
    const pgid = await runningGroup(n, 'stubborn', 3);
    const before = Date.now();
    await n.call('job.kill', { runId: 'stubborn' });
    const run = await waitForFinish(n, 'stubborn');
    assert.equal(run.state, 'killed');
    assert.equal(run.signal, 'SIGKILL');
    assert.ok(Date.now() - before >= 450, 'SIGKILL only after the grace period');
    await waitFor(() => groupGone(pgid), 3000, `group ${pgid} to be gone`);
  });

  void it('ends processes left in the group after the main process exits', async () => {
    const n = await node();
    await n.call('job.run', {
      runId: 'daemon',
      attempt: 1,
      command: ['bash', '-c', 'sleep 100 >/dev/null 2>&1 & echo $! ; exit 0'],
    });
    const run = await waitForFinish(n, 'daemon');
    assert.equal(run.state, 'succeeded');
    await waitFor(() => groupGone(run.pgid as number), 3000, 'leftover sleep to be ended');
  });

  void it('job.kill of a finished run changes nothing', async () => {
    const n = await node();
    await n.call('job.run', { runId: 'done', attempt: 1, command: ['true'] });
    await waitForFinish(n, 'done');
    const reply = await n.call<{ state: string; stopping: boolean }>('job.kill', { runId: 'done' });
    assert.deepEqual([reply.state, reply.stopping], ['succeeded', false]);
  });
});
