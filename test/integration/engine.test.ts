import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { DataSource, In } from 'typeorm';
import { SecretBox } from '../../src/infra/crypto/secret-box.js';
import { DispatchEntity } from '../../src/modules/dispatch/dispatch.entity.js';
import { InterfaceEntity } from '../../src/modules/interface/interface.entity.js';
import type { TestExecNode } from '../support/exec-node.js';
import type { HttpClient } from '../support/http-client.js';
import { startTestPortal, testDatabase, type TestPortal } from '../support/portal.js';
import { startSmtpSink, type SmtpSink } from '../support/services.js';
import {
  assertOrder,
  byJob,
  Definitions,
  ended,
  execution,
  runDispatch,
  startHostNodes,
  waitFor,
} from './engine-fixtures.js';

describe(`execution engine (${testDatabase()})`, () => {
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
    work = mkdtempSync(join(tmpdir(), 'meshcron-engine-'));
    nodes = (await startHostNodes(defs, portal.url, ['etl-a', 'etl-b'])).map((item) => item.node);
  });

  after(async () => {
    await Promise.all(nodes.map((node) => node.close()));
    nodes = [];
    await portal?.close();
    await sink?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('runs a three-interface mesh in dependency order on both nodes, skips exactly what a failure holds back, and completes it on rerun from failure', async () => {
    const flag = join(work, 'fail-b2');
    const a = await defs.interface('mesh_a');
    const b = await defs.interface('mesh_b', [a]);
    const c = await defs.interface('mesh_c', [b]);
    const log = join(work, 'mesh.log');
    const step = (name: string) => `echo ${name} >> ${log}; sleep 0.2`;
    const a1 = await defs.job(a, 'a1', step('a1'));
    const a2 = await defs.job(a, 'a2', step('a2'), { prerequisites: [a1] });
    const a3 = await defs.job(a, 'a3', step('a3'));
    const b1 = await defs.job(b, 'b1', step('b1'), { prerequisites: [a2] });
    const b2 = await defs.job(b, 'b2', `${step('b2')}; if [ -f ${flag} ]; then echo "broken input" >&2; exit 3; fi`, {
      prerequisites: [a3],
    });
    await defs.job(b, 'b3', step('b3'), { prerequisites: [b1] });
    await defs.job(c, 'c1', step('c1'), { prerequisites: [b1, a1] });
    await defs.job(c, 'c2', step('c2'), { prerequisites: [b2] });
    const dispatchId = await defs.dispatch(a, true);

    writeFileSync(flag, '');
    const id = await runDispatch(admin, dispatchId, { dataDate: '2026-03-01' });
    const failed = await ended(admin, id);
    assert.equal(failed.execution.state, 'failed');
    const states = Object.fromEntries(failed.runs.map((run) => [run.jobName, run.state]));
    assert.deepEqual(states, {
      a1: 'succeeded',
      a2: 'succeeded',
      a3: 'succeeded',
      b1: 'succeeded',
      b2: 'failed',
      b3: 'succeeded',
      c1: 'skipped',
      c2: 'skipped',
    });
    assert.equal(byJob(failed).get('b2')!.exitCode, 3);
    assert.match(byJob(failed).get('c2')!.error ?? '', /b2 failed/);
    assertOrder(failed, [
      ['a1', 'a2'],
      ['a2', 'b1'],
      ['a3', 'b2'],
      ['b1', 'b3'],
    ]);
    assert.equal(new Set(failed.runs.map((run) => run.hostName).filter(Boolean)).size, 2, 'both nodes ran jobs');

    unlinkSync(flag);
    const rerun = await admin.api('POST', `/api/executions/${id}/rerun`, { definitions: 'snapshot' });
    assert.equal(rerun.status, 200, rerun.text);
    assert.equal(rerun.json<{ data: { runs: number } }>().data.runs, 3);
    const done = await ended(admin, id);
    assert.equal(done.execution.state, 'succeeded');
    assert.ok(done.runs.every((run) => run.state === 'succeeded'));
    assertOrder(done, [
      ['b2', 'c2'],
      ['b1', 'c1'],
      ['b3', 'c1'],
    ]);
    const watermarks = await defs.ds.getRepository(InterfaceEntity).findBy({ id: In([a, b, c]) });
    assert.deepEqual(
      watermarks.map((row) => row.dataDateWatermark),
      ['2026-03-01', '2026-03-01', '2026-03-01'],
      'each interface completed the data date',
    );
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    assert.deepEqual(lines.filter((line) => line === 'a1').length, 1, 'succeeded runs are not rerun');
    assert.deepEqual(lines.filter((line) => line === 'b2').length, 2);
    assert.ok(existsSync(log));
  });
  it('starts a fan-in job exactly once when many prerequisites complete together', async () => {
    const iface = await defs.interface('fan_in');
    const log = join(work, 'fan-in.log');
    const root = await defs.job(iface, 'root', 'true', { commandType: 'argv' });
    const middle: number[] = [];
    for (let i = 0; i < 60; i++)
      middle.push(await defs.job(iface, `n${i}`, 'true', { commandType: 'argv', prerequisites: [root] }));
    await defs.job(iface, 'join', `echo "$MC_RUN_ID $MC_ATTEMPT" >> ${log}`, { prerequisites: middle });
    const id = await runDispatch(admin, await defs.dispatch(iface, false), { dataDate: '2026-03-02' });
    const info = await ended(admin, id);
    assert.equal(info.execution.state, 'succeeded');
    assert.equal(info.runs.length, 62);
    assert.equal(readFileSync(log, 'utf8').trim().split('\n').length, 1, 'the fan-in job ran once');
    const join_ = byJob(info).get('join')!;
    const history = (await admin.api('GET', `/api/runs/${join_.id}`)).json<{
      data: { transitions: { to: string }[] };
    }>();
    assert.equal(history.data.transitions.filter((t) => t.to === 'dispatched').length, 1);
    assert.equal(join_.attempt, 1);
  });

  it('mails one failure alert per failed execution and one recovery alert, naming what failed and linking the execution', async () => {
    const flag = join(work, 'fail-load');
    writeFileSync(flag, '');
    const iface = await defs.interface('alerting');
    await defs.job(iface, 'extract', 'echo extracted');
    await defs.job(
      iface,
      'load',
      `echo "loading rows"; if [ -f ${flag} ]; then echo "ERROR: table locked" >&2; exit 2; fi`,
    );
    const dispatchId = await defs.dispatch(iface, false);
    await defs.mailAlerts(dispatchId, sink, ['failure', 'recovery']);
    sink.clear();

    const first = await runDispatch(admin, dispatchId, { dataDate: '2026-03-03' });
    assert.equal((await ended(admin, first)).execution.state, 'failed');
    const second = await runDispatch(admin, dispatchId, { dataDate: '2026-03-04' });
    assert.equal((await ended(admin, second)).execution.state, 'failed');
    const failures = await sink.waitFor(2, 10_000);
    const [mail] = failures.filter((message) => message.text.includes(`#${first} `));
    assert.ok(mail, 'a failure mail for the first execution');
    assert.match(mail.subject, /FAILED/);
    const dispatchName = (await defs.ds.getRepository(DispatchEntity).findOneByOrFail({ id: dispatchId })).name;
    for (const expected of [
      dispatchName,
      'Data date:    2026-03-03',
      '/ load (failed, attempt 1, exit code 2',
      '| ERROR: table locked',
      `${portal.config.baseUrl}/executions/${first}`,
    ]) {
      assert.ok(mail.text.includes(expected), `mail names ${expected}:\n${mail.text}`);
    }
    assert.ok(!mail.text.includes('/ extract ('), 'only failed jobs are listed');
    assert.deepEqual(mail.to, ['ops@test']);

    unlinkSync(flag);
    await admin.api('POST', `/api/executions/${second}/rerun`, {});
    assert.equal((await ended(admin, second)).execution.state, 'succeeded');
    const all = await sink.waitFor(3, 10_000);
    await sleep(3000);
    assert.equal(sink.messages.length, 3, 'no mail twice');
    const recovery = all.find((message) => /RECOVERED/.test(message.subject))!;
    assert.ok(recovery.text.includes(`${portal.config.baseUrl}/executions/${second}`));
    assert.equal(sink.messages.filter((message) => /FAILED/.test(message.subject)).length, 2);
  });

  it('runs one job alone with its params resolved for the data date and keeps its output', async () => {
    const iface = await defs.interface('single');
    const upstream = await defs.job(iface, 'upstream', 'exit 9');
    const jobId = await defs.job(iface, 'report', 'echo "report for $1 / $MC_PARAM_DAY"', {
      prerequisites: [upstream],
      params: [{ name: 'day', value: 'data_date:yyyyMMdd:-1' }],
    });
    const response = await admin.api('POST', `/api/jobs/${jobId}/run`, { dataDate: '2026-03-01' });
    assert.equal(response.status, 201, response.text);
    const id = response.json<{ data: { executionId: number } }>().data.executionId;
    const info = await ended(admin, id);
    assert.deepEqual(
      info.runs.map((run) => [run.jobName, run.state]),
      [['report', 'succeeded']],
    );
    const log = await admin.api('GET', `/api/runs/${info.runs[0].id}/log`);
    assert.deepEqual(
      log.json<{ data: { line: string }[] }>().data.map((line) => line.line),
      ['report for 20260228 / 20260228'],
    );
    const bad = await admin.api('POST', `/api/jobs/${jobId}/run`, { dataDate: '2026-02-30' });
    assert.equal(bad.status, 400);
    assert.deepEqual(Object.keys(bad.json<{ details: { fields: object } }>().details.fields), ['dataDate']);
  });

  it('retries a failed attempt, ends a run past its fail timeout as timed_out, and kills a run on request', async () => {
    const marker = join(work, 'flaky');
    const iface = await defs.interface('timing');
    await defs.job(iface, 'flaky', `if [ ! -f ${marker} ]; then touch ${marker}; exit 1; fi`, {
      retryCount: 2,
      retryIntervalSeconds: 0,
    });
    await defs.job(iface, 'slow', 'sleep 20', { timeoutFailSeconds: 1 });
    const long = await defs.job(iface, 'long', 'sleep 30');
    await defs.job(iface, 'after_long', 'true', { prerequisites: [long] });
    const id = await runDispatch(admin, await defs.dispatch(iface, false), { dataDate: '2026-03-05' });
    const running = await waitFor('long to run', 10_000, async () => {
      const run = byJob(await execution(admin, id)).get('long')!;
      return run.state === 'running' ? run : null;
    });
    const kill = await admin.api('POST', `/api/runs/${running.id}/kill`);
    assert.equal(kill.status, 200, kill.text);
    const info = await ended(admin, id);
    const runs = byJob(info);
    assert.equal(runs.get('flaky')!.state, 'succeeded');
    assert.equal(runs.get('flaky')!.attempt, 2);
    assert.equal(runs.get('slow')!.state, 'timed_out');
    assert.equal(runs.get('long')!.state, 'killed');
    assert.equal(runs.get('after_long')!.state, 'skipped');
    assert.equal(info.execution.state, 'failed');
  });

  it('shows executions and runs on pages, and refuses operator actions to viewers', async () => {
    const iface = await defs.interface('pages');
    await defs.job(iface, 'visible_job', 'echo hello page');
    const dispatchId = await defs.dispatch(iface, false);
    const form = await admin.get(`/executions/new?dispatchId=${dispatchId}`);
    assert.equal(form.status, 200);
    const refused = await admin.postForm('/executions/new', { dispatchId: String(dispatchId), dataDate: '2026-13-01' });
    assert.equal(refused.status, 400);
    assert.ok(refused.text.includes('data-field="dataDate"') && refused.text.includes('value="2026-13-01"'));
    const started = await admin.postForm('/executions/new', { dispatchId: String(dispatchId), dataDate: '2026-03-06' });
    assert.equal(started.status, 303);
    const id = Number(/\/executions\/(\d+)$/.exec(started.headers.get('location') ?? '')?.[1]);
    const info = await ended(admin, id);
    const list = await admin.get('/executions');
    assert.equal(list.status, 200);
    assert.ok(list.text.includes(`href="/executions/${id}"`));
    const detail = await admin.get(`/executions/${id}`);
    assert.equal(detail.status, 200);
    assert.ok(detail.text.includes('visible_job'));
    const run = await admin.get(`/executions/${id}/runs/${info.runs[0].id}`);
    assert.ok(run.text.includes('hello page'));
    await admin.api('POST', '/api/users', { username: 'engine_viewer', role: 'viewer', password: 'viewer-password-1' });
    const viewer = portal.client();
    await viewer.login('engine_viewer', 'viewer-password-1');
    assert.equal((await viewer.api('POST', `/api/executions/${id}/rerun`, {})).status, 403);
    assert.equal((await viewer.get(`/executions/${id}`)).status, 200);
  });
});
