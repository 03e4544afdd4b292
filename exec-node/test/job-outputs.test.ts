import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';

import { MAX_OUTPUTS, OutputCapture } from '../src/job-outputs.js';
import { Journal } from '../src/journal.js';
import { newToken, removeDir, startNode, tempDir, type NodeHandle } from './support/node-process.js';
import { PortalDouble } from './support/portal-double.js';
import { waitFor, waitForFinish } from './support/wait.js';

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

void describe('output markers', () => {
  void it('takes name=value, keeps the last of a name and the last plain line as result', () => {
    const capture = new OutputCapture();
    assert.equal(capture.take('::meshcron::output rows=41'), null);
    assert.equal(capture.take('loading'), null);
    assert.equal(capture.take('::meshcron::output rows=42'), null);
    assert.equal(capture.take('::meshcron::output note=a = b ; c'), null);
    assert.equal(capture.take('done: 42 rows'), null);
    assert.equal(capture.take('   '), null);
    assert.deepEqual(capture.values(), { rows: '42', note: 'a = b ; c', result: 'done: 42 rows' });
  });

  void it('lets the job set result itself', () => {
    const capture = new OutputCapture();
    capture.take('::meshcron::output result=explicit');
    capture.take('later line');
    assert.equal(capture.values().result, 'explicit');
  });

  void it('warns about bad names and anything beyond the limits instead of failing', () => {
    const capture = new OutputCapture();
    assert.match(capture.take('::meshcron::output 9lives=1') ?? '', /output ignored/);
    assert.match(capture.take('::meshcron::output no-equals') ?? '', /output ignored/);
    assert.match(capture.take(`::meshcron::output big=${'x'.repeat(4097)}`) ?? '', /longer than 4096 bytes/);
    for (let i = 0; i < MAX_OUTPUTS; i++)
      assert.equal(capture.take(`::meshcron::output o${i}=${'v'.repeat(900)}`), null);
    assert.match(capture.take('::meshcron::output one_more=1') ?? '', /more than 64 outputs/);
    assert.equal(capture.take('::meshcron::output o1=short'), null, 'replacing an existing one is fine');
    const values = capture.values();
    assert.equal(values.o1, 'short');
    assert.equal(values.big, undefined);
    assert.equal(values['9lives'], undefined);
  });

  void it('caps the total size at 64 KiB', () => {
    const capture = new OutputCapture();
    for (let i = 0; i < 15; i++) assert.equal(capture.take(`::meshcron::output p${i}=${'v'.repeat(4000)}`), null);
    assert.equal(capture.take(`::meshcron::output p15=${'v'.repeat(4000)}`), null);
    assert.match(capture.take(`::meshcron::output p16=${'v'.repeat(4000)}`) ?? '', /larger than 65536 bytes in all/);
  });

  void it('opens a journal written before the outputs column existed', () => {
    const dir = tempDir();
    cleanups.push(() => removeDir(dir));
    const old = new Database(join(dir, 'journal.sqlite'));
    old.exec(`CREATE TABLE runs (run_id TEXT NOT NULL, attempt INTEGER NOT NULL, execution_id TEXT, job_id TEXT,
      state TEXT NOT NULL, pid INTEGER, pgid INTEGER, proc_start TEXT, boot_id TEXT, accepted_at INTEGER NOT NULL,
      started_at INTEGER, finished_at INTEGER, exit_code INTEGER, signal TEXT, error TEXT,
      next_seq INTEGER NOT NULL DEFAULT 1, log_bytes INTEGER NOT NULL DEFAULT 0, truncated INTEGER NOT NULL DEFAULT 0,
      tail TEXT NOT NULL DEFAULT '[]', PRIMARY KEY (run_id, attempt));
      INSERT INTO runs (run_id, attempt, state, accepted_at) VALUES ('old', 1, 'succeeded', 1);`);
    old.close();
    const journal = new Journal(dir);
    try {
      assert.equal(journal.getRun({ runId: 'old', attempt: 1 })?.outputs, '{}');
    } finally {
      journal.close();
    }
  });
});

void describe('outputs reported by a real node', () => {
  async function nodeWithPortal(dir = tempDir()): Promise<{ n: NodeHandle; portal: PortalDouble; token: string }> {
    const token = newToken();
    const portal = await new PortalDouble({ token }).start();
    const n = await startNode({
      dir,
      token,
      env: { SC__EXECNODE__PORTALURL: portal.url, SC__EXECNODE__HEARTBEATMS: '200' },
    });
    cleanups.push(async () => {
      await n.stop();
      await portal.stop();
      removeDir(n.dir);
    });
    return { n, portal, token };
  }

  void it('sends the outputs in run.finished and keeps the marker lines in the log', async () => {
    const { n, portal } = await nodeWithPortal();
    const script = 'echo "::meshcron::output rows=42"\necho "::meshcron::output 1bad=x"\necho all done\n';
    await n.call('job.run', { runId: 'out-1', attempt: 1, command: { script, interpreter: 'bash' } });
    assert.equal((await waitForFinish(n, 'out-1')).state, 'succeeded');
    const finished = await waitFor(() => portal.of('run.finished', 'out-1')[0], 15_000, 'run.finished');
    assert.deepEqual(finished.outputs, { rows: '42', result: 'all done' });
    const lines = await waitFor(() => {
      const sent = portal
        .unique('run.log')
        .filter((event) => event.runId === 'out-1')
        .flatMap((event) => event.lines as { line: string }[])
        .map((line) => line.line);
      return sent.length >= 4 ? sent : undefined;
    });
    assert.ok(lines.includes('::meshcron::output rows=42'), 'the marker line is logged');
    assert.ok(
      lines.some((line) => /\[meshcron\] output ignored/.test(line)),
      'the bad marker is explained',
    );
  });

  void it('after kill -9 the lost run still reports the outputs printed before the crash', async () => {
    const dir = tempDir();
    const first = await nodeWithPortal(dir);
    const script = 'echo "::meshcron::output stage=extracted"\nsleep 100\n';
    await first.n.call('job.run', { runId: 'out-crash', attempt: 1, command: { script, interpreter: 'bash' } });
    await new Promise((resolve) => setTimeout(resolve, 400)); // the output batch reaches the journal
    await first.n.kill9();
    const node = await startNode({
      dir,
      token: first.token,
      env: { SC__EXECNODE__PORTALURL: first.portal.url, SC__EXECNODE__HEARTBEATMS: '200' },
    });
    cleanups.push(async () => {
      await node.stop();
    });
    const finished = await waitFor(() => first.portal.of('run.finished', 'out-crash')[0], 15_000, 'run.finished');
    assert.equal(finished.state, 'lost');
    assert.deepEqual(finished.outputs, { stage: 'extracted' });
  });
});
