import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { SecretBox } from '../../src/infra/crypto/secret-box.js';
import { JobEntity } from '../../src/modules/job/job.entity.js';
import type { TestExecNode } from '../support/exec-node.js';
import type { HttpClient } from '../support/http-client.js';
import { startTestPortal, testDatabase, type TestPortal } from '../support/portal.js';
import { startSmtpSink, type SmtpSink } from '../support/services.js';
import { byJob, Definitions, ended, execution, runDispatch, startHostNodes, waitFor } from './engine-fixtures.js';

function lines(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

describe(`engine operator actions and cross-execution prerequisites (${testDatabase()})`, () => {
  let portal: TestPortal;
  let nodes: TestExecNode[] = [];
  let defs: Definitions;
  let admin: HttpClient;
  let sink: SmtpSink;
  let work: string;

  before(async () => {
    sink = await startSmtpSink();
    portal = await startTestPortal({ env: { SC__MAIL__ENABLED: 'true' } });
    defs = new Definitions(portal.app.get(DataSource), portal.app.get(SecretBox));
    admin = await portal.admin();
    work = mkdtempSync(join(tmpdir(), 'meshcron-engine-ops-'));
    nodes = (await startHostNodes(defs, portal.url, ['ops-a', 'ops-b'])).map((item) => item.node);
  });

  after(async () => {
    await Promise.all(nodes.map((node) => node.close()));
    await portal?.close();
    await sink?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('holds a job whose prerequisite is in another interface until that prerequisite succeeds for the same data date', async () => {
    const log = join(work, 'cross.log');
    const upstream = await defs.interface('upstream');
    const source = await defs.job(upstream, 'source', `echo "source $MC_PARAM_DAY" >> ${log}`, {
      params: [{ name: 'day', value: 'data_date' }],
    });
    const downstream = await defs.interface('consumer');
    await defs.job(downstream, 'consume', `echo consume >> ${log}`, { prerequisites: [source] });

    const waiting = await runDispatch(admin, await defs.dispatch(downstream, false), { dataDate: '2026-05-01' });
    await sleep(1500);
    const held = await execution(admin, waiting);
    assert.equal(held.execution.state, 'running');
    assert.deepEqual(
      held.runs.map((run) => [run.jobName, run.state]),
      [['consume', 'waiting']],
      'the prerequisite is not run by this execution',
    );
    const otherDay = await runDispatch(admin, await defs.dispatch(upstream, false), { dataDate: '2026-05-02' });
    await ended(admin, otherDay);
    assert.equal((await execution(admin, waiting)).runs[0].state, 'waiting', 'another data date does not count');

    const sameDay = await runDispatch(admin, await defs.dispatch(upstream, false), { dataDate: '2026-05-01' });
    await ended(admin, sameDay);
    const done = await ended(admin, waiting, 10_000);
    assert.equal(done.execution.state, 'succeeded');
    assert.deepEqual(lines(log), ['source 2026-05-02', 'source 2026-05-01', 'consume']);
  });

  it('marks a failed run succeeded and lets what it held back run', async () => {
    const iface = await defs.interface('marking');
    const broken = await defs.job(iface, 'broken', 'exit 4');
    await defs.job(iface, 'after', 'true', { prerequisites: [broken] });
    const id = await runDispatch(admin, await defs.dispatch(iface, false), { dataDate: '2026-05-03' });
    const failed = await ended(admin, id);
    assert.deepEqual(
      failed.runs.map((run) => run.state),
      ['failed', 'skipped'],
    );
    const mark = await admin.api('POST', `/api/runs/${byJob(failed).get('broken')!.id}/mark-success`);
    assert.equal(mark.status, 200, mark.text);
    const done = await ended(admin, id);
    assert.equal(done.execution.state, 'succeeded');
    assert.equal(byJob(done).get('after')!.state, 'succeeded');
    const history = (await admin.api('GET', `/api/runs/${byJob(done).get('broken')!.id}`)).json<{
      data: { transitions: { to: string; actor: string }[] };
    }>();
    assert.deepEqual(history.data.transitions.at(-1), {
      ...history.data.transitions.at(-1),
      to: 'succeeded',
      actor: 'admin',
    });
    const audit = await admin.api('GET', '/api/audit?action=mark_success');
    assert.ok(audit.text.includes(`"targetId":"${id}"`), audit.text);
  });

  it('reruns a job and everything downstream of it across interfaces, with the current definition when asked', async () => {
    const log = join(work, 'rerun-down.log');
    const first = await defs.interface('rd_first');
    const second = await defs.interface('rd_second', [first]);
    const root = await defs.job(first, 'root', `echo root >> ${log}`);
    const middle = await defs.job(first, 'middle', `echo middle-v1 >> ${log}`, { prerequisites: [root] });
    await defs.job(first, 'sibling', `echo sibling >> ${log}`, { prerequisites: [root] });
    await defs.job(second, 'leaf', `echo leaf >> ${log}`, { prerequisites: [middle] });
    const id = await runDispatch(admin, await defs.dispatch(first, true), { dataDate: '2026-05-04' });
    const done = await ended(admin, id);
    assert.equal(done.execution.state, 'succeeded');
    await defs.ds.getRepository(JobEntity).update({ id: middle }, { command: `echo middle-v2 >> ${log}` });

    const rerun = await admin.api('POST', `/api/runs/${byJob(done).get('middle')!.id}/rerun`, {
      definitions: 'current',
    });
    assert.equal(rerun.status, 200, rerun.text);
    assert.equal(rerun.json<{ data: { runs: number } }>().data.runs, 2, 'middle and leaf (sibling is not downstream)');
    const again = await ended(admin, id);
    assert.equal(again.execution.state, 'succeeded');
    assert.equal(byJob(again).get('middle')!.attempt, 2);
    assert.equal(byJob(again).get('sibling')!.attempt, 1);
    const counts = new Map<string, number>();
    for (const line of lines(log)) counts.set(line, (counts.get(line) ?? 0) + 1);
    assert.deepEqual(Object.fromEntries(counts), { root: 1, 'middle-v1': 1, sibling: 1, leaf: 2, 'middle-v2': 1 });
    assert.equal(lines(log).at(-1), 'leaf', 'leaf ran after the new middle');
  });

  it('kills a whole execution: running runs on their node, waiting ones at once', async () => {
    const iface = await defs.interface('killing');
    const slow = await defs.job(iface, 'slow', 'sleep 30');
    await defs.job(iface, 'next', 'true', { prerequisites: [slow] });
    const id = await runDispatch(admin, await defs.dispatch(iface, false), { dataDate: '2026-05-05' });
    await waitFor(
      'slow to run',
      10_000,
      async () => byJob(await execution(admin, id)).get('slow')!.state === 'running',
    );
    const kill = await admin.api('POST', `/api/executions/${id}/kill`);
    assert.equal(kill.status, 200, kill.text);
    const info = await ended(admin, id);
    assert.equal(info.execution.state, 'killed');
    assert.deepEqual(
      info.runs.map((run) => run.state),
      ['killed', 'killed'],
    );
  });

  it('mails one timeout alert when a run passes its warning time and keeps running', async () => {
    const iface = await defs.interface('slowish');
    await defs.job(iface, 'crawler', 'sleep 2.5', { timeoutWarnSeconds: 1 });
    const dispatchId = await defs.dispatch(iface, false);
    await defs.mailAlerts(dispatchId, sink, ['timeout']);
    sink.clear();
    const id = await runDispatch(admin, dispatchId, { dataDate: '2026-05-06' });
    const [mail] = await sink.waitFor(1, 10_000);
    assert.match(mail.subject, /RUNNING LONG/);
    assert.ok(mail.text.includes('running longer than 1 s'), mail.text);
    assert.equal((await ended(admin, id)).execution.state, 'succeeded');
    await sleep(2500);
    assert.equal(sink.messages.length, 1);
  });
});
