import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';

import { newToken, removeDir, startNode, type NodeHandle } from './support/node-process.js';
import { PortalDouble } from './support/portal-double.js';
import { rssKb, waitFor, waitForFinish } from './support/wait.js';

interface SentLine {
  seq: number;
  stream: string;
  line: string;
  time: string;
}

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function nodeWithPortal(env: Record<string, string> = {}): Promise<{ n: NodeHandle; portal: PortalDouble }> {
  const token = newToken();
  const portal = await new PortalDouble({ token }).start();
  const n = await startNode({
    token,
    env: { SC__EXECNODE__PORTALURL: portal.url, SC__EXECNODE__HEARTBEATMS: '60000', ...env },
  });
  cleanups.push(async () => {
    await n.stop();
    await portal.stop();
    removeDir(n.dir);
  });
  return { n, portal };
}

async function finishedEvent(portal: PortalDouble, runId: string): Promise<Record<string, unknown>> {
  return waitFor(() => portal.of('run.finished', runId)[0], 15_000, `run.finished of ${runId}`);
}

function sentLines(portal: PortalDouble, runId: string): SentLine[] {
  return portal
    .unique('run.log')
    .filter((event) => event.runId === runId)
    .flatMap((event) => event.lines as SentLine[])
    .sort((a, b) => a.seq - b.seq);
}

void describe('job output', () => {
  void it('keeps memory flat and the log cap for a job printing 200 MB', async () => {
    const cap = 1024 * 1024;
    const { n, portal } = await nodeWithPortal({ SC__EXECNODE__LOGCAPBYTES: String(cap) });
    // Warm up (first spawn, first delivery to the portal) so the baseline holds the loaded code.
    await n.call('job.run', { runId: 'warm-up', attempt: 1, command: ['seq', '1', '5000'] });
    await finishedEvent(portal, 'warm-up');
    const baseline = rssKb(n.pid);
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, rssKb(n.pid))), 10);
    try {
      await n.call('job.run', {
        runId: 'flood',
        attempt: 1,
        command: ['bash', '-c', 'yes 0123456789abcdefghijklmnopqrstuvwxyz | head -c 200000000'],
      });
      const run = await waitForFinish(n, 'flood', 60_000);
      assert.equal(run.state, 'succeeded');
      assert.equal(run.truncated, true);
      assert.ok(run.logBytes <= cap, `stored ${run.logBytes} bytes > cap ${cap}`);
    } finally {
      clearInterval(sampler);
    }
    const growthMb = (peak - baseline) / 1024;
    assert.ok(growthMb < 60, `RSS grew by ${growthMb.toFixed(1)} MB`);
    const finished = await finishedEvent(portal, 'flood');
    await waitFor(() => sentLines(portal, 'flood').length > 0 && (finished.seq as number) > 0);
    const lines = sentLines(portal, 'flood');
    const markers = lines.filter((line) => line.line.startsWith('[meshcron] log truncated after'));
    assert.equal(markers.length, 1);
    assert.equal(markers[0]?.line, `[meshcron] log truncated after ${finished.logBytes as number} bytes`);
    const sentBytes = lines
      .filter((line) => line !== markers[0])
      .reduce((sum, line) => sum + Buffer.byteLength(line.line) + 1, 0);
    assert.ok(sentBytes <= cap, `sent ${sentBytes} bytes > cap`);
    assert.equal(sentBytes, finished.logBytes);
  });

  void it('numbers lines, started and finished with one gap-free seq per run', async () => {
    const { n, portal } = await nodeWithPortal();
    const script = 'for i in 1 2 3; do echo out$i; echo err$i >&2; done';
    await n.call('job.run', {
      runId: 'seq',
      attempt: 1,
      executionId: 'exec-1',
      jobId: 42,
      command: ['bash', '-c', script],
    });
    const finished = await finishedEvent(portal, 'seq');
    const started = portal.of('run.started', 'seq')[0];
    const lines = sentLines(portal, 'seq');
    const seqs = [started.seq as number, ...lines.map((line) => line.seq), finished.seq as number];
    assert.deepEqual(
      seqs,
      Array.from({ length: 8 }, (_, index) => index + 1),
    );
    assert.deepEqual(
      lines.filter((l) => l.stream === 'stdout').map((l) => l.line),
      ['out1', 'out2', 'out3'],
    );
    assert.deepEqual(
      lines.filter((l) => l.stream === 'stderr').map((l) => l.line),
      ['err1', 'err2', 'err3'],
    );
    assert.ok(lines.every((line) => !Number.isNaN(Date.parse(line.time)) && line.time.endsWith('Z')));
    assert.deepEqual(
      [finished.state, finished.exitCode, finished.executionId, finished.jobId, finished.nodeName],
      ['succeeded', 0, 'exec-1', '42', 'test-node'],
    );
    assert.deepEqual((finished.tail as { line: string }[]).map((t) => t.line).sort(), [
      'err1',
      'err2',
      'err3',
      'out1',
      'out2',
      'out3',
    ]);
  });

  void it('cuts a line without newline into 64 KiB pieces', async () => {
    const { n, portal } = await nodeWithPortal();
    await n.call('job.run', {
      runId: 'long',
      attempt: 1,
      command: ['bash', '-c', "head -c 200000 /dev/zero | tr '\\0' a; echo; echo next"],
    });
    await finishedEvent(portal, 'long');
    const lengths = sentLines(portal, 'long').map((line) => line.line.length);
    assert.deepEqual(lengths, [65536, 65536, 65536, 200000 - 3 * 65536, 4]);
  });

  void it('keeps multi-byte characters whole when cutting long lines', async () => {
    const { n, portal } = await nodeWithPortal();
    const program = 'process.stdout.write("é".repeat(70000))';
    await n.call('job.run', { runId: 'utf8', attempt: 1, command: [process.execPath, '-e', program] });
    await finishedEvent(portal, 'utf8');
    const text = sentLines(portal, 'utf8')
      .map((line) => line.line)
      .join('');
    assert.equal(text, 'é'.repeat(70000));
  });
});
