import assert from 'node:assert/strict';
import { unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InterfaceEntity } from '../../src/modules/interface/interface.entity.js';
import type { HttpClient } from '../support/http-client.js';
import { testDatabase } from '../support/portal.js';
import { uniqueName } from '../support/services.js';
import { Definitions, ended, EngineScenario, execution, runDispatch, waitFor } from './engine-fixtures.js';

interface MonitorRow {
  interfaceId: number;
  interfaceName: string;
  folder: string;
  executionId: number;
  dataDate: string;
  state: string;
  startedAt: string | null;
  durationMs: number | null;
  expectedMs: number | null;
  expectedFinishAt: string | null;
  failedJobs: { runId: number; jobName: string; state: string; exitCode: number | null; error: string | null }[];
  blocks: { interfaceId: number; interfaceName: string; executionId: number }[];
}

interface MonitorView {
  rows: MonitorRow[];
  counts: Record<string, number>;
  folders: string[];
}

interface GraphView {
  execution: { id: number; state: string };
  interfaces: { id: number; name: string; state: string; layer: number; failed: number }[];
  interfaceEdges: [number, number][];
  runs: { id: number; jobName: string; interfaceId: number; state: string; layer: number; exitCode: number | null }[];
  runEdges: [number, number][];
}

async function monitor(client: HttpClient, query: string): Promise<MonitorView> {
  const response = await client.api('GET', `/api/monitor?${query}`);
  assert.equal(response.status, 200, response.text);
  return response.json<{ data: MonitorView }>().data;
}

