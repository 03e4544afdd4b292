import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppConfig } from '../../src/config/app-config.js';
import { createPortal } from '../../src/portal.js';
import { HttpClient } from '../support/http-client.js';
import { ADMIN_PASSWORD, testDatabase, testPortalEnv } from '../support/portal.js';
import { startSmtpSink, uniqueName } from '../support/services.js';
import { DataSource } from 'typeorm';
import { SecretBox } from '../../src/infra/crypto/secret-box.js';
import { ExecutionStarter } from '../../src/modules/execution/execution-starter.js';
import type { TestExecNode } from '../support/exec-node.js';
import { Definitions, ended, EngineScenario, runDispatch, startHostNodes, waitFor } from './engine-fixtures.js';

interface Backfill {
  id: number;
  state: string;
  nextDate: string | null;
  totalDates: number;
  started: number;
  running: number;
  succeeded: number;
  failed: number;
  killed: number;
  note: string;
}

interface BackfillDetail {
  backfill: Backfill;
  dates: { dataDate: string; executionId: number; state: string }[];
}

interface Span {
  day: string;
  start: number;
  end: number;
}

/** "start <day> <ms>" / "end <day> <ms>" lines the jobs append, paired per day. */
function spans(file: string): Span[] {
  const lines = existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean) : [];
  const byDay = new Map<string, Span>();
  for (const line of lines) {
    const [what, day, ms] = line.split(' ');
    const span = byDay.get(day) ?? { day, start: 0, end: 0 };
    if (what === 'start') span.start = Number(ms);
    else span.end = Number(ms);
    byDay.set(day, span);
  }
  return [...byDay.values()].sort((a, b) => a.start - b.start);
}

/** The most spans open at one moment. */
function mostAtOnce(all: Span[]): number {
  let most = 0;
  for (const span of all)
    most = Math.max(most, all.filter((other) => other.start <= span.start && other.end > span.start).length);
  return most;
}

const timedJob = (log: string, seconds: number) =>
  `echo "start $MC_PARAM_DAY $(date +%s%3N)" >> ${log}; sleep ${seconds}; echo "end $MC_PARAM_DAY $(date +%s%3N)" >> ${log}`;

