import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { averageMs } from '../../src/modules/dashboard/dashboard-view.js';
import type { Dashboard, JobFigure } from '../../src/modules/dashboard/dashboard.service.js';
import type { HttpClient } from '../support/http-client.js';
import { testDatabase, type TestPortal } from '../support/portal.js';
import { uniqueName } from '../support/services.js';
import { Definitions, ended, EngineScenario, runDispatch } from './engine-fixtures.js';

async function dashboard(client: HttpClient, days = 7): Promise<Dashboard> {
  const response = await client.api('GET', `/api/dashboard?days=${days}`);
  assert.equal(response.status, 200, response.text);
  return response.json<{ data: Dashboard }>().data;
}

const today = () => new Date().toISOString().slice(0, 10);

function job(list: JobFigure[], name: string): JobFigure | undefined {
  return list.find((item) => item.jobName === name);
}

describe(`dashboard (${testDatabase()})`, () => {
  let scenario: EngineScenario | undefined;
  let portal: TestPortal;
  let defs: Definitions;
  let admin: HttpClient;
  let work: string;

  before(async () => {
    scenario = await EngineScenario.start('dashboard', ['dash-a', 'dash-b']);
    ({ portal, defs, admin, work } = scenario);
  });

  after(() => scenario?.close());

  it('shows empty days before anything ran and refuses other windows, naming the field', async () => {
    const empty = await dashboard(admin, 14);
    assert.equal(empty.daily.length, 14);
    assert.equal(empty.daily[13].day, today());
    assert.deepEqual(empty.totals, { succeeded: 0, failed: 0, otherEnded: 0, successRate: null });
    assert.deepEqual(
      empty.hosts.map((host) => [host.name, host.state, host.runsPerDay.length]),
      [
        ['dash-a', 'online', 14],
        ['dash-b', 'online', 14],
      ],
    );
    const bad = await admin.api('GET', '/api/dashboard?days=5');
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.json<{ details: unknown }>().details, { fields: { days: 'must be 7, 14, 30 or 90' } });
    const page = await admin.get('/dashboard?days=30');
    assert.equal(page.status, 200);
    assert.match(page.text, /id="chart-daily"/);
    assert.match(page.text, /<option value="30" selected>/);
  });

  it('counts succeeded, failed and retried attempts of real executions per day, job and host, with durations', async () => {
    const iface = await defs.interface('dash');
    const flag = join(work, 'retried-once');
    await defs.job(iface, 'dash_ok', 'sleep 0.4; echo done');
    await defs.job(iface, 'dash_fail', 'echo broken >&2; exit 3');
    await defs.job(iface, 'dash_retry', `if [ ! -f ${flag} ]; then touch ${flag}; exit 1; fi; sleep 0.1`, {
      retryCount: 1,
      retryIntervalSeconds: 0,
    });
    const dispatchId = await defs.dispatch(iface, false);
    const info = await ended(admin, await runDispatch(admin, dispatchId, { dataDate: '2026-04-01' }));
    assert.equal(info.execution.state, 'failed');

    const figures = await dashboard(admin);
    // dash_ok 1 success, dash_fail 1 failure, dash_retry 1 failure + 1 success: 2 of 4 attempts succeeded.
    assert.deepEqual(figures.totals, { succeeded: 2, failed: 2, otherEnded: 0, successRate: 50 });
    assert.deepEqual(figures.daily[6], { day: today(), succeeded: 2, failed: 2, otherEnded: 0, successRate: 50 });
    const failing = figures.failing.map((item) => [item.jobName, item.failed, item.attempts, item.failureRate]);
    assert.deepEqual(failing, [
      ['dash_fail', 1, 1, 100],
      ['dash_retry', 1, 2, 50],
    ]);
    const slowest = job(figures.slowest, 'dash_ok')!;
    assert.equal(figures.slowest[0].jobName, 'dash_ok');
    assert.ok(slowest.avgMs! >= 400 && slowest.avgMs! < 5000, `average ${slowest.avgMs}`);
    assert.equal(slowest.maxMs, slowest.avgMs);
    assert.equal(slowest.interfaceName, info.runs[0].interfaceName);
    const perHost = figures.hosts.map((host) => host.runsPerDay[6]);
    assert.equal(
      perHost.reduce((sum, count) => sum + count, 0),
      4,
    );
    assert.ok(figures.hosts.every((host) => host.running === 0));

    // A second execution moves the numbers again.
    const second = await ended(admin, await runDispatch(admin, dispatchId, { dataDate: '2026-04-02' }));
    assert.equal(second.execution.state, 'failed');
    const again = await dashboard(admin);
    assert.deepEqual([again.totals.succeeded, again.totals.failed], [4, 3]);
    assert.deepEqual(job(again.failing, 'dash_fail')?.attempts, 2);
    assert.deepEqual(job(again.failing, 'dash_retry')?.attempts, 3);
  });

  it('rebuilds the same counts from the run transitions (admins only, audited)', async () => {
    const live = await dashboard(admin);
    const user = uniqueName('dashop');
    await admin.api('POST', '/api/users', { username: user, role: 'operator', password: 'operator-password-1' });
    const operator = portal.client();
    assert.equal((await operator.login(user, 'operator-password-1')).status, 303);
    assert.equal((await operator.api('POST', '/api/dashboard/rebuild')).status, 403);

    await portal.app.get(DataSource).query('DELETE FROM run_stat_job_day');
    assert.equal((await dashboard(admin)).slowest.length, 0);
    const rebuilt = await admin.api('POST', '/api/dashboard/rebuild');
    assert.equal(rebuilt.status, 200, rebuilt.text);
    assert.equal(rebuilt.json<{ data: { attempts: number } }>().data.attempts, 7);
    const after = await dashboard(admin);
    assert.deepEqual(after.totals, live.totals);
    assert.deepEqual(after.daily, live.daily);
    assert.deepEqual(
      after.hosts.map((host) => host.runsPerDay),
      live.hosts.map((host) => host.runsPerDay),
    );
    const strip = (list: JobFigure[]) => list.map(({ jobName, failed, attempts }) => ({ jobName, failed, attempts }));
    assert.deepEqual(strip(after.failing), strip(live.failing));
    const ok = job(after.slowest, 'dash_ok')!;
    assert.ok(Math.abs(ok.avgMs! - job(live.slowest, 'dash_ok')!.avgMs!) < 1000, 'durations from transitions');
    const audit = await admin.api('GET', '/api/audit?action=rebuild');
    assert.equal(audit.status, 200, audit.text);
    assert.match(audit.text, /run_stat/);
  });

  it('ranks jobs exactly from the window summaries of settled days plus yesterday and today', async () => {
    const ds = portal.app.get(DataSource);
    const day = (ago: number) => new Date(Date.now() - ago * 86_400_000).toISOString().slice(0, 10);
    // Jobs that ran only on some days (ids without definitions show as #id): slow ones long ago,
    // failing ones recently, so each window ranks differently.
    const rows: [number, number, number, number, number, number][] = [];
    for (let j = 0; j < 14; j++) {
      const ago = [85, 60, 29, 20, 13, 8, 6, 5, 3, 2, 85, 29, 6, 2][j];
      rows.push([ago, 990_001 + j, 5 + j, j % 4, 3 + j, (3 + j) * (j + 1) * 7_000]);
    }
    for (const [ago, jobId, succeeded, failed, count, sum] of rows) {
      await ds.query(
        'INSERT INTO run_stat_job_day (day, job_id, succeeded, failed, other_ended, duration_count, duration_sum_ms, duration_max_ms) ' +
          'VALUES (?, ?, ?, ?, 0, ?, ?, ?)',
        [day(ago), jobId, succeeded, failed, count, sum, Math.ceil(sum / count) + 1000],
      );
    }
    // Rows written straight into settled days (as the benchmark's seeding does) need the summaries emptied.
    await ds.query('DELETE FROM run_stat_job_window');

    const expected = async (days: number) => {
      const all = await ds.query<Record<string, unknown>[]>('SELECT * FROM run_stat_job_day WHERE day >= ?', [
        day(days - 1),
      ]);
      const byJob = new Map<number, { attempts: number; failed: number; count: number; sum: number; max: number }>();
      for (const row of all) {
        const id = Number(row.job_id);
        const acc = byJob.get(id) ?? { attempts: 0, failed: 0, count: 0, sum: 0, max: 0 };
        acc.attempts += Number(row.succeeded) + Number(row.failed) + Number(row.other_ended);
        acc.failed += Number(row.failed);
        acc.count += Number(row.duration_count);
        acc.sum += Number(row.duration_sum_ms);
        acc.max = Math.max(acc.max, Number(row.duration_max_ms));
        byJob.set(id, acc);
      }
      const list = [...byJob].map(([jobId, acc]) => ({ jobId, ...acc }));
      const slowest = list
        .filter((item) => item.count > 0)
        .sort((a, b) => b.sum / b.count - a.sum / a.count || a.jobId - b.jobId)
        .slice(0, 10)
        .map((item) => [item.jobId, item.attempts, averageMs({ durationCount: item.count, durationSumMs: item.sum })]);
      const failing = list
        .filter((item) => item.failed > 0)
        .sort((a, b) => b.failed - a.failed || a.jobId - b.jobId)
        .slice(0, 10)
        .map((item) => [item.jobId, item.attempts, item.failed]);
      return { slowest, failing };
    };
    const actual = (figures: Dashboard) => ({
      slowest: figures.slowest.map((item) => [item.jobId, item.attempts, item.avgMs]),
      failing: figures.failing.map((item) => [item.jobId, item.attempts, item.failed]),
    });
    for (const days of [7, 14, 30, 90]) {
      assert.deepEqual(actual(await dashboard(admin, days)), await expected(days), `${days} days`);
    }
    const summaries = await ds.query<{ from_day: string; through_day: string }[]>(
      'SELECT DISTINCT from_day, through_day FROM run_stat_job_window ORDER BY from_day',
    );
    assert.deepEqual(
      summaries.map((row) => [row.from_day, row.through_day]),
      [89, 29, 13, 6].map((ago) => [day(ago), day(2)]),
    );

    // Attempts ending now (today) and a late commit into yesterday count at once.
    await ds.query(
      'INSERT INTO run_stat_job_day (day, job_id, succeeded, failed, other_ended, duration_count, duration_sum_ms, duration_max_ms) ' +
        'VALUES (?, 990101, 0, 9, 0, 1, 99000000, 99000000), (?, 990102, 1, 8, 0, 1, 98000000, 98000000)',
      [day(0), day(1)],
    );
    for (const days of [7, 90]) {
      const figures = await dashboard(admin, days);
      assert.deepEqual(actual(figures), await expected(days), `${days} days with live rows`);
      assert.deepEqual(
        figures.failing.slice(0, 2).map((item) => item.jobName),
        ['#990101', '#990102'],
      );
    }
  });
});
