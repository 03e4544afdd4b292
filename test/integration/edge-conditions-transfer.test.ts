import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { HttpClient } from '../support/http-client.js';
import { testDatabase } from '../support/portal.js';
import { exportInterfaces, importDefinitions, ok, TransferPair } from './transfer-fixtures.js';

interface Reference {
  interface: string;
  job: string;
  condition?: string;
  outputName?: string;
  outputMatch?: string;
}

interface DefinitionsFile {
  jobs: { interface: string; name: string; prerequisites: Reference[] }[];
  [key: string]: unknown;
}

interface Report {
  counts: Record<string, number>;
  rows: { type: string; key: string; action: string; changes?: Record<string, { from: unknown; to: unknown }> }[];
}

const exportFile = (client: HttpClient) => exportInterfaces<DefinitionsFile>(client, 'branchy');

const importFile = (client: HttpClient, file: unknown, query: string) => importDefinitions<Report>(client, file, query);

describe(`job edge conditions in import / export (${testDatabase()})`, () => {
  let pair: TransferPair | undefined;
  let admin: HttpClient;
  let copy: HttpClient;
  let branchyId: number;

  before(async () => {
    pair = await TransferPair.start();
    ({ admin, copy } = pair);
    const iface = await ok<{ id: number }>(admin, 'POST', '/api/interfaces', { name: 'branchy' });
    branchyId = iface.id;
    const job = (name: string, extra: Record<string, unknown> = {}) =>
      ok<{ id: number }>(admin, 'POST', '/api/jobs', {
        interfaceId: iface.id,
        name,
        command: '/bin/true',
        hostTag: 'etl',
        ...extra,
      });
    const decide = await job('decide');
    const load = await job('load');
    await job('full', {
      prerequisiteIds: [decide.id, load.id],
      prerequisiteConditions: [
        { prerequisiteId: decide.id, condition: 'output', outputName: 'mode', outputMatch: '/^full$/' },
      ],
    });
    await job('cleanup', {
      prerequisiteIds: [load.id],
      prerequisiteConditions: [{ prerequisiteId: load.id, condition: 'failed' }],
    });
  });

  after(() => pair?.close());

  it('exports conditions only where an edge is not plain success, and a fresh portal gets the same edges', async () => {
    const file = await exportFile(admin);
    const prerequisites = (name: string) => file.jobs.find((job) => job.name === name)!.prerequisites;
    assert.deepEqual(prerequisites('full'), [
      { interface: 'branchy', job: 'decide', condition: 'output', outputName: 'mode', outputMatch: '/^full$/' },
      { interface: 'branchy', job: 'load' },
    ]);
    assert.deepEqual(prerequisites('cleanup'), [{ interface: 'branchy', job: 'load', condition: 'failed' }]);

    const applied = await importFile(copy, file, 'dryRun=false&mode=merge');
    assert.equal(applied.status, 200, JSON.stringify(applied.body));
    const jobs = await ok<{ name: string; prerequisiteConditions: { condition: string; outputMatch: string }[] }[]>(
      copy,
      'GET',
      '/api/jobs?search=full',
    );
    assert.deepEqual(
      jobs.find((job) => job.name === 'full')!.prerequisiteConditions.map((edge) => [edge.condition, edge.outputMatch]),
      [['output', '/^full$/']],
    );
    assert.deepEqual({ ...(await exportFile(copy)), exportedAt: '' }, { ...file, exportedAt: '' });
    const repeat = await importFile(copy, file, 'dryRun=true');
    assert.deepEqual(repeat.body.data.counts, {
      create: 0,
      update: 0,
      delete: 0,
      unchanged: 5,
      errors: 0,
      warnings: 0,
    });
  });

  it('shows a changed condition as an update, imports files without conditions as success edges, and names a bad one', async () => {
    const file = await exportFile(admin);
    const cleanup = file.jobs.find((job) => job.name === 'cleanup')!;
    cleanup.prerequisites = [{ interface: 'branchy', job: 'load', condition: 'finished' }];
    const full = file.jobs.find((job) => job.name === 'full')!;
    full.prerequisites = full.prerequisites.map(({ interface: owner, job }) => ({ interface: owner, job }));
    const report = (await importFile(copy, file, 'dryRun=false&mode=merge')).body.data;
    assert.equal(report.counts.update, 2);
    assert.ok(report.rows.find((row) => row.key === 'branchy / cleanup')?.changes?.prerequisites);
    const jobs = await ok<{ name: string; prerequisiteConditions: { condition: string }[] }[]>(
      copy,
      'GET',
      '/api/jobs?interface=branchy',
    );
    const conditions = (name: string) => jobs.find((job) => job.name === name)!.prerequisiteConditions;
    assert.deepEqual(
      conditions('cleanup').map((edge) => edge.condition),
      ['finished'],
    );
    assert.deepEqual(conditions('full'), [], 'an old-style reference is a success edge');

    cleanup.prerequisites = [{ interface: 'branchy', job: 'load', condition: 'sometimes' }];
    const bad = (await importFile(copy, file, 'dryRun=true')).body.data as Report & {
      valid: boolean;
      errors: string[];
    };
    assert.equal(bad.valid, false);
    assert.deepEqual(bad.errors, [
      "job 'branchy / cleanup', field prerequisites.0.condition: condition must be one of succeeded, failed, finished, output",
    ]);
  });

  it('carries each non-default edge condition in the topology job graph', async () => {
    const graph = await ok<{ nodes: [string, number, string][]; edges: (number | string)[][] }>(
      admin,
      'GET',
      `/api/topology/jobs?interface=${branchyId}`,
    );
    const named = (index: number | string) => graph.nodes[Number(index)][2];
    const edges = graph.edges.map(([source, target, flags, , ...condition]) => [
      `${named(source)} -> ${named(target)}`,
      Number(flags) & 8 ? 'conditional' : 'plain',
      ...condition,
    ]);
    assert.deepEqual(
      edges.sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
      [
        ['decide -> full', 'conditional', 'output', 'mode=/^full$/'],
        ['load -> cleanup', 'conditional', 'failed'],
        ['load -> full', 'plain'],
      ],
    );
  });

  it('saves the condition of a prerequisite picked on the new-job form before its first save', async () => {
    const page = await admin.get('/jobs/new');
    assert.equal(page.status, 200);
    assert.match(
      page.text,
      /<template id="edge-condition-row">[\s\S]*?data-field="edgeCondition"[\s\S]*?<option value="failed">/,
    );
    const jobs = await ok<{ id: number; name: string }[]>(admin, 'GET', '/api/jobs?interface=branchy');
    const decide = jobs.find((job) => job.name === 'decide')!.id;
    const created = await admin.postForm('/jobs/new', {
      interface: 'branchy',
      name: 'incremental',
      commandType: 'argv',
      command: '/bin/true',
      targetKind: 'tag',
      hostTag: 'etl',
      prerequisiteIds: String(decide),
      [`edgeCondition_${decide}`]: 'output',
      [`edgeOutputName_${decide}`]: 'mode',
      [`edgeOutputMatch_${decide}`]: 'incr',
      enabled: 'on',
    });
    assert.equal(created.status, 303, created.text.slice(0, 500));
    const saved = (
      await ok<{ name: string; prerequisiteConditions: Record<string, unknown>[] }[]>(
        admin,
        'GET',
        '/api/jobs?interface=branchy',
      )
    ).find((job) => job.name === 'incremental')!;
    assert.deepEqual(
      saved.prerequisiteConditions.map((edge) => [
        edge.prerequisiteId,
        edge.condition,
        edge.outputName,
        edge.outputMatch,
      ]),
      [[decide, 'output', 'mode', 'incr']],
    );
  });

  it('edits an edge condition on the job form and shows it on the job page', async () => {
    const jobs = await ok<{ id: number; name: string; prerequisiteIds: number[] }[]>(
      admin,
      'GET',
      '/api/jobs?interface=branchy',
    );
    const cleanup = jobs.find((job) => job.name === 'cleanup')!;
    const load = cleanup.prerequisiteIds[0];
    const edit = await admin.get(`/jobs/${cleanup.id}/edit`);
    assert.equal(edit.status, 200);
    assert.match(
      edit.text,
      new RegExp(`<select name="edgeCondition_${load}"[^>]*>[\\s\\S]*?<option value="failed" selected>`),
    );
    const saved = await admin.postForm(`/jobs/${cleanup.id}/edit`, {
      interface: 'branchy',
      name: 'cleanup',
      commandType: 'argv',
      command: '/bin/true',
      targetKind: 'tag',
      hostTag: 'etl',
      prerequisiteIds: String(load),
      [`edgeCondition_${load}`]: 'output',
      [`edgeOutputName_${load}`]: 'mode',
      [`edgeOutputMatch_${load}`]: '',
      enabled: 'on',
    });
    assert.equal(saved.status, 303, saved.text.slice(0, 500));
    const detail = await admin.get(`/jobs/${cleanup.id}`);
    assert.match(detail.text, /Runs when: its output matches mode/);
    const bad = await admin.postForm(`/jobs/${cleanup.id}/edit`, {
      interface: 'branchy',
      name: 'cleanup',
      commandType: 'argv',
      command: '/bin/true',
      targetKind: 'tag',
      hostTag: 'etl',
      prerequisiteIds: String(load),
      [`edgeCondition_${load}`]: 'output',
      [`edgeOutputName_${load}`]: '9bad',
      enabled: 'on',
    });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /output name must be 1-64 letters/);
    assert.match(bad.text, new RegExp(`name="edgeOutputName_${load}" value="9bad"`), 'the input is kept');
  });
});
