import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { SecretBox } from '../../src/infra/crypto/secret-box.js';
import type { TestExecNode } from '../support/exec-node.js';
import type { HttpClient } from '../support/http-client.js';
import { startTestPortal, testDatabase, type TestPortal } from '../support/portal.js';
import { uniqueName } from '../support/services.js';
import { Definitions, ended, runDispatch, startHostNodes } from './engine-fixtures.js';

const PASSWORD = 'owner-test-password-1';

interface Named {
  id: number;
  name: string;
}

describe(`owners, groups and access checks (${testDatabase()})`, () => {
  let portal: TestPortal;
  let defs: Definitions;
  let nodes: TestExecNode[] = [];
  let admin: HttpClient;
  const users: Record<string, { client: HttpClient; name: string }> = {};

  async function user(key: string, role: string): Promise<void> {
    const name = uniqueName(key);
    const created = await admin.api('POST', '/api/users', { username: name, password: PASSWORD, role });
    assert.equal(created.status, 201, created.text);
    const client = portal.client();
    assert.equal((await client.login(name, PASSWORD)).status, 303);
    users[key] = { client, name };
  }

  const as = (key: string) => users[key].client;

  async function createInterface(client: HttpClient, body: Record<string, unknown>): Promise<number> {
    const response = await client.api('POST', '/api/interfaces', { name: uniqueName('own'), ...body });
    assert.equal(response.status, 201, response.text);
    return response.json<{ data: { id: number } }>().data.id;
  }

  async function listedInterfaces(client: HttpClient): Promise<number[]> {
    const response = await client.api('GET', '/api/interfaces?pageSize=200&sort=id&order=desc');
    assert.equal(response.status, 200, response.text);
    return response.json<{ data: Named[] }>().data.map((row) => row.id);
  }

  before(async () => {
    portal = await startTestPortal();
    defs = new Definitions(portal.app.get(DataSource), portal.app.get(SecretBox));
    admin = await portal.admin();
    nodes = (await startHostNodes(defs, portal.url, ['owners-a'])).map((item) => item.node);
    await user('alice', 'operator');
    await user('bob', 'operator');
    await user('carol', 'operator');
    await user('victor', 'viewer');
  });

  after(async () => {
    await Promise.all(nodes.map((node) => node.close()));
    await portal?.close();
  });

  describe("another owner's interface, with a real execution", () => {
    let iface: number;
    let job: number;
    let dispatch: number;
    let executionId: number;
    let runId: number;

    before(async () => {
      iface = await createInterface(as('alice'), {});
      job = await defs.job(iface, 'private-job', 'echo secret-output');
      dispatch = await defs.dispatch(iface, false);
      executionId = await runDispatch(as('alice'), dispatch, { dataDate: '2026-06-01' });
      const done = await ended(as('alice'), executionId);
      assert.equal(done.execution.state, 'succeeded');
      runId = done.runs[0].id;
    });

    it('belongs to its creator: the creator and admins see it, others do not', async () => {
      const shown = await as('alice').api('GET', `/api/interfaces/${iface}`);
      assert.equal(shown.status, 200);
      assert.deepEqual(
        (({ ownerUser, ownerGroup, shared }) => ({ ownerUser, ownerGroup, shared }))(
          shown.json<{ data: { ownerUser: string; ownerGroup: string | null; shared: boolean } }>().data,
        ),
        { ownerUser: users.alice.name, ownerGroup: null, shared: false },
      );
      assert.ok((await listedInterfaces(as('alice'))).includes(iface));
      assert.ok((await listedInterfaces(admin)).includes(iface));
      assert.ok(!(await listedInterfaces(as('bob'))).includes(iface));
      const page = await as('bob').get('/interfaces?pageSize=200');
      assert.equal(page.status, 200);
      const name = (await admin.api('GET', `/api/interfaces/${iface}`)).json<{ data: Named }>().data.name;
      assert.ok(!page.text.includes(name), 'the list page does not show it');
    });

    it('answers 404 to every page and API of it, its jobs, dispatches, executions, runs and logs', async () => {
      const bob = as('bob');
      const reads = [
        `/api/interfaces/${iface}`,
        `/api/interfaces/${iface}/graph`,
        `/interfaces/${iface}`,
        `/api/jobs/${job}`,
        `/jobs/${job}`,
        `/api/dispatches/${dispatch}`,
        `/dispatches/${dispatch}`,
        `/api/executions/${executionId}`,
        `/executions/${executionId}`,
        `/api/runs/${runId}`,
        `/api/runs/${runId}/log`,
        `/runs/${runId}/log`,
      ];
      for (const path of reads) assert.equal((await bob.get(path)).status, 404, `GET ${path}`);
      const writes: [string, string, unknown][] = [
        ['PUT', `/api/interfaces/${iface}`, { name: 'taken-over' }],
        ['POST', `/api/interfaces/${iface}/disable`, undefined],
        ['DELETE', `/api/interfaces/${iface}`, undefined],
        ['POST', '/api/interfaces/batch-disable', { ids: [iface] }],
        ['POST', `/api/jobs/${job}/disable`, undefined],
        ['POST', `/api/jobs/${job}/run`, { dataDate: '2026-06-02' }],
        ['POST', `/api/dispatches/${dispatch}/run`, { dataDate: '2026-06-02' }],
        ['POST', `/api/dispatches/${dispatch}/pause`, undefined],
        ['POST', `/api/executions/${executionId}/kill`, undefined],
        ['POST', `/api/executions/${executionId}/rerun`, {}],
        ['POST', `/api/runs/${runId}/rerun`, {}],
        ['POST', `/api/runs/${runId}/kill`, undefined],
        ['POST', `/api/runs/${runId}/mark-success`, undefined],
        ['POST', '/api/jobs', { interfaceId: iface, name: 'intruder', command: 'true', hostTag: 'etl' }],
      ];
      for (const [method, path, body] of writes) {
        const response = await bob.api(method, path, body);
        assert.equal(response.status, 404, `${method} ${path}: ${response.text}`);
        assert.equal(response.json<{ code: string }>().code, 'NOT_FOUND');
      }
      const lists = await Promise.all(
        ['/api/jobs?pageSize=200', '/api/dispatches?pageSize=200', '/api/executions?pageSize=100'].map((path) =>
          bob.api('GET', path),
        ),
      );
      const [jobs, dispatches, executions] = lists.map((response) => response.json<{ data: { id: number }[] }>().data);
      assert.ok(!jobs.some((row) => row.id === job), 'job list');
      assert.ok(!dispatches.some((row) => row.id === dispatch), 'dispatch list');
      assert.ok(!executions.some((row) => row.id === executionId), 'execution list');
      assert.equal((await admin.get(`/api/runs/${runId}/log`)).status, 200, 'the owner side still works');
    });

    it('treats an API token of that user the same way', async () => {
      const created = await as('bob').api('POST', '/api/me/tokens', { name: 'robot' });
      assert.equal(created.status, 201, created.text);
      const token = created.json<{ data: { token: string } }>().data.token;
      const robot = portal.client();
      const auth = { authorization: `Bearer ${token}` };
      assert.equal((await robot.get(`/api/interfaces/${iface}`, auth)).status, 404);
      assert.equal((await robot.get(`/api/executions/${executionId}`, auth)).status, 404);
      assert.equal((await robot.get(`/api/runs/${runId}/log`, auth)).status, 404);
      const run = await robot.request('POST', `/api/dispatches/${dispatch}/run`, {
        json: { dataDate: '2026-06-03' },
        headers: auth,
      });
      assert.equal(run.status, 404);
    });

    it('shows a prerequisite in an interface the user cannot see as "hidden job #id"', async () => {
      const own = await createInterface(as('bob'), {});
      const created = await as('bob').api('POST', '/api/jobs', {
        interfaceId: own,
        name: 'downstream',
        command: 'true',
        hostTag: 'etl',
        prerequisiteIds: [job],
      });
      assert.equal(created.status, 201, created.text);
      const shown = created.json<{ data: { id: number; prerequisites: Named[] } }>().data;
      assert.deepEqual(
        shown.prerequisites.map((ref) => ref.name),
        [`hidden job #${job}`],
      );
      const page = await as('bob').get(`/jobs/${shown.id}`);
      assert.equal(page.status, 200);
      assert.ok(page.text.includes(`hidden job #${job}`));
      assert.ok(!page.text.includes('private-job'));
    });
  });

  it('gives access through group membership, managed on the group pages and API', async () => {
    const group = await admin.api('POST', '/api/groups', { name: uniqueName('pool'), description: 'ETL pool' });
    assert.equal(group.status, 201, group.text);
    const { id: groupId, name: groupName } = group.json<{ data: Named }>().data;
    const added = await admin.api('POST', `/api/groups/${groupId}/members`, { usernames: [users.carol.name] });
    assert.equal(added.status, 201, added.text);
    const iface = await createInterface(as('alice'), { ownerGroup: groupName });
    assert.equal((await as('carol').get(`/api/interfaces/${iface}`)).status, 200, 'member sees it');
    assert.equal((await as('carol').api('POST', `/api/interfaces/${iface}/disable`)).status, 200, 'member acts');
    assert.equal((await as('alice').get(`/api/interfaces/${iface}`)).status, 404, 'alice gave it to the group');
    assert.equal((await as('bob').get(`/api/interfaces/${iface}`)).status, 404);

    const page = await admin.postForm(`/groups/${groupId}/members`, { usernames: users.bob.name });
    assert.equal(page.status, 303);
    assert.equal((await as('bob').get(`/api/interfaces/${iface}`)).status, 200, 'bob joined the pool');
    const userPage = await admin.get(`/users/${await userId('bob')}`);
    assert.ok(userPage.text.includes(groupName), 'the user page lists the groups');

    const refused = await admin.api('DELETE', `/api/groups/${groupId}`);
    assert.equal(refused.status, 409, 'a group that owns interfaces is not deleted');
    const audit = await admin.get('/api/audit?pageSize=50');
    assert.ok(audit.text.includes('add_members'), 'membership changes are audited');
  });

  async function userId(key: string): Promise<number> {
    const response = await admin.api('GET', `/api/users?search=${users[key].name}`);
    return response.json<{ data: { id: number }[] }>().data[0].id;
  }

  it('lets everyone see and act on a shared interface; a viewer sees it but cannot act', async () => {
    const iface = await createInterface(as('alice'), { shared: true });
    assert.ok((await listedInterfaces(as('bob'))).includes(iface));
    assert.equal((await as('bob').api('POST', `/api/interfaces/${iface}/disable`)).status, 200);
    assert.equal((await as('victor').get(`/api/interfaces/${iface}`)).status, 200);
    assert.equal((await as('victor').get(`/interfaces/${iface}`)).status, 200);
    const denied = await as('victor').api('POST', `/api/interfaces/${iface}/enable`);
    assert.equal(denied.status, 403);
    const hidden = await createInterface(as('alice'), {});
    assert.equal((await as('victor').get(`/api/interfaces/${hidden}`)).status, 404, 'viewers see only what is visible');
  });

  it('lets only admins and owners change the owner, and names unknown owners clearly', async () => {
    const iface = await createInterface(as('alice'), { shared: true });
    const name = (await admin.api('GET', `/api/interfaces/${iface}`)).json<{ data: Named }>().data.name;
    const steal = await as('bob').api('PUT', `/api/interfaces/${iface}`, { name, ownerUser: users.bob.name });
    assert.equal(steal.status, 403, steal.text);
    const unknown = await as('alice').api('PUT', `/api/interfaces/${iface}`, { name, ownerUser: 'nobody-like-this' });
    assert.equal(unknown.status, 400);
    assert.match(unknown.json<{ message: string }>().message, /ownerUser: no such user: nobody-like-this/);
    const handed = await as('alice').api('PUT', `/api/interfaces/${iface}`, {
      name,
      ownerUser: users.bob.name,
      shared: false,
    });
    assert.equal(handed.status, 200, handed.text);
    assert.equal((await as('alice').get(`/api/interfaces/${iface}`)).status, 404);
    assert.equal((await as('bob').get(`/api/interfaces/${iface}`)).status, 200);
    const form = await as('bob').get(`/interfaces/${iface}/edit`);
    assert.ok(form.text.includes(`value="${users.bob.name}"`), 'the form shows the owner');
  });
});
