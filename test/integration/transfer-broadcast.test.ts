import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { HttpClient } from '../support/http-client.js';
import { testDatabase } from '../support/portal.js';
import { exportInterfaces, importDefinitions, ok, TransferPair } from './transfer-fixtures.js';

type FileJob = Record<string, unknown> & { interface: string; name: string };

interface DefinitionsFile {
  jobs: FileJob[];
  [key: string]: unknown;
}

interface Report {
  valid: boolean;
  errors: string[];
  counts: Record<string, number>;
  rows: { type: string; key: string; action: string; changes?: Record<string, { from: unknown; to: unknown }> }[];
}

interface JobView {
  id: number;
  name: string;
  broadcast: boolean;
  broadcastParallel: number;
  failRate: number | null;
  failCount: number | null;
  killOnBudgetExceeded: boolean;
  description: string;
}

const BROADCAST_FIELDS = ['broadcast', 'broadcastParallel', 'failRate', 'failCount', 'killOnBudgetExceeded'];
const SWEEP = { broadcast: true, broadcastParallel: 2, failRate: 25, failCount: null, killOnBudgetExceeded: true };

const exportFile = (client: HttpClient) => exportInterfaces<DefinitionsFile>(client, 'fanout');

async function importFile(client: HttpClient, file: unknown, query: string) {
  const { status, body } = await importDefinitions<Report>(client, file, query);
  return { status, report: body.data };
}

async function jobNamed(client: HttpClient, name: string): Promise<JobView> {
  const jobs = await ok<JobView[]>(client, 'GET', '/api/jobs?interface=fanout');
  const found = jobs.find((job) => job.name === name);
  assert.ok(found, `job ${name} exists`);
  return ok<JobView>(client, 'GET', `/api/jobs/${found.id}`);
}

const broadcastOf = (job: JobView | FileJob) =>
  Object.fromEntries(BROADCAST_FIELDS.map((field) => [field, job[field as keyof typeof job]]));

/** The file as a portal without broadcast would have written it. */
const withoutBroadcast = (job: FileJob) =>
  Object.fromEntries(Object.entries(job).filter(([field]) => !BROADCAST_FIELDS.includes(field))) as FileJob;

describe(`broadcast jobs in import / export (${testDatabase()})`, () => {
  let pair: TransferPair | undefined;
  let admin: HttpClient;
  let copy: HttpClient;

  before(async () => {
    pair = await TransferPair.start();
    ({ admin, copy } = pair);
    const iface = await ok<{ id: number }>(admin, 'POST', '/api/interfaces', { name: 'fanout' });
    for (const [name, extra] of [
      ['sweep', SWEEP],
      ['plain', {}],
    ] as const) {
      await ok(admin, 'POST', '/api/jobs', {
        interfaceId: iface.id,
        name,
        command: '/bin/true',
        hostTag: 'etl',
        ...extra,
      });
    }
  });

  after(() => pair?.close());

  it('exports the broadcast settings and a fresh portal gets the same broadcast job', async () => {
    const file = await exportFile(admin);
    const sweep = file.jobs.find((job) => job.name === 'sweep')!;
    assert.deepEqual(broadcastOf(sweep), SWEEP);
    assert.deepEqual(broadcastOf(file.jobs.find((job) => job.name === 'plain')!), {
      broadcast: false,
      broadcastParallel: 0,
      failRate: null,
      failCount: null,
      killOnBudgetExceeded: false,
    });

    const applied = await importFile(copy, file, 'dryRun=false&mode=merge');
    assert.equal(applied.status, 200, JSON.stringify(applied.report));
    assert.deepEqual(broadcastOf(await jobNamed(copy, 'sweep')), SWEEP);
    assert.deepEqual({ ...(await exportFile(copy)), exportedAt: '' }, { ...file, exportedAt: '' });
    assert.deepEqual((await importFile(copy, file, 'dryRun=true')).report.counts, {
      create: 0,
      update: 0,
      delete: 0,
      unchanged: 3,
      errors: 0,
      warnings: 0,
    });
  });

  it('shows a changed broadcast setting as an update and refuses a bad one naming the field', async () => {
    const file = await exportFile(copy);
    const sweep = file.jobs.find((job) => job.name === 'sweep')!;
    sweep.broadcastParallel = 5;
    sweep.failCount = 1;
    const { report } = await importFile(copy, file, 'dryRun=false');
    const row = report.rows.find((item) => item.key === 'fanout / sweep')!;
    assert.equal(row.action, 'update');
    assert.deepEqual(row.changes, { broadcastParallel: { from: 2, to: 5 }, failCount: { from: null, to: 1 } });
    assert.equal((await jobNamed(copy, 'sweep')).broadcastParallel, 5);

    sweep.failRate = 150;
    sweep.broadcast = 'yes';
    const bad = (await importFile(copy, file, 'dryRun=true')).report;
    assert.equal(bad.valid, false);
    assert.deepEqual(bad.errors, [
      "job 'fanout / sweep', field failRate: must be a whole number from 0 to 100",
      "job 'fanout / sweep', field broadcast: must be true or false",
    ]);
  });

  it('keeps an existing job broadcast when a file without broadcast fields updates it; new jobs take the defaults', async () => {
    const file = await exportFile(copy);
    const before = broadcastOf(await jobNamed(copy, 'sweep'));
    assert.equal(before.broadcast, true);
    const old = {
      ...file,
      jobs: [
        ...file.jobs
          .map(withoutBroadcast)
          .map((job) => (job.name === 'sweep' ? { ...job, description: 'nightly' } : job)),
        { ...withoutBroadcast(file.jobs.find((job) => job.name === 'plain')!), name: 'added' },
      ],
    };
    const { status, report } = await importFile(copy, old, 'dryRun=false');
    assert.equal(status, 200, JSON.stringify(report));
    const row = report.rows.find((item) => item.key === 'fanout / sweep')!;
    assert.deepEqual(row.changes, { description: { from: '', to: 'nightly' } }, 'broadcast is not shown as changed');
    const sweep = await jobNamed(copy, 'sweep');
    assert.equal(sweep.description, 'nightly');
    assert.deepEqual(broadcastOf(sweep), before, 'the broadcast settings are kept');
    assert.equal((await jobNamed(copy, 'added')).broadcast, false);
  });
});