describe(`backfill: a dispatch over a range of data dates (${testDatabase()})`, () => {
  let scenario: EngineScenario;

  before(async () => {
    // Two instances of a job at once, so the backfill's own cap is what limits the first test.
    scenario = await EngineScenario.start('backfill', ['backfill-a', 'backfill-b'], {
      env: { SC__SCHEDULE__MAXRUNNINGPERJOB: '4', SC__MAIL__ENABLED: 'true' },
    });
  });

  after(async () => {
    await scenario?.close();
  });

  async function detail(client: HttpClient, id: number): Promise<BackfillDetail> {
    const response = await client.api('GET', `/api/backfills/${id}`);
    assert.equal(response.status, 200, response.text);
    return response.json<{ data: BackfillDetail }>().data;
  }

  async function start(body: Record<string, unknown>): Promise<number> {
    const response = await scenario.admin.api('POST', '/api/backfills', body);
    assert.equal(response.status, 201, response.text);
    return response.json<{ data: Backfill }>().data.id;
  }

  const endedBackfill = (id: number, timeoutMs = 60_000) =>
    waitFor(`backfill ${id} to end`, timeoutMs, async () => {
      const found = await detail(scenario.admin, id);
      return ['running', 'paused'].includes(found.backfill.state) ? null : found;
    });

  async function dispatchWith(name: string, script: string): Promise<number> {
    const iface = await scenario.defs.interface(name);
    await scenario.defs.job(iface, 'load', script, { params: [{ name: 'day', value: 'data_date' }] });
    return scenario.defs.dispatch(iface, false);
  }

  it('runs every date once, oldest first, never more at once than asked', async () => {
    const log = join(scenario.work, 'ascending.log');
    const dispatchId = await dispatchWith('bf_up', timedJob(log, 0.6));
    const id = await start({ dispatchId, dateFrom: '2026-02-26', dateThrough: '2026-03-02', parallelism: 2 });

    const done = await endedBackfill(id);
    assert.equal(done.backfill.state, 'succeeded');
    assert.deepEqual(
      { total: done.backfill.totalDates, started: done.backfill.started, succeeded: done.backfill.succeeded },
      { total: 5, started: 5, succeeded: 5 },
    );
    assert.equal(done.backfill.nextDate, null);
    assert.deepEqual(
      done.dates.map((date) => date.dataDate),
      ['2026-02-26', '2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02'],
    );
    const ran = spans(log);
    assert.deepEqual(
      ran.map((span) => span.day).sort(),
      ['2026-02-26', '2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02'],
      'each date ran once',
    );
    // Executions were created in date order (dates come back in execution order, asserted above);
    // two run at a time, so two processes may start either way round.
    assert.ok(ran.findIndex((span) => span.day === '2026-03-02') >= 3, 'the last date started among the last two');
    assert.equal(mostAtOnce(ran), 2, 'two at a time: never more, and the cap was used');

    const first = await scenario.admin.api('GET', `/api/executions/${done.dates[0].executionId}`);
    const shown = first.json<{ data: { execution: { trigger: string; dataDate: string; createdBy: string } } }>().data;
    assert.equal(shown.execution.trigger, 'backfill');
    assert.equal(shown.execution.dataDate, '2026-02-26');
    assert.equal(shown.execution.createdBy, `backfill #${id} (admin)`);
    const listed = await scenario.admin.api('GET', `/api/backfills?dispatchId=${dispatchId}`);
    assert.deepEqual(
      listed.json<{ data: Backfill[] }>().data.map((row) => [row.id, row.state]),
      [[id, 'succeeded']],
    );
  });

  it('newest first, stops after a failure, and a fixed rerun lets it carry on to the end', async () => {
    const log = join(scenario.work, 'descending.log');
    const broken = join(scenario.work, 'broken');
    writeFileSync(broken, '');
    // Fails for 2026-04-03 while the marker file exists.
    const dispatchId = await dispatchWith(
      'bf_down',
      `echo "run $MC_PARAM_DAY" >> ${log}; if [ "$MC_PARAM_DAY" = 2026-04-03 ] && [ -e ${broken} ]; then exit 3; fi`,
    );
    const id = await start({
      dispatchId,
      dateFrom: '2026-04-01',
      dateThrough: '2026-04-05',
      order: 'descending',
      parallelism: 1,
      stopOnFailure: true,
    });
    const stopped = await endedBackfill(id);
    assert.equal(stopped.backfill.state, 'failed');
    assert.deepEqual(
      stopped.dates.map((date) => [date.dataDate, date.state]),
      [
        ['2026-04-05', 'succeeded'],
        ['2026-04-04', 'succeeded'],
        ['2026-04-03', 'failed'],
      ],
    );
    assert.equal(stopped.backfill.nextDate, '2026-04-02', 'the dates after the failure never started');
    await sleep(2500);
    assert.equal((await detail(scenario.admin, id)).backfill.started, 3, 'still nothing more after a pass or two');

    rmSync(broken);
    const failed = stopped.dates[2].executionId;
    const rerun = await scenario.admin.api('POST', `/api/executions/${failed}/rerun`, {});
    assert.equal(rerun.status, 200, rerun.text);
    // The backfill stays failed until a pass sees the rerun; then it starts the held-back dates.
    const finished = await waitFor('the backfill to carry on after the rerun', 60_000, async () => {
      const found = await detail(scenario.admin, id);
      const settled = found.backfill.started === 5 && !['running', 'paused'].includes(found.backfill.state);
      return settled ? found : null;
    });
    assert.equal(finished.backfill.state, 'succeeded');
    assert.deepEqual(
      finished.dates.map((date) => [date.dataDate, date.state]),
      [
        ['2026-04-05', 'succeeded'],
        ['2026-04-04', 'succeeded'],
        ['2026-04-03', 'succeeded'],
        ['2026-04-02', 'succeeded'],
        ['2026-04-01', 'succeeded'],
      ],
    );
    const runs = readFileSync(log, 'utf8').trim().split('\n');
    assert.deepEqual(runs, [
      'run 2026-04-05',
      'run 2026-04-04',
      'run 2026-04-03',
      'run 2026-04-03',
      'run 2026-04-02',
      'run 2026-04-01',
    ]);
  });

  it('pauses, resumes, and cancels with a kill of what runs; each action is audited', async () => {
    const log = join(scenario.work, 'cancel.log');
    const dispatchId = await dispatchWith('bf_cancel', timedJob(log, 30));
    const id = await start({ dispatchId, dateFrom: '2026-05-01', dateThrough: '2026-05-10', parallelism: 1 });
    await waitFor('the first date to run', 15_000, () => Promise.resolve(spans(log).length === 1));

    const paused = await scenario.admin.api('POST', `/api/backfills/${id}/pause`);
    assert.equal(paused.status, 200, paused.text);
    assert.equal(paused.json<{ data: Backfill }>().data.state, 'paused');
    const twice = await scenario.admin.api('POST', `/api/backfills/${id}/pause`);
    assert.equal(twice.status, 409, 'a paused backfill cannot be paused again');
    assert.match(twice.text, /the backfill is paused/);

    // A backfill's execution does not hold back the dispatch's schedule (overlap policy skip)...
    const starter = scenario.portal.app.get(ExecutionStarter);
    assert.equal(await starter.hasActiveExecution(dispatchId), false);
    // ...while any other running execution of the dispatch does.
    const manual = await scenario.admin.api('POST', `/api/dispatches/${dispatchId}/run`, { dataDate: '2026-05-20' });
    assert.equal(manual.status, 201, manual.text);
    assert.equal(await starter.hasActiveExecution(dispatchId), true);
    const manualId = manual.json<{ data: { executionId: number } }>().data.executionId;
    assert.equal((await scenario.admin.api('POST', `/api/executions/${manualId}/kill`)).status, 200);

    const resumed = await scenario.admin.api('POST', `/api/backfills/${id}/resume`);
    assert.equal(resumed.json<{ data: Backfill }>().data.state, 'running');

    const cancelled = await scenario.admin.api('POST', `/api/backfills/${id}/cancel`, { kill: true });
    assert.equal(cancelled.status, 200, cancelled.text);
    assert.equal(cancelled.json<{ data: { backfill: Backfill } }>().data.backfill.state, 'cancelled');
    const after = await waitFor('the running date to be killed', 15_000, async () => {
      const found = await detail(scenario.admin, id);
      return found.dates.every((date) => date.state !== 'running') ? found : null;
    });
    assert.deepEqual(
      after.dates.map((date) => [date.dataDate, date.state]),
      [['2026-05-01', 'killed']],
    );
    await sleep(2500);
    const still = await detail(scenario.admin, id);
    assert.equal(still.backfill.state, 'cancelled');
    assert.equal(still.backfill.started, 1, 'nothing starts after a cancel');
    assert.equal((await scenario.admin.api('POST', `/api/backfills/${id}/resume`)).status, 409);

    const audit = await scenario.admin.api('GET', '/api/audit?pageSize=50');
    const actions = audit
      .json<{ data: { action: string; targetType: string; targetId: string }[] }>()
      .data.filter((row) => row.targetType === 'backfill' && String(row.targetId) === String(id))
      .map((row) => row.action)
      .sort();
    assert.deepEqual(actions, ['backfill', 'backfill.cancel', 'backfill.pause', 'backfill.resume']);
  });

  it('ends failed with a note when a date cannot start, or when its dispatch is deleted', async () => {
    const disabledIface = await scenario.defs.interface('bf_disabled');
    await scenario.defs.job(disabledIface, 'load', 'true');
    const disabledDispatch = await scenario.defs.dispatch(disabledIface, false);
    await scenario.defs.ds.query('UPDATE etl_interface SET enabled = 0 WHERE id = ?', [disabledIface]);
    const cannot = await endedBackfill(
      await start({ dispatchId: disabledDispatch, dateFrom: '2026-08-01', dateThrough: '2026-08-03' }),
    );
    assert.equal(cannot.backfill.state, 'failed');
    assert.match(cannot.backfill.note, /^a data date could not start: interface .* is disabled$/);
    assert.equal(cannot.backfill.started, 0);

    const dispatchId = await dispatchWith('bf_deleted', 'true');
    const id = await start({ dispatchId, dateFrom: '2026-08-01', dateThrough: '2026-08-03' });
    assert.equal((await scenario.admin.api('POST', `/api/backfills/${id}/pause`)).status, 200);
    await scenario.defs.ds.query('DELETE FROM dispatch WHERE id = ?', [dispatchId]);
    assert.equal((await scenario.admin.api('POST', `/api/backfills/${id}/resume`)).status, 200);
    const gone = await endedBackfill(id);
    assert.equal(gone.backfill.state, 'failed');
    assert.equal(gone.backfill.note, 'the dispatch was deleted');
  });

  it("mails no recovery for a backfill's old dates after a failure; the next regular success still recovers", async () => {
    const sink = await startSmtpSink();
    try {
      const broken = join(scenario.work, 'alerts-broken');
      writeFileSync(broken, '');
      const dispatchId = await dispatchWith('bf_alerts', `if [ -e ${broken} ]; then exit 1; fi`);
      await scenario.defs.mailAlerts(dispatchId, sink, ['failure', 'recovery']);
      await ended(scenario.admin, await runDispatch(scenario.admin, dispatchId, { dataDate: '2026-10-01' }));
      assert.equal((await sink.waitFor(1)).length, 1, 'the failure mail');

      rmSync(broken);
      const done = await endedBackfill(await start({ dispatchId, dateFrom: '2026-09-01', dateThrough: '2026-09-02' }));
      assert.equal(done.backfill.state, 'succeeded');
      await sleep(2500);
      assert.deepEqual(
        sink.messages.filter((message) => /RECOVERED/.test(message.subject)),
        [],
        'old dates succeeding are not a recovery of the schedule',
      );

      await ended(scenario.admin, await runDispatch(scenario.admin, dispatchId, { dataDate: '2026-10-02' }));
      const all = await sink.waitFor(2);
      assert.match(all[1].subject, /RECOVERED/);
      await sleep(1000);
      assert.equal(sink.messages.length, 2, 'one failure mail and one recovery mail, nothing else');
    } finally {
      await sink.close();
    }
  });

  it('refuses bad ranges with a message per field, and a user who may not run the dispatch', async () => {
    const dispatchId = await dispatchWith('bf_bad', 'true');
    const bad = await scenario.admin.api('POST', '/api/backfills', {
      dispatchId,
      dateFrom: '2026-02-30',
      dateThrough: '2026-01-01',
      order: 'sideways',
      parallelism: 0,
    });
    assert.equal(bad.status, 400, bad.text);
    const reversed = await scenario.admin.api('POST', '/api/backfills', {
      dispatchId,
      dateFrom: '2026-03-02',
      dateThrough: '2026-03-01',
    });
    assert.equal(reversed.status, 400);
    assert.match(reversed.text, /dateThrough.*must not be before the first date/);
    const tooLong = await scenario.admin.api('POST', '/api/backfills', {
      dispatchId,
      dateFrom: '2020-01-01',
      dateThrough: '2026-01-01',
    });
    assert.equal(tooLong.status, 400);
    assert.match(tooLong.text, /at most 1100 dates/);
    const missing = await scenario.admin.api('POST', '/api/backfills', {
      dispatchId: 999_999,
      dateFrom: '2026-01-01',
      dateThrough: '2026-01-02',
    });
    assert.equal(missing.status, 404);
    const listed = await scenario.admin.api('GET', `/api/backfills?dispatchId=${dispatchId}`);
    assert.deepEqual(listed.json<{ data: Backfill[] }>().data, [], 'nothing was created by the refused requests');

    const viewerName = uniqueName('bf_viewer');
    const created = await scenario.admin.api('POST', '/api/users', {
      username: viewerName,
      password: 'viewer-password-123',
      role: 'viewer',
    });
    assert.equal(created.status, 201, created.text);
    const viewer = scenario.portal.client();
    assert.equal((await viewer.login(viewerName, 'viewer-password-123')).status, 303);
    const refused = await viewer.api('POST', '/api/backfills', {
      dispatchId,
      dateFrom: '2026-01-01',
      dateThrough: '2026-01-02',
    });
    assert.equal(refused.status, 403);
    assert.equal((await scenario.portal.client().api('GET', '/api/backfills')).status, 401);
  });

  it('starts from the dispatch page and shows its dates and executions', async () => {
    const dispatchId = await dispatchWith('bf_page', 'true');
    const page = await scenario.admin.get(`/dispatches/${dispatchId}`);
    assert.match(page.text, new RegExp(`href="/backfills/new\\?dispatchId=${dispatchId}"`));
    const form = await scenario.admin.get(`/backfills/new?dispatchId=${dispatchId}`);
    assert.equal(form.status, 200);
    assert.match(form.text, /id="backfill-form"/);
    assert.match(form.text, /<code>schedule.maxRunningPerJob<\/code> = 4/, 'the per-job cap is named on the form');

    const refused = await scenario.admin.postForm('/backfills/new', {
      dispatchId: String(dispatchId),
      dateFrom: '2026-06-03',
      dateThrough: '2026-06-01',
      order: 'ascending',
      parallelism: '2',
    });
    assert.equal(refused.status, 400);
    assert.match(refused.text, /data-field="dateThrough">must not be before the first date/);
    assert.match(refused.text, /value="2026-06-03"/, 'what was typed is kept');

    const posted = await scenario.admin.postForm('/backfills/new', {
      dispatchId: String(dispatchId),
      dateFrom: '2026-06-01',
      dateThrough: '2026-06-03',
      order: 'descending',
      parallelism: '3',
    });
    assert.equal(posted.status, 303, posted.text);
    const location = posted.headers.get('location') ?? '';
    const id = Number(/\/backfills\/(\d+)$/.exec(location)?.[1]);
    const done = await endedBackfill(id);
    assert.equal(done.backfill.state, 'succeeded');
    const shown = await scenario.admin.get(location);
    assert.equal(shown.status, 200);
    assert.match(shown.text, /id="backfill-state" data-state="succeeded"/);
    for (const date of done.dates) {
      assert.match(shown.text, new RegExp(`<tr data-date="${date.dataDate}">`));
      assert.match(shown.text, new RegExp(`href="/executions/${date.executionId}"`));
    }
    const list = await scenario.admin.get('/backfills');
    assert.match(list.text, new RegExp(`data-backfill-id="${id}"`));
    const ofDispatch = await scenario.admin.get(`/backfills?dispatchId=${dispatchId}`);
    const listed = [...ofDispatch.text.matchAll(/data-backfill-id="(\d+)"/g)].map((match) => Number(match[1]));
    assert.deepEqual(listed, [id], 'the dispatch page links to its own backfills only');
    assert.ok(page.text.includes(`href="/backfills?dispatchId=${dispatchId}"`));
  });
});

