import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationException } from '../../common/http/app.exception.js';
import type { InterfaceEntity } from '../interface/interface.entity.js';
import type { JobEntity } from '../job/job.entity.js';
import { readDefinitionsFile } from './definitions-file.js';
import type { DefinitionsSnapshot } from './definitions-snapshot.js';
import { jobMapKey } from './import-model.js';
import { planImport, reportOf } from './import-planner.js';

const NOW = new Date(0);

function jobRow(id: number, interfaceId: number, name: string): JobEntity {
  return {
    id,
    interfaceId,
    name,
    description: '',
    folder: '',
    execHostId: null,
    hostTag: 'etl',
    routingStrategy: 'round_robin',
    broadcast: false,
    broadcastParallel: 0,
    failRate: null,
    failCount: null,
    killOnBudgetExceeded: false,
    workingDir: '',
    commandType: 'argv',
    command: 'run.sh',
    interpreter: '',
    successExitCodes: '0',
    timeoutWarnSeconds: 0,
    timeoutFailSeconds: 0,
    retryCount: null,
    retryIntervalSeconds: null,
    retryBackoffPercent: 100,
    retryLost: true,
    enabled: true,
    createdAt: NOW,
    updatedAt: NOW,
    updatedBy: '',
  };
}

/** An installation: interfaces with parents, jobs ("interface/name") with prerequisites, one host and tag. */
function snapshot(interfaces: Record<string, string[]>, jobs: Record<string, string[]>): DefinitionsSnapshot {
  const interfaceRows = Object.keys(interfaces).map(
    (name, index) =>
      ({
        id: index + 1,
        name,
        description: '',
        folder: '',
        dataDateWatermark: null,
        retryCount: 0,
        retryIntervalSeconds: 60,
        enabled: true,
      }) as InterfaceEntity,
  );
  const interfaceId = (name: string) => interfaceRows.find((row) => row.name === name)!.id;
  const jobRows = Object.keys(jobs).map((key, index) => {
    const [owner, name] = key.split('/');
    return jobRow(index + 1, interfaceId(owner), name);
  });
  const jobId = (key: string) => jobRows[Object.keys(jobs).indexOf(key)].id;
  const host = { id: 1, name: 'etl-01' };
  return {
    interfaces: interfaceRows,
    interfaceById: new Map(interfaceRows.map((row) => [row.id, row])),
    interfaceByName: new Map(interfaceRows.map((row) => [row.name, row])),
    parentIds: new Map(
      Object.entries(interfaces).map(([name, parents]) => [interfaceId(name), parents.map(interfaceId)]),
    ),
    jobs: jobRows,
    jobById: new Map(jobRows.map((row) => [row.id, row])),
    jobByKey: new Map(
      Object.keys(jobs).map((key) => [
        jobMapKey(...(key.split('/') as [string, string])),
        jobRows[Object.keys(jobs).indexOf(key)],
      ]),
    ),
    params: new Map(),
    prerequisiteIds: new Map(
      Object.entries(jobs).map(([key, prerequisites]) => [jobId(key), prerequisites.map(jobId)]),
    ),
    edgeRules: new Map(),
    hostById: new Map([[1, host]]),
    hostByName: new Map([['etl-01', host]]),
    tags: new Set(['etl']),
    channelById: new Map(),
    channelByName: new Map(),
    dispatches: [],
    dispatchByName: new Map(),
    alerts: new Map(),
  };
}

const file = (body: Record<string, unknown>) =>
  readDefinitionsFile({ format: 'meshcron-definitions', version: 1, ...body });
const job = (owner: string, name: string, prerequisites: [string, string][] = []) => ({
  interface: owner,
  name,
  hostTag: 'etl',
  command: 'run.sh',
  prerequisites: prerequisites.map(([interfaceName, jobName]) => ({ interface: interfaceName, job: jobName })),
});

describe('planImport', () => {
  it('finds a job cycle that only the installation and the file together close', () => {
    const installed = snapshot({ a: [], b: [] }, { 'a/x': [], 'b/y': ['a/x'] });
    const plan = planImport(installed, file({ jobs: [job('a', 'x', [['b', 'y']])] }), 'merge');
    assert.deepEqual(reportOf(plan, { source: 'definitions', mode: 'merge', dryRun: true, applied: false }).errors, [
      "job 'a / x', field prerequisites: job cycle: a / x → b / y → a / x",
    ]);
  });

  it('does not report a cycle that the file itself breaks', () => {
    const installed = snapshot({ a: [], b: ['a'] }, {});
    const plan = planImport(installed, file({ interfaces: [{ name: 'a', parents: ['b'] }, { name: 'b' }] }), 'merge');
    assert.deepEqual(
      plan.rows.flatMap((row) => row.errors),
      [],
    );
    assert.deepEqual(
      plan.rows.map((row) => [row.key, row.action, row.changes]),
      [
        ['a', 'update', { parents: { from: [], to: ['b'] } }],
        ['b', 'update', { parents: { from: ['a'], to: [] } }],
      ],
    );
  });

  it('deletes in mirror mode only what the file lacks inside its own interfaces', () => {
    const installed = snapshot({ a: [], b: [] }, { 'a/x': [], 'a/gone': [], 'b/kept': [] });
    const document = file({ interfaces: [{ name: 'a' }], jobs: [job('a', 'x')] });
    assert.equal(planImport(installed, document, 'merge').deletions.jobs.length, 0);
    const mirror = planImport(installed, document, 'mirror');
    assert.deepEqual(
      mirror.rows.map((row) => `${row.action} ${row.key}`),
      ['unchanged a', 'unchanged a / x', 'delete a / gone'],
    );
  });

  it('names the object and field of every problem in the file, unknown fields included', () => {
    const installed = snapshot({ a: [] }, {});
    const document = file({
      jobs: [
        { ...job('a', 'x'), hostTag: 'gpu', params: [{ name: '1bad', kind: 'static', value: 'v' }] },
        { ...job('a', 'y'), comand: 'typo' },
        { interface: 'nowhere', name: 'z', execHost: 'etl-01', command: 'z' },
        { interface: 'a', name: 42 },
      ],
    });
    assert.deepEqual(
      planImport(installed, document, 'merge').rows.flatMap((row) => row.errors),
      [
        'jobs[3], field name: must be a string',
        "job 'a / x', field params.0.name: must be 1-64 letters, digits or _, not starting with a digit",
        "job 'a / x', field hostTag: no exec host carries tag 'gpu'",
        "job 'a / y', field comand: is not a known field",
        "job 'nowhere / z', field interface: unknown interface 'nowhere'",
      ],
    );
  });

  it('refuses a file that is not a version 1 definitions file as a whole', () => {
    assert.throws(
      () => readDefinitionsFile({ format: 'meshcron-definitions', version: 2, jobs: [] }),
      (error: unknown) => error instanceof ValidationException && /version 1/.test(error.fields.version),
    );
    assert.throws(() => readDefinitionsFile([]), /must be a JSON object/);
  });
});
