import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { HttpClient } from '../support/http-client.js';
import { testDatabase } from '../support/portal.js';
import { uniqueName } from '../support/services.js';
import { byJob, Definitions, ended, EngineScenario, runDispatch } from './engine-fixtures.js';

interface RunDetail {
  id: number;
  jobName: string;
  state: string;
  error: string | null;
  outputs: Record<string, string>;
  inputs: { values: Record<string, string>; byJob: Record<string, Record<string, string>> } | null;
  branchSkipped: boolean;
}

interface Edge {
  prerequisiteId: number;
  condition: string;
  outputName?: string;
  outputMatch?: string;
}

describe(`outputs passed downstream and conditional edges (${testDatabase()})`, () => {
  let scenario: EngineScenario | undefined;
  let defs: Definitions;
  let admin: HttpClient;
  let work: string;

  before(async () => {
    scenario = await EngineScenario.start('branches', ['branch-a']);
    ({ defs, admin, work } = scenario);
  });

  after(() => scenario?.close());

  /** A /bin/sh job on the "etl" tag, created through the API as a user would. */
  async function job(
    interfaceId: number,
    name: string,
    script: string,
    options: {
      prerequisiteIds?: number[];
      conditions?: Edge[];
      params?: { name: string; kind: string; value: string }[];
    } = {},
  ): Promise<number> {
    const response = await admin.api('POST', '/api/jobs', {
      interfaceId,
      name,
      commandType: 'script',
      command: script,
      interpreter: '/bin/sh',
      hostTag: 'etl',
      retryCount: 0,
      prerequisiteIds: options.prerequisiteIds ?? [],
      prerequisiteConditions: options.conditions ?? [],
      params: options.params ?? [],
    });
    assert.equal(response.status, 201, response.text);
    return response.json<{ data: { id: number } }>().data.id;
  }

  async function runDetail(id: number): Promise<RunDetail> {
    const response = await admin.api('GET', `/api/runs/${id}`);
    assert.equal(response.status, 200, response.text);
    return response.json<{ data: RunDetail }>().data;
  }

  async function logLines(runId: number): Promise<string[]> {
    const response = await admin.api('GET', `/api/runs/${runId}/log`);
    return response.json<{ data: { line: string }[] }>().data.map((line) => line.line);
  }

  it('passes an output two hops downstream as environment and as a param, and reruns with the outputs current then', async () => {
    const rowsFile = join(work, 'rows');
    writeFileSync(rowsFile, '42');
    const iface = await defs.interface('outputs');
    const load = uniqueName('load');
    const a = await job(iface, load, `echo "::meshcron::output rows=$(cat ${rowsFile})"\necho loaded`);
    const b = await job(iface, 'transform', 'echo "b sees $MC_IN_ROWS"\necho "::meshcron::output stage=b"', {
      prerequisiteIds: [a],
    });
    const loadEnv = load.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
    await job(iface, 'report', `echo "c env $MC_IN_ROWS $MC_IN_${loadEnv}_ROWS $MC_IN_STAGE arg $1"`, {
      prerequisiteIds: [b],
      params: [{ name: 'n', kind: 'input', value: 'rows' }],
    });
    const id = await runDispatch(admin, await defs.dispatch(iface, false), { dataDate: '2026-06-01' });
    const info = await ended(admin, id);
    assert.equal(info.execution.state, 'succeeded');
    const runs = byJob(info);
    const first = await runDetail(runs.get(load)!.id);
    assert.deepEqual(first.outputs, { rows: '42', result: 'loaded' });
    assert.deepEqual(await logLines(runs.get('transform')!.id), ['b sees 42', '::meshcron::output stage=b']);
    assert.deepEqual(await logLines(runs.get('report')!.id), ['c env 42 42 b arg 42']);
    const report = await runDetail(runs.get('report')!.id);
    assert.equal(report.inputs?.values.rows, '42');
    assert.deepEqual(report.inputs?.byJob[load], { rows: '42', result: 'loaded' });
    assert.equal(report.inputs?.values.result, 'b sees 42', 'the nearest upstream wins a name');

    writeFileSync(rowsFile, '43');
    const rerun = await admin.api('POST', `/api/runs/${runs.get(load)!.id}/rerun`, {});
    assert.equal(rerun.status, 200, rerun.text);
    const again = await ended(admin, id);
    assert.equal(again.execution.state, 'succeeded');
    assert.deepEqual(await logLines(byJob(again).get('report')!.id), ['c env 43 43 b arg 43']);
  });

  it('carries an output past silent jobs above and below it', async () => {
    const iface = await defs.interface('silent');
    let previous = await job(iface, 'quiet_1', ':');
    for (const name of ['quiet_2', 'quiet_3']) previous = await job(iface, name, ':', { prerequisiteIds: [previous] });
    previous = await job(iface, 'emit', 'echo "::meshcron::output x=1"', { prerequisiteIds: [previous] });
    for (const name of ['quiet_4', 'quiet_5']) previous = await job(iface, name, ':', { prerequisiteIds: [previous] });
    await job(iface, 'reader', 'echo "x=$MC_IN_X emit.x=$MC_IN_EMIT_X"', { prerequisiteIds: [previous] });
    const id = await runDispatch(admin, await defs.dispatch(iface, false), { dataDate: '2026-06-02' });
    const info = await ended(admin, id);
    assert.equal(info.execution.state, 'succeeded');
    const runs = byJob(info);
    assert.deepEqual(await logLines(runs.get('reader')!.id), ['x=1 emit.x=1']);
    const reader = await runDetail(runs.get('reader')!.id);
    assert.deepEqual(reader.inputs?.byJob, { emit: { x: '1' } });
    const quiet = await runDetail(runs.get('quiet_3')!.id);
    assert.deepEqual(quiet.inputs?.byJob ?? {}, {});
  });

  it('fails a run whose input param names an output no upstream run printed', async () => {
    const iface = await defs.interface('missing_input');
    const jobId = await job(iface, 'lonely', 'echo "never $1"', {
      params: [{ name: 'n', kind: 'input', value: 'rows' }],
    });
    const response = await admin.api('POST', `/api/jobs/${jobId}/run`, { dataDate: '2026-06-01' });
    assert.equal(response.status, 201, response.text);
    const info = await ended(admin, response.json<{ data: { executionId: number } }>().data.executionId);
    assert.equal(info.execution.state, 'failed');
    assert.match(info.runs[0].error ?? '', /param n: no upstream run has the output "rows"/);
  });

  it('runs an on-failure branch: cleanup runs, the success-only sibling is skipped with the reason, the execution fails', async () => {
    const iface = await defs.interface('on_failure');
    const a = await job(iface, 'load_x', 'echo "::meshcron::output rows=7"\nexit 4');
    await job(iface, 'cleanup', 'echo "cleaning after $MC_IN_ROWS"', {
      prerequisiteIds: [a],
      conditions: [{ prerequisiteId: a, condition: 'failed' }],
    });
    const publish = await job(iface, 'publish', 'echo publish', { prerequisiteIds: [a] });
    await job(iface, 'after_publish', 'echo after', { prerequisiteIds: [publish] });
    await job(iface, 'always', 'echo always', {
      prerequisiteIds: [publish],
      conditions: [{ prerequisiteId: publish, condition: 'finished' }],
    });
    const id = await runDispatch(admin, await defs.dispatch(iface, false), { dataDate: '2026-06-02' });
    const info = await ended(admin, id);
    const runs = byJob(info);
    assert.deepEqual(Object.fromEntries([...runs].map(([name, run]) => [name, run.state])), {
      load_x: 'failed',
      cleanup: 'succeeded',
      publish: 'skipped',
      after_publish: 'skipped',
      always: 'succeeded',
    });
    assert.equal(info.execution.state, 'failed', 'a failure happened');
    assert.equal(runs.get('publish')!.error, 'prerequisite load_x failed; edge requires succeeded');
    assert.deepEqual(await logLines(runs.get('cleanup')!.id), ['cleaning after 7']);
    assert.equal((await runDetail(runs.get('publish')!.id)).branchSkipped, false);

    // Marked succeeded, load_x releases publish; cleanup already ran and stays as it is.
    const mark = await admin.api('POST', `/api/runs/${runs.get('load_x')!.id}/mark-success`, {});
    assert.equal(mark.status, 200, mark.text);
    const released = byJob(await ended(admin, id));
    assert.equal(released.get('publish')!.state, 'succeeded');
    assert.equal(released.get('after_publish')!.state, 'succeeded');
    assert.equal(released.get('cleanup')!.state, 'succeeded');
  });

  it('branches on an output value: the full path runs, the incremental path is skipped, the execution succeeds', async () => {
    const parent = await defs.interface('branching');
    const child = await defs.interface('after_branching', [parent]);
    const decide = await job(parent, 'decide', 'echo "::meshcron::output mode=full"');
    const full = await job(parent, 'full_load', 'echo full', {
      prerequisiteIds: [decide],
      conditions: [{ prerequisiteId: decide, condition: 'output', outputName: 'mode', outputMatch: 'full' }],
    });
    const incremental = await job(parent, 'incremental_load', 'echo incremental', {
      prerequisiteIds: [decide],
      conditions: [{ prerequisiteId: decide, condition: 'output', outputName: 'mode', outputMatch: '/^incr/' }],
    });
    await job(parent, 'merge_incremental', 'echo merge', { prerequisiteIds: [incremental] });
    await job(parent, 'index_full', 'echo index', { prerequisiteIds: [full] });
    await job(child, 'downstream', 'echo downstream');
    const id = await runDispatch(admin, await defs.dispatch(parent, true), { dataDate: '2026-06-03' });
    const info = await ended(admin, id);
    const runs = byJob(info);
    assert.deepEqual(Object.fromEntries([...runs].map(([name, run]) => [name, run.state])), {
      decide: 'succeeded',
      full_load: 'succeeded',
      incremental_load: 'skipped',
      merge_incremental: 'skipped',
      index_full: 'succeeded',
      downstream: 'succeeded',
    });
    assert.equal(info.execution.state, 'succeeded', 'a branch not taken is no failure');
    assert.equal(
      runs.get('incremental_load')!.error,
      'prerequisite decide succeeded with mode = full; edge requires output mode ~ /^incr/',
    );
    assert.equal(
      runs.get('merge_incremental')!.error,
      'prerequisite incremental_load skipped; edge requires succeeded',
    );
    const skipped = await runDetail(runs.get('merge_incremental')!.id);
    assert.equal(skipped.branchSkipped, true);
  });

  it('refuses an output edge without a name and a condition on a job that is not a prerequisite', async () => {
    const iface = await defs.interface('bad_edges');
    const a = await job(iface, 'a', 'true');
    const bad = await admin.api('POST', '/api/jobs', {
      interfaceId: iface,
      name: 'b',
      commandType: 'script',
      command: 'true',
      hostTag: 'etl',
      prerequisiteIds: [a],
      prerequisiteConditions: [
        { prerequisiteId: a, condition: 'output', outputName: '', outputMatch: 'x' },
        { prerequisiteId: a + 1000, condition: 'failed' },
      ],
    });
    assert.equal(bad.status, 400, bad.text);
    const fields = bad.json<{ details: { fields: Record<string, string> } }>().details.fields;
    assert.match(fields['prerequisiteConditions.0.condition'], /output name/);
    assert.match(fields['prerequisiteConditions.1.prerequisiteId'], /one of prerequisiteIds/);
  });
});