describe(`backfill on two portal instances (${testDatabase()})`, () => {
  it('starts each date exactly once while both drive the same backfill', async () => {
    const { env, cleanup } = await testPortalEnv();
    const apps: NestExpressApplication[] = [];
    const nodes: TestExecNode[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        const app = await createPortal(AppConfig.load(env));
        await app.listen(0, '127.0.0.1');
        apps.push(app);
      }
      const urls = apps.map((app) => `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`);
      const defs = new Definitions(apps[0].get(DataSource), apps[0].get(SecretBox));
      nodes.push(...(await startHostNodes(defs, urls[0], ['backfill-two-a'])).map((host) => host.node));
      const iface = await defs.interface('bf_two');
      await defs.job(iface, 'load', 'sleep 0.2', { params: [{ name: 'day', value: 'data_date' }] });
      const dispatchId = await defs.dispatch(iface, false);
      const [first, second] = urls.map((url) => new HttpClient(url));
      for (const client of [first, second]) assert.equal((await client.login('admin', ADMIN_PASSWORD)).status, 303);
      const response = await second.api('POST', '/api/backfills', {
        dispatchId,
        dateFrom: '2026-07-01',
        dateThrough: '2026-07-12',
        parallelism: 4,
      });
      assert.equal(response.status, 201, response.text);
      const id = response.json<{ data: Backfill }>().data.id;
      const done = await waitFor('the backfill to end', 60_000, async () => {
        const found = (await first.api('GET', `/api/backfills/${id}`)).json<{ data: BackfillDetail }>().data;
        return found.backfill.state === 'running' ? null : found;
      });
      assert.equal(done.backfill.state, 'succeeded');
      const rows: { data_date: string; n: unknown }[] = await defs.ds.query(
        "SELECT data_date, COUNT(*) AS n FROM execution WHERE dispatch_id = ? AND `trigger` = 'backfill' GROUP BY data_date ORDER BY data_date",
        [dispatchId],
      );
      assert.equal(rows.length, 12);
      assert.ok(
        rows.every((row) => Number(row.n) === 1),
        `one execution per date: ${JSON.stringify(rows)}`,
      );
    } finally {
      await Promise.all(nodes.map((node) => node.close()));
      for (const app of apps) await app.close();
      await cleanup();
    }
  });
});
