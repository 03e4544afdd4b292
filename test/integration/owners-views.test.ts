import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { SecretBox } from '../../src/infra/crypto/secret-box.js';
import { InterfaceDependencyEntity, InterfaceEntity } from '../../src/modules/interface/interface.entity.js';
import type { TestExecNode } from '../support/exec-node.js';
import type { HttpClient } from '../support/http-client.js';
import { startTestPortal, testDatabase, type TestPortal } from '../support/portal.js';
import { uniqueName } from '../support/services.js';
import { Definitions, ended, runDispatch, startHostNodes, waitFor, type ExecutionInfo } from './engine-fixtures.js';

const PASSWORD = 'owner-views-password-1';

interface Named {
  id: number;
  name: string;
}

/**
 * What a second user sees of interfaces they may not see, on the monitor, execution, history,
 * dashboard, topology and transfer pages and APIs: nothing by name (anonymised or counted), and
 * 404 for direct reads. Bob owns B (whose downstream H is Alice's); Alice's names must never reach Bob.
 */
describe(`owners: monitor, executions, topology, dashboard and transfer (${testDatabase()})`, () => {
  let portal: TestPortal;
  let defs: Definitions;
  let nodes: TestExecNode[] = [];
  let admin: HttpClient;
  const users: Record<string, { client: HttpClient; name: string }> = {};
  const as = (key: string) => users[key].client;
  /** Alice's names: none may appear in anything Bob gets. */
  const secrets: string[] = [];
  const ids: Record<string, number> = {};
  const runs: Record<string, ExecutionInfo> = {};

  async function user(key: string, role: string): Promise<void> {
    const name = uniqueName(key);
    const created = await admin.api('POST', '/api/users', { username: name, password: PASSWORD, role });
    assert.equal(created.status, 201, created.text);
    const client = portal.client();
    assert.equal((await client.login(name, PASSWORD)).status, 303);
    users[key] = { client, name };
  }

  async function createInterface(client: HttpClient, name: string, body: Record<string, unknown> = {}) {
    const response = await client.api('POST', '/api/interfaces', { name, ...body });
    assert.equal(response.status, 201, response.text);
    return response.json<{ data: { id: number } }>().data.id;
  }

  /** Parent → child without going through the API (Alice may not name Bob's interface as a parent). */
  async function link(parent: number, child: number): Promise<void> {
    await defs.ds.getRepository(InterfaceDependencyEntity).insert({ interfaceId: child, parentId: parent });
  }

  function assertNoSecret(text: string, what: string): void {
    for (const secret of secrets) assert.ok(!text.includes(secret), `${what} shows "${secret}"`);
  }

  before(async () => {
    portal = await startTestPortal();
    defs = new Definitions(portal.app.get(DataSource), portal.app.get(SecretBox));
    admin = await portal.admin();
    nodes = (await startHostNodes(defs, portal.url, ['owners-views-a'])).map((item) => item.node);
    await user('alice', 'operator');
    await user('bob', 'operator');
    await user('victor', 'viewer');
    const hiddenName = uniqueName('alice_hidden');
    const failedChild = uniqueName('alice_blocked');
    const privateName = uniqueName('alice_private');
    const sharedName = uniqueName('alice_shared');
    secrets.push(hiddenName, failedChild, privateName, 'alice-secret-job', 'alice-secret-output', 'alice-folder-x');
    ids.b = await createInterface(as('bob'), uniqueName('bob_up'));
    ids.f = await createInterface(as('bob'), uniqueName('bob_fails'));
    ids.b2 = await createInterface(as('bob'), uniqueName('bob_graph'));
    ids.h = await createInterface(as('alice'), hiddenName, { folder: 'alice-folder-x' });
    ids.h2 = await createInterface(as('alice'), failedChild);
    ids.p = await createInterface(as('alice'), privateName);
    ids.s = await createInterface(as('alice'), sharedName, { shared: true });
    await link(ids.b, ids.h);
    await link(ids.f, ids.h2);
    ids.bJob = await defs.job(ids.b, 'bob-job', 'echo bob-output');
    ids.fJob = await defs.job(ids.f, 'bob-failing-job', 'exit 3');
    ids.hJob = await defs.job(ids.h, 'alice-secret-job', 'echo alice-secret-output; sleep 0.2');
    ids.h2Job = await defs.job(ids.h2, 'alice-secret-job', 'echo never');
    ids.pJob = await defs.job(ids.p, 'alice-secret-job', 'echo alice-secret-output; exit 4');
    ids.sJob = await defs.job(ids.s, 'shared-job', 'exit 5');
    ids.b2Job = await defs.job(ids.b2, 'bob-graph-job', 'true', { prerequisites: [ids.hJob] });
    ids.bDispatch = await defs.dispatch(ids.b, true);
    ids.fDispatch = await defs.dispatch(ids.f, true);
    ids.pDispatch = await defs.dispatch(ids.p, false);
    ids.sDispatch = await defs.dispatch(ids.s, false);
    const started = await Promise.all([
      runDispatch(as('bob'), ids.bDispatch, { dataDate: '2026-07-01' }),
      runDispatch(as('bob'), ids.fDispatch, { dataDate: '2026-07-01' }),
      runDispatch(as('alice'), ids.pDispatch, { dataDate: '2026-07-01' }),
      runDispatch(as('alice'), ids.sDispatch, { dataDate: '2026-07-01' }),
    ]);
    [ids.bExecution, ids.fExecution, ids.pExecution, ids.sExecution] = started;
    for (const [key, id] of [
      ['b', ids.bExecution],
      ['f', ids.fExecution],
      ['p', ids.pExecution],
      ['s', ids.sExecution],
    ] as const) {
      runs[key] = await ended(admin, id);
    }
    assert.equal(runs.b.execution.state, 'succeeded');
    assert.equal(runs.f.execution.state, 'failed');
  });

  after(async () => {
    await Promise.all(nodes.map((node) => node.close()));
    await portal?.close();
  });

  it('monitor: lists only visible interfaces and counts hidden blocked ones without naming them', async () => {
    interface MonitorRow {
      interfaceId: number;
      state: string;
      blocks: { interfaceId: number; interfaceName: string }[];
      hiddenBlocks: number;
    }
    const bobView = await as('bob').api('GET', '/api/monitor');
    assert.equal(bobView.status, 200, bobView.text);
    assertNoSecret(bobView.text, 'GET /api/monitor');
    const view = bobView.json<{ data: { rows: MonitorRow[]; folders: string[] } }>().data;
    const shown = view.rows.map((row) => row.interfaceId);
    assert.ok(shown.includes(ids.b) && shown.includes(ids.f), 'bob sees his interfaces');
    for (const hidden of [ids.h, ids.h2, ids.p]) assert.ok(!shown.includes(hidden), `interface #${hidden} listed`);
    assert.ok(!view.folders.includes('alice-folder-x'));
    const failed = view.rows.find((row) => row.interfaceId === ids.f)!;
    assert.equal(failed.state, 'failed');
    assert.deepEqual(failed.blocks, []);
    assert.equal(failed.hiddenBlocks, 1);

    const adminView = (await admin.api('GET', '/api/monitor')).json<{ data: { rows: MonitorRow[] } }>().data;
    const adminFailed = adminView.rows.find((row) => row.interfaceId === ids.f)!;
    assert.deepEqual(
      adminFailed.blocks.map((item) => item.interfaceId),
      [ids.h2],
    );
    assert.equal(adminFailed.hiddenBlocks, 0);
    const page = await as('bob').get('/');
    assert.equal(page.status, 200);
    assertNoSecret(page.text, 'the monitor page');
  });

  it('execution detail, graph and page anonymise downstream interfaces the user may not see', async () => {
    const hiddenRun = runs.b.runs.find((run) => run.jobName === 'alice-secret-job')!;
    assert.ok(hiddenRun, 'the admin sees the downstream run by name');
    for (const path of [`/api/executions/${ids.bExecution}`, `/api/executions/${ids.bExecution}/graph`]) {
      const response = await as('bob').api('GET', path);
      assert.equal(response.status, 200, `${path}: ${response.text}`);
      assertNoSecret(response.text, path);
      const data = response.json<{ data: { runs: { id: number; jobName: string; interfaceName: string }[] } }>().data;
      const masked = data.runs.find((run) => run.id === hiddenRun.id)!;
      assert.equal(masked.jobName, `hidden job #${ids.hJob}`, path);
      assert.equal(masked.interfaceName, `hidden interface #${ids.h}`, path);
      assert.ok(
        data.runs.some((run) => run.jobName === 'bob-job'),
        `${path} keeps bob's own run`,
      );
    }
    const page = await as('bob').get(`/executions/${ids.bExecution}`);
    assert.equal(page.status, 200);
    assertNoSecret(page.text, 'the execution page');
    assert.ok(page.text.includes(`hidden job #${ids.hJob}`));
    for (const path of [
      `/api/runs/${hiddenRun.id}`,
      `/api/runs/${hiddenRun.id}/log`,
      `/executions/${ids.bExecution}/runs/${hiddenRun.id}`,
    ]) {
      assert.equal((await as('bob').get(path)).status, 404, path);
    }
    const markHidden = await as('bob').postForm(`/executions/${ids.bExecution}/runs/${hiddenRun.id}/mark-success`, {});
    assert.equal(markHidden.status, 404, 'acting on a hidden run through a visible execution');
    const list = await as('bob').api('GET', '/api/executions?pageSize=100');
    const listed = list.json<{ data: { id: number }[] }>().data.map((row) => row.id);
    assert.ok(listed.includes(ids.bExecution) && !listed.includes(ids.pExecution), 'the list filters by visibility');
    assertNoSecret((await as('bob').get('/executions?pageSize=100')).text, 'the execution list page');
  });

  it('history pages and APIs answer 404 for what the user may not see', async () => {
    for (const path of [
      `/history/dispatches/${ids.pDispatch}`,
      `/history/jobs/${ids.pJob}`,
      `/api/dispatches/${ids.pDispatch}/executions`,
      `/api/jobs/${ids.hJob}/runs`,
    ]) {
      assert.equal((await as('bob').get(path)).status, 404, path);
    }
    for (const path of [`/history/dispatches/${ids.bDispatch}`, `/api/jobs/${ids.bJob}/runs`]) {
      assert.equal((await as('bob').get(path)).status, 200, path);
    }
  });

  it('dashboard: job figures only for visible jobs; daily totals and hosts stay global', async () => {
    interface Figures {
      failing: { jobId: number }[];
      slowest: { jobId: number }[];
      totals: { failed: number };
      hosts: { name: string }[];
    }
    const bob = await as('bob').api('GET', '/api/dashboard?days=7');
    assert.equal(bob.status, 200, bob.text);
    assertNoSecret(bob.text, '/api/dashboard');
    const mine = bob.json<{ data: Figures }>().data;
    const everyone = (await admin.api('GET', '/api/dashboard?days=7')).json<{ data: Figures }>().data;
    const jobsOf = (figures: Figures) => [...figures.failing, ...figures.slowest].map((row) => row.jobId);
    assert.ok(jobsOf(everyone).includes(ids.pJob), "the admin sees alice's failing job");
    assert.ok(!jobsOf(mine).includes(ids.pJob) && !jobsOf(mine).includes(ids.hJob), 'bob does not');
    assert.ok(jobsOf(mine).includes(ids.fJob), 'bob sees his own failing job');
    assert.equal(mine.totals.failed, everyone.totals.failed, 'daily totals are global');
    assert.deepEqual(mine.hosts, everyone.hosts);
  });

  it('a viewer reads a shared interface’s executions but gets 403 acting on its jobs and runs', async () => {
    const victor = as('victor');
    const run = runs.s.runs[0];
    assert.equal(run.state, 'failed');
    assert.equal((await victor.get(`/api/executions/${ids.sExecution}`)).status, 200);
    assert.equal((await victor.get(`/executions/${ids.sExecution}`)).status, 200);
    assert.equal((await victor.get(`/api/runs/${run.id}/log`)).status, 200);
    const actions: [string, unknown][] = [
      [`/api/runs/${run.id}/kill`, undefined],
      [`/api/runs/${run.id}/rerun`, {}],
      [`/api/runs/${run.id}/mark-success`, undefined],
      [`/api/executions/${ids.sExecution}/rerun`, {}],
      [`/api/executions/${ids.sExecution}/kill`, undefined],
      [`/api/jobs/${ids.sJob}/run`, { dataDate: '2026-07-02' }],
      [`/api/jobs/${ids.sJob}/disable`, undefined],
    ];
    for (const [path, body] of actions) {
      const response = await victor.api('POST', path, body);
      assert.equal(response.status, 403, `POST ${path}: ${response.text}`);
    }
    const page = await victor.postForm(`/executions/${ids.sExecution}/runs/${run.id}/mark-success`, {});
    assert.equal(page.status, 403);
    assert.equal((await victor.get(`/api/executions/${ids.pExecution}`)).status, 404, 'private stays hidden');
  });

  it('exec hosts live: runs in flight of hidden interfaces lose their names and log link', async () => {
    interface Live {
      hosts: { runs: { runId: number; jobId: number; jobName: string; interfaceName: string; logUrl: string }[] }[];
    }
    const iface = await createInterface(as('alice'), uniqueName('alice_live'));
    secrets.push((await admin.api('GET', `/api/interfaces/${iface}`)).json<{ data: Named }>().data.name);
    const job = await defs.job(iface, 'alice-secret-job', 'sleep 2');
    const execution = await runDispatch(as('alice'), await defs.dispatch(iface, false), { dataDate: '2026-07-03' });
    const inFlight = (live: Live) => live.hosts.flatMap((host) => host.runs).find((run) => run.jobId === job);
    const seen = await waitFor('the run in flight', 10_000, async () => {
      const response = await as('bob').api('GET', '/api/exec-hosts/live');
      assert.equal(response.status, 200, response.text);
      const run = inFlight(response.json<{ data: Live }>().data);
      return run ? { run, text: response.text } : null;
    });
    assertNoSecret(seen.text, 'the exec host live API');
    assert.deepEqual(
      [seen.run.jobName, seen.run.interfaceName, seen.run.logUrl],
      [`hidden job #${job}`, `hidden interface #${iface}`, ''],
    );
    const adminView = (await admin.api('GET', '/api/exec-hosts/live')).json<{ data: Live }>().data;
    assert.equal(inFlight(adminView)?.jobName ?? 'alice-secret-job', 'alice-secret-job');
    await ended(admin, execution);
  });

  it('topology: hidden nodes are "hidden interface/job #id", hidden origins 404, finder and impact leak nothing', async () => {
    const bob = as('bob');
    const dag = await bob.api('GET', `/api/topology/jobs?interface=${ids.b2}`);
    assert.equal(dag.status, 200, dag.text);
    assertNoSecret(dag.text, 'the job DAG');
    const labels = dag.json<{ data: { nodes: [string, number, string][] } }>().data.nodes.map((node) => node[2]);
    assert.ok(labels.includes(`hidden job #${ids.hJob}`), labels.join(', '));
    const mesh = await bob.api('GET', '/api/topology/mesh?scope=all&expand=all');
    assert.equal(mesh.status, 200, mesh.text);
    assertNoSecret(mesh.text, 'the mesh');
    const meshLabels = mesh.json<{ data: { nodes: [string, number, string][] } }>().data.nodes.map((node) => node[2]);
    assert.ok(meshLabels.includes(`hidden job #${ids.hJob}`) || meshLabels.includes(`hidden interface #${ids.h}`));
    const impact = await bob.api('GET', `/api/topology/impact?job=${ids.bJob}`);
    assert.equal(impact.status, 200, impact.text);
    assertNoSecret(impact.text, 'the impact report');
    const report = impact.json<{ data: { interfaces: Named[] } }>().data;
    assert.ok(report.interfaces.some((row) => row.name === `hidden interface #${ids.h}`));
    for (const path of [
      `/api/topology/jobs?interface=${ids.h}`,
      `/api/topology/mesh?interface=${ids.h}&scope=local`,
      `/api/topology/impact?job=${ids.hJob}`,
      `/api/topology/impact?interface=${ids.p}`,
      `/topology/interfaces/${ids.h}`,
      `/topology/impact?job=${ids.hJob}`,
    ]) {
      assert.equal((await bob.get(path)).status, 404, path);
    }
    const finder = await bob.get('/topology?q=alice');
    assert.equal(finder.status, 200);
    assertNoSecret(finder.text, 'the topology finder');
    const adminMesh = await admin.api('GET', '/api/topology/mesh?scope=all');
    assert.ok(adminMesh.text.includes(secrets[0]), 'the admin sees names');
  });

  it('interface graph, job forms and the dispatch picker do not name hidden interfaces or jobs', async () => {
    const bob = as('bob');
    const graph = await bob.api('GET', `/api/interfaces/${ids.b2}/graph`);
    assert.equal(graph.status, 200, graph.text);
    assertNoSecret(graph.text, 'the interface graph');
    const nodes = graph.json<{ data: { nodes: Named[] } }>().data.nodes;
    assert.ok(nodes.some((node) => node.id === ids.hJob && node.name === `hidden job #${ids.hJob}`));
    const form = await bob.get(`/jobs/${ids.b2Job}/edit`);
    assert.equal(form.status, 200);
    assertNoSecret(form.text, 'the job edit form');
    assert.ok(form.text.includes(`hidden job #${ids.hJob}`));
    const dependent = await defs.job(ids.p, 'alice-secret-job-2', 'true', { prerequisites: [ids.bJob] });
    const dependents = await bob.api('GET', `/api/jobs/${ids.bJob}/dependents`);
    assert.equal(dependents.status, 200, dependents.text);
    assertNoSecret(dependents.text, 'the dependents of a job');
    assert.ok(dependents.json<{ data: Named[] }>().data.some((item) => item.name === `hidden job #${dependent}`));
    const refusedDelete = await bob.api('DELETE', `/api/jobs/${ids.bJob}`);
    assert.equal(refusedDelete.status, 409, refusedDelete.text);
    assertNoSecret(refusedDelete.text, 'the refused delete');
    assert.ok(refusedDelete.text.includes(`hidden job #${dependent}`));
    const confirm = await bob.get(`/jobs/${ids.bJob}/delete`);
    assert.equal(confirm.status, 200);
    assertNoSecret(confirm.text, 'the delete confirmation');
    assert.ok(confirm.text.includes(`hidden job #${dependent}`));
    const blank = await bob.get(`/jobs/new?interfaceId=${ids.h}`);
    assertNoSecret(blank.text, 'the new job form');
    for (const path of ['/dispatches/new', `/dispatches/${ids.bDispatch}/edit`, '/dispatches']) {
      const page = await bob.get(path);
      assert.equal(page.status, 200, path);
      assertNoSecret(page.text, path);
    }
    const created = await bob.api('POST', '/api/dispatches', {
      interfaceId: ids.h,
      name: uniqueName('intrude'),
      cron: '0 0 3 * * ?',
    });
    assert.equal(created.status, 400, created.text);
    const missing = await bob.api('POST', '/api/dispatches', {
      interfaceId: 999_999,
      name: uniqueName('nowhere'),
      cron: '0 0 3 * * ?',
    });
    const message = (response: typeof created) => response.json<{ message: string }>().message;
    assert.match(message(created), /interfaceId/);
    assert.equal(message(created).replace(String(ids.h), 'N'), message(missing).replace('999999', 'N'));
    const page = await bob.postForm('/dispatches/new', {
      interfaceId: String(ids.h),
      name: uniqueName('intrude'),
      cron: '0 0 3 * * ?',
      timezone: 'UTC',
    });
    assert.equal(page.status, 400);
    assertNoSecret(page.text, 'the refused dispatch form');
  });

  describe('transfer', () => {
    interface FileInterface {
      name: string;
      ownerUser?: string | null;
      ownerGroup?: string | null;
      shared?: boolean;
      parents: string[];
    }
    interface DefinitionsFile {
      interfaces: FileInterface[];
      jobs: { interface: string; name: string; prerequisites: { interface: string; job: string }[] }[];
      dispatches: { name: string; interface: string }[];
    }
    const exportOf = async (client: HttpClient, query = '') => {
      const response = await client.api('GET', `/api/transfer/export${query}`);
      return { status: response.status, text: response.text, file: response.json<DefinitionsFile>() };
    };

    it('exports only visible interfaces with their jobs and dispatches; hidden references are masked', async () => {
      const bob = await exportOf(as('bob'));
      assert.equal(bob.status, 200, bob.text);
      assertNoSecret(bob.text, 'the export');
      const names = bob.file.interfaces.map((item) => item.name);
      const b2 = (await admin.api('GET', `/api/interfaces/${ids.b2}`)).json<{ data: Named }>().data.name;
      assert.ok(names.includes(b2));
      const job = bob.file.jobs.find((item) => item.interface === b2)!;
      assert.deepEqual(job.prerequisites, [
        { interface: `hidden interface #${ids.h}`, job: `hidden job #${ids.hJob}` },
      ]);
      const byName = await exportOf(as('bob'), `?interfaces=${encodeURIComponent(secrets[0])}`);
      assert.equal(byName.status, 400);
      const unknown = await exportOf(as('bob'), '?interfaces=no_such_interface');
      assert.equal(
        byName.text.replaceAll(secrets[0], 'X'),
        unknown.text.replaceAll('no_such_interface', 'X'),
        'as unknown',
      );
      const page = await as('bob').get('/transfer');
      assert.equal(page.status, 200);
      assertNoSecret(page.text, 'the transfer page');
      assert.ok((await exportOf(admin)).text.includes(secrets[0]));
    });

    it('refuses importing into an interface the user may not see, naming the row', async () => {
      const file = {
        format: 'meshcron-definitions',
        version: 1,
        interfaces: [{ name: secrets[0], description: 'taken over' }],
        jobs: [
          {
            interface: secrets[2],
            name: 'intruder',
            hostTag: 'etl',
            commandType: 'shell',
            command: 'true',
          },
        ],
      };
      const response = await as('bob').api('POST', '/api/transfer/import?dryRun=false', file);
      assert.equal(response.status, 400, response.text);
      const errors = response.json<{ details: { errors: string[] } }>().details.errors;
      assert.ok(
        errors.some((error) => error.includes('name: is taken by an interface you may not see')),
        errors.join('\n'),
      );
      assert.ok(
        errors.some((error) => error.includes('intruder') && error.includes('among the ones you may see')),
        errors.join('\n'),
      );
      const hidden = await defs.ds.getRepository(InterfaceEntity).findOneByOrFail({ id: ids.h });
      assert.equal(hidden.description, '', 'nothing was written');
    });

    it('carries owners by name: round trip, unknown names named, old files get the importer', async () => {
      const group = await admin.api('POST', '/api/groups', { name: uniqueName('pool'), description: '' });
      assert.equal(group.status, 201, group.text);
      const groupName = group.json<{ data: Named }>().data.name;
      const pooled = await createInterface(admin, uniqueName('pooled'), { ownerGroup: groupName, shared: true });
      const poolName = (await admin.api('GET', `/api/interfaces/${pooled}`)).json<{ data: Named }>().data.name;
      const exported = await exportOf(
        admin,
        `?interfaces=${encodeURIComponent(poolName)},${encodeURIComponent(secrets[2])}`,
      );
      assert.equal(exported.status, 200, exported.text);
      const pool = exported.file.interfaces.find((item) => item.name === poolName)!;
      assert.deepEqual([pool.ownerUser, pool.ownerGroup, pool.shared], [null, groupName, true]);
      const alices = exported.file.interfaces.find((item) => item.name === secrets[2])!;
      assert.deepEqual([alices.ownerUser, alices.ownerGroup, alices.shared], [users.alice.name, null, false]);

      const copy = (name: string, owner: Record<string, unknown>) => ({ name, ...owner });
      const renamed = { pool: uniqueName('pool_copy'), alice: uniqueName('alice_copy'), plain: uniqueName('plain') };
      const file = {
        format: 'meshcron-definitions',
        version: 1,
        interfaces: [
          copy(renamed.pool, { ownerGroup: groupName, shared: true }),
          copy(renamed.alice, { ownerUser: users.alice.name, ownerGroup: null, shared: false }),
          { name: renamed.plain },
        ],
      };
      const imported = await admin.api('POST', '/api/transfer/import?dryRun=false', file);
      assert.equal(imported.status, 200, imported.text);
      const ownerOf = async (client: HttpClient, name: string) => {
        const listed = await client.api('GET', `/api/interfaces?search=${encodeURIComponent(name)}`);
        const row = listed.json<{ data: Named[] }>().data.find((item) => item.name === name);
        if (!row) return null;
        const shown = await client.api('GET', `/api/interfaces/${row.id}`);
        const data = shown.json<{ data: { ownerUser: string | null; ownerGroup: string | null; shared: boolean } }>();
        return [data.data.ownerUser, data.data.ownerGroup, data.data.shared];
      };
      assert.deepEqual(await ownerOf(admin, renamed.pool), [null, groupName, true]);
      assert.deepEqual(await ownerOf(as('alice'), renamed.alice), [users.alice.name, null, false]);
      assert.equal(await ownerOf(as('bob'), renamed.alice), null, 'not shared: bob does not see it');
      assert.equal((await ownerOf(admin, renamed.plain))?.[2], false, 'a file without owners: the importer owns it');

      const bobsFile = { format: 'meshcron-definitions', version: 1, interfaces: [{ name: uniqueName('bobs') }] };
      const bobs = await as('bob').api('POST', '/api/transfer/import?dryRun=false', bobsFile);
      assert.equal(bobs.status, 200, bobs.text);
      assert.deepEqual(await ownerOf(as('bob'), bobsFile.interfaces[0].name), [users.bob.name, null, false]);

      const unknown = {
        format: 'meshcron-definitions',
        version: 1,
        interfaces: [{ name: uniqueName('orphan'), ownerUser: 'nobody-of-that-name' }],
      };
      const refused = await admin.api('POST', '/api/transfer/import?dryRun=true', unknown);
      const report = refused.json<{ data: { valid: boolean; errors: string[] } }>().data;
      assert.equal(report.valid, false);
      assert.match(report.errors.join('\n'), /interface '[^']+', field ownerUser: no such user: nobody-of-that-name/);
      const stolen = await as('bob').api('POST', '/api/transfer/import?dryRun=true', {
        format: 'meshcron-definitions',
        version: 1,
        interfaces: [{ name: poolName, ownerUser: users.bob.name }],
      });
      const stolenReport = stolen.json<{ data: { valid: boolean; errors: string[] } }>().data;
      assert.equal(stolenReport.valid, false, 'a shared interface is not bob’s to give away');
      assert.match(stolenReport.errors.join('\n'), /only an owner of the interface or an admin/);
    });
  });
});
