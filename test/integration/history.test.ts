import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { SecretBox } from '../../src/infra/crypto/secret-box.js';
import type { TestExecNode } from '../support/exec-node.js';
import type { HttpClient } from '../support/http-client.js';
import { startTestPortal, testDatabase, type TestPortal } from '../support/portal.js';
import { Definitions, ended, runDispatch, startHostNodes } from './engine-fixtures.js';

interface Paged<T> {
  data: T[];
  page: { page: number; pageSize: number; total: number; pages: number };
}

interface ExecutionItem {
  id: number;
  dataDate: string;
  state: string;
}

interface RunItem {
  id: number;
  executionId: number;
  dataDate: string;
  state: string;
  exitCode: number | null;
  durationMs: number | null;
}

interface Trend {
  points: { runId: number; dataDate: string; durationMs: number }[];
  averageMs: number | null;
}

describe(`history (${testDatabase()})`, () => {
  let portal: TestPortal;
  let nodes: TestExecNode[] = [];
  let defs: Definitions;
  let admin: HttpClient;
  let dispatchId: number;
  let jobId: number;
  const executions: number[] = [];

  before(async () => {
    portal = await startTestPortal();
    defs = new Definitions(portal.app.get(DataSource), portal.app.get(SecretBox));
    admin = await portal.admin();
    nodes = (await startHostNodes(defs, portal.url, ['history-a'])).map((item) => item.node);
    const iface = await defs.interface('history_if');
    // Fails on the 3rd of the month, succeeds otherwise.
    jobId = await defs.job(iface, 'daily', 'sleep 0.1; case "$MC_PARAM_DAY" in *-03) exit 4;; esac; echo ok', {
      params: [{ name: 'day', value: 'data_date' }],
    });
    dispatchId = await defs.dispatch(iface, false);
    for (const day of ['01', '02', '03', '04', '05']) {
      const id = await runDispatch(admin, dispatchId, { dataDate: `2026-05-${day}` });
      await ended(admin, id);
      executions.push(id);
    }
  });

  after(async () => {
    await Promise.all(nodes.map((node) => node.close()));
    nodes = [];
    await portal?.close();
  });

  it('pages the executions of a dispatch newest first and filters them by state and data date range', async () => {
    const first = (await admin.api('GET', `/api/dispatches/${dispatchId}/executions?pageSize=2`)).json<
      Paged<ExecutionItem>
    >();
    assert.deepEqual(
      first.data.map((item) => item.id),
      [executions[4], executions[3]],
    );
    assert.deepEqual([first.page.total, first.page.pages], [5, 3]);
    const third = (await admin.api('GET', `/api/dispatches/${dispatchId}/executions?pageSize=2&page=3`)).json<
      Paged<ExecutionItem>
    >();
    assert.deepEqual(
      third.data.map((item) => item.id),
      [executions[0]],
    );
    const failed = (await admin.api('GET', `/api/dispatches/${dispatchId}/executions?state=failed`)).json<
      Paged<ExecutionItem>
    >();
    assert.deepEqual(
      failed.data.map((item) => [item.dataDate, item.state]),
      [['2026-05-03', 'failed']],
    );
    const range = (
      await admin.api('GET', `/api/dispatches/${dispatchId}/executions?from=2026-05-02&to=2026-05-04`)
    ).json<Paged<ExecutionItem>>();
    assert.deepEqual(
      range.data.map((item) => item.dataDate),
      ['2026-05-04', '2026-05-03', '2026-05-02'],
    );
    const page = await admin.get(`/history/dispatches/${dispatchId}?state=failed`);
    assert.equal(page.status, 200);
    assert.ok(page.text.includes(`href="/executions/${executions[2]}"`));
    assert.ok(!page.text.includes(`href="/executions/${executions[1]}"`));
  });

  it('pages the runs of a job with exit codes and gives the duration trend of its succeeded runs with their average', async () => {
    const response = await admin.api('GET', `/api/jobs/${jobId}/runs?pageSize=3`);
    assert.equal(response.status, 200, response.text);
    const body = response.json<Paged<RunItem> & { trend: Trend }>();
    assert.deepEqual(
      body.data.map((run) => run.dataDate),
      ['2026-05-05', '2026-05-04', '2026-05-03'],
    );
    assert.equal(body.page.total, 5);
    assert.deepEqual([body.data[2].state, body.data[2].exitCode], ['failed', 4]);
    // The node stamps the start when its spawn event fires, which a loaded machine delays: > 0, not >= 100.
    assert.ok(body.data.every((run) => run.durationMs !== null && run.durationMs > 0));
    assert.deepEqual(
      body.trend.points.map((point) => point.dataDate),
      ['2026-05-01', '2026-05-02', '2026-05-04', '2026-05-05'],
    );
    const mean = body.trend.points.reduce((sum, point) => sum + point.durationMs, 0) / 4;
    assert.equal(body.trend.averageMs, Math.round(mean));
    const filtered = (await admin.api('GET', `/api/jobs/${jobId}/runs?state=succeeded&from=2026-05-04`)).json<
      Paged<RunItem>
    >();
    assert.deepEqual(
      filtered.data.map((run) => run.dataDate),
      ['2026-05-05', '2026-05-04'],
    );
    const page = await admin.get(`/history/jobs/${jobId}`);
    assert.equal(page.status, 200);
    assert.ok(page.text.includes('id="job-trend"') && page.text.includes('2026-05-03'));
  });

  it('refuses bad filters with 400 naming the field and unknown ids with 404', async () => {
    for (const [query, field] of [
      ['state=nope', 'state'],
      ['from=2026-13-01', 'from'],
      ['page=0', 'page'],
      ['pageSize=500', 'pageSize'],
    ]) {
      const response = await admin.api('GET', `/api/jobs/${jobId}/runs?${query}`);
      assert.equal(response.status, 400, query);
      assert.ok(response.text.includes(field), response.text);
    }
    assert.equal((await admin.api('GET', '/api/dispatches/999999/executions')).status, 404);
    assert.equal((await admin.api('GET', '/api/jobs/999999/runs')).status, 404);
    assert.equal((await admin.get('/history/jobs/999999')).status, 404);
  });
});