describe(`execution monitor (${testDatabase()})`, () => {
  let scenario: EngineScenario | undefined;
  let defs: Definitions;
  let admin: HttpClient;
  let work: string;

  before(async () => {
    scenario = await EngineScenario.start('monitor', ['monitor-a']);
    ({ defs, admin, work } = scenario);
  });

  after(() => scenario?.close());

  async function inFolder(id: number, folder: string): Promise<void> {
    await defs.ds.getRepository(InterfaceEntity).update(id, { folder });
  }

  it('lists failed interfaces first with the failed job, its error and what it blocks, running and waiting next, and filters and counts by state, folder and data date', async () => {
    const folder = uniqueName('night');
    const hold = join(work, 'hold');
    writeFileSync(hold, '');
    const source = await defs.interface('mon_source');
    const child = await defs.interface('mon_child', [source]);
    const outside = await defs.interface('mon_outside');
    const slow = await defs.interface('mon_slow');
    const fine = await defs.interface('mon_fine');
    for (const id of [source, child, outside, slow, fine]) await inFolder(id, folder);
    await defs.job(source, 'extract', 'echo extracted');
    const broken = await defs.job(source, 'broken', 'echo "disk full on /data" >&2; exit 3');
    await defs.job(child, 'transform', 'echo transformed');
    await defs.job(outside, 'needs_broken', 'echo never', { prerequisites: [broken] });
    await defs.job(slow, 'slow_step', `sleep 0.3; while [ -f ${hold} ]; do sleep 0.1; done`);
    await defs.job(fine, 'fine_step', 'echo ok');

    // History for the expected duration: one succeeded execution of mon_slow.
    unlinkSync(hold);
    const slowDispatch = await defs.dispatch(slow, false);
    const first = await ended(admin, await runDispatch(admin, slowDispatch, { dataDate: '2026-04-01' }));
    assert.equal(first.execution.state, 'succeeded');
    writeFileSync(hold, '');

    const failedId = await runDispatch(admin, await defs.dispatch(source, true), { dataDate: '2026-04-02' });
    await ended(admin, failedId);
    const outsideId = await runDispatch(admin, await defs.dispatch(outside, false), { dataDate: '2026-04-02' });
    await ended(admin, await runDispatch(admin, await defs.dispatch(fine, false), { dataDate: '2026-04-01' }));
    const slowId = await runDispatch(admin, slowDispatch, { dataDate: '2026-04-02' });
    await waitFor('the slow job to run', 10_000, async () => {
      const info = await execution(admin, slowId);
      return info.runs[0].state === 'running';
    });

    const view = await monitor(admin, `folder=${folder}`);
    assert.deepEqual(
      view.rows.map((row) => [row.interfaceName.replace(/_[0-9a-f]{12}$/, ''), row.state]),
      [
        ['mon_source', 'failed'],
        ['mon_child', 'failed'],
        ['mon_slow', 'running'],
        ['mon_outside', 'waiting'],
        ['mon_fine', 'succeeded'],
      ],
    );
    assert.deepEqual(view.counts, { failed: 2, running: 1, waiting: 1, succeeded: 1 });
    assert.ok(view.folders.includes(folder));

    const sourceRow = view.rows[0];
    assert.equal(sourceRow.executionId, failedId);
    assert.deepEqual(
      sourceRow.failedJobs.map((job) => [job.jobName, job.state, job.exitCode]),
      [['broken', 'failed', 3]],
    );
    assert.deepEqual(
      sourceRow.blocks.map((item) => [item.interfaceId, item.executionId]).sort((a, b) => a[0] - b[0]),
      [
        [child, failedId],
        [outside, outsideId],
      ].sort((a, b) => a[0] - b[0]),
    );
    const log = await admin.api('GET', `/api/runs/${sourceRow.failedJobs[0].runId}/log`);
    assert.ok(log.text.includes('disk full on /data'));

    const slowRow = view.rows.find((row) => row.interfaceId === slow)!;
    assert.equal(slowRow.executionId, slowId);
    assert.ok(slowRow.expectedMs !== null && slowRow.expectedMs >= 300, `expected ${slowRow.expectedMs}`);
    assert.equal(Date.parse(slowRow.expectedFinishAt!), Date.parse(slowRow.startedAt!) + slowRow.expectedMs);
    assert.equal(view.rows.find((row) => row.interfaceId === fine)!.expectedMs, null);

    const failedOnly = await monitor(admin, `folder=${folder}&status=failed`);
    assert.deepEqual(
      failedOnly.rows.map((row) => row.interfaceId),
      [source, child],
    );
    assert.deepEqual(failedOnly.counts, view.counts);
    const byDate = await monitor(admin, `folder=${folder}&dataDate=2026-04-01`);
    assert.deepEqual(
      byDate.rows.map((row) => row.interfaceId),
      [fine],
    );
    assert.equal((await monitor(admin, `folder=${uniqueName('empty')}`)).rows.length, 0);

    const page = await admin.get(`/?folder=${folder}`);
    assert.equal(page.status, 200);
    assert.ok(page.text.includes('id="monitor-table"') && page.text.includes(sourceRow.interfaceName));

    unlinkSync(hold);
    await ended(admin, slowId);
    const done = await monitor(admin, `folder=${folder}&status=succeeded`);
    assert.deepEqual(done.rows.map((row) => row.interfaceId).sort(), [slow, fine].sort());
  });

  it('refuses a bad status or data date with 400 naming the field', async () => {
    const status = await admin.api('GET', '/api/monitor?status=broken');
    assert.equal(status.status, 400);
    assert.ok(status.text.includes('status'));
    const date = await admin.api('GET', '/api/monitor?dataDate=2026-02-30');
    assert.equal(date.status, 400);
    assert.ok(date.text.includes('dataDate'));
  });

  it('gives the execution graph with interface and job states, edges along the layers and the failed job', async () => {
    const top = await defs.interface('graph_top');
    const below = await defs.interface('graph_below', [top]);
    const first = await defs.job(top, 'first', 'echo first');
    const second = await defs.job(top, 'second', 'echo second', { prerequisites: [first] });
    await defs.job(top, 'explode', 'echo "<b>boom</b>" >&2; exit 5', { prerequisites: [first] });
    await defs.job(below, 'after', 'echo after', { prerequisites: [second] });
    const id = await runDispatch(admin, await defs.dispatch(top, true), { dataDate: '2026-04-03' });
    await ended(admin, id);

    const response = await admin.api('GET', `/api/executions/${id}/graph`);
    assert.equal(response.status, 200, response.text);
    const graph = response.json<{ data: GraphView }>().data;
    assert.equal(graph.execution.state, 'failed');
    assert.deepEqual(
      graph.interfaces.map((item) => [item.id, item.state, item.layer, item.failed]),
      [
        [top, 'failed', 0, 1],
        [below, 'failed', 1, 0],
      ],
    );
    assert.deepEqual(graph.interfaceEdges, [[top, below]]);
    const runs = new Map(graph.runs.map((run) => [run.jobName, run]));
    assert.equal(runs.get('explode')!.state, 'failed');
    assert.equal(runs.get('explode')!.exitCode, 5);
    assert.equal(runs.get('first')!.state, 'succeeded');
    assert.equal(runs.get('after')!.state, 'skipped');
    for (const [from, to] of graph.runEdges) {
      const [a, b] = [graph.runs.find((run) => run.id === from)!, graph.runs.find((run) => run.id === to)!];
      if (a.interfaceId === b.interfaceId) assert.ok(a.layer < b.layer, `${a.jobName} left of ${b.jobName}`);
    }
    assert.ok(graph.runEdges.some(([from, to]) => from === runs.get('second')!.id && to === runs.get('after')!.id));

    const page = await admin.get(`/executions/${id}`);
    assert.equal(page.status, 200);
    assert.ok(page.text.includes('id="job-graph"') && page.text.includes('&lt;b&gt;boom&lt;/b&gt;') === false);
    assert.equal((await admin.api('GET', '/api/executions/999999/graph')).status, 404);
  });
});
