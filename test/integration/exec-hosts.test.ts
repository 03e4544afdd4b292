import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import {
  DrainingError,
  ExecNodeClient,
  InvalidParamsError,
  NoSlotError,
  RunNotFoundError,
} from '../../src/infra/rpc/exec-node.client.js';
import { AuditLogEntity } from '../../src/modules/audit/audit-log.entity.js';
import { ExecHostEntity, ExecHostTagEntity } from '../../src/modules/exec-host/exec-host.entity.js';
import { InterfaceEntity } from '../../src/modules/interface/interface.entity.js';
import { JobEntity } from '../../src/modules/job/job.entity.js';
import { startExecNode, type TestExecNode } from '../support/exec-node.js';
import type { HttpClient } from '../support/http-client.js';
import { startTestPortal, testDatabase, type TestPortal } from '../support/portal.js';
import { freePort } from '../support/services.js';

interface HostJson {
  id: number;
  name: string;
  address: string;
  slots: number;
  tags: string[];
  enabled: boolean;
  tokenSet: boolean;
  status: { state: string; lastSeenAt: string | null; load: number | null; runningCount: number; slotsTotal: number };
}
interface ErrorJson {
  code: string;
  message: string;
  details?: {
    fields?: Record<string, string>;
    reason?: string;
    blocked?: { id: number; dependents: { id: number }[] }[];
    cascadable?: boolean;
  };
}

const TOKEN = 'host-token-0123456789-secret';

describe(`exec hosts (${testDatabase()})`, () => {
  let portal: TestPortal;
  let admin: HttpClient;
  let viewer: HttpClient;
  let node: TestExecNode;
  let db: DataSource;

  before(async () => {
    [portal, node] = await Promise.all([startTestPortal(), startExecNode()]);
    db = portal.app.get(DataSource);
    admin = await portal.admin();
    await admin.api('POST', '/api/users', { username: 'host-viewer', role: 'viewer', password: 'viewer-password-1' });
    viewer = portal.client();
    assert.equal((await viewer.login('host-viewer', 'viewer-password-1')).status, 303);
  });
  after(async () => {
    await Promise.all([portal.close(), node.close()]);
  });

  const create = async (body: Record<string, unknown>) => {
    const response = await admin.api('POST', '/api/exec-hosts', {
      token: TOKEN,
      address: 'http://etl-01:7391',
      ...body,
    });
    assert.equal(response.status, 201, response.text);
    return response.json<{ data: HostJson }>().data;
  };
  const hostCount = () => db.getRepository(ExecHostEntity).count();

  it('creates, reads, lists, searches, filters, sorts and updates hosts', async () => {
    const created = await create({ name: 'etl-a1', address: 'http://etl-a1:7391/', slots: 8, tags: ['dw', 'ods'] });
    assert.equal(created.address, 'http://etl-a1:7391', 'trailing slash dropped');
    assert.deepEqual(created.tags, ['dw', 'ods']);
    assert.equal(created.status.state, 'unknown');
    assert.equal(created.tokenSet, true);
    await create({ name: 'etl-a2', slots: 2, tags: ['ods'], description: 'second box' });
    await create({ name: 'etl-b3', slots: 4, enabled: false });

    const search = await admin.api('GET', '/api/exec-hosts?search=etl-a&sort=slots&order=desc');
    const found = search.json<{ data: HostJson[]; page: { total: number } }>();
    assert.deepEqual(
      found.data.map((host) => host.name),
      ['etl-a1', 'etl-a2'],
    );
    assert.equal(found.page.total, 2);
    const byTag = (await admin.api('GET', '/api/exec-hosts?tag=ods')).json<{ data: HostJson[] }>().data;
    assert.deepEqual(byTag.map((host) => host.name).sort(), ['etl-a1', 'etl-a2']);
    const disabled = (await admin.api('GET', '/api/exec-hosts?enabled=false')).json<{ data: HostJson[] }>().data;
    assert.deepEqual(
      disabled.map((host) => host.name),
      ['etl-b3'],
    );
    const literal = (await admin.api('GET', '/api/exec-hosts?search=%25')).json<{ data: HostJson[] }>().data;
    assert.equal(literal.length, 0, '% is searched literally');
    assert.equal((await admin.api('GET', '/api/exec-hosts?sort=token')).status, 400);
    const second = (await admin.api('GET', '/api/exec-hosts?search=etl-&sort=name&pageSize=2&page=2')).json<{
      data: HostJson[];
      page: { total: number; pages: number };
    }>();
    assert.deepEqual(
      second.data.map((host) => host.name),
      ['etl-b3'],
    );
    assert.deepEqual([second.page.total, second.page.pages], [3, 2]);
    assert.equal((await admin.api('GET', '/api/exec-hosts?pageSize=0')).status, 400);
    for (const sort of ['state', 'lastSeenAt', 'enabled', 'address', 'updatedAt']) {
      assert.equal((await admin.api('GET', `/api/exec-hosts?sort=${sort}&order=desc`)).status, 200, sort);
    }

    const patched = await admin.api('PATCH', `/api/exec-hosts/${created.id}`, {
      slots: 16,
      tags: ['dw'],
      description: 'big',
    });
    assert.equal(patched.status, 200, patched.text);
    const after = (await admin.api('GET', `/api/exec-hosts/${created.id}`)).json<{ data: HostJson }>().data;
    assert.equal(after.slots, 16);
    assert.deepEqual(after.tags, ['dw']);
    assert.equal((await admin.api('PATCH', `/api/exec-hosts/${created.id}`, { enabled: false })).status, 200);
    assert.equal(
      (await admin.api('GET', `/api/exec-hosts/${created.id}`)).json<{ data: HostJson }>().data.enabled,
      false,
    );

    const page = await admin.get('/exec-hosts?search=etl-a&sort=name&order=desc');
    assert.equal(page.status, 200);
    assert.ok(page.text.indexOf('etl-a2') < page.text.indexOf('etl-a1'), 'sorted by name descending');
    assert.ok(!page.text.includes('etl-b3'));
  });

  it('stores the token encrypted and never shows it after save', async () => {
    const host = await create({ name: 'secret-host' });
    const row = await db.getRepository(ExecHostEntity).findOneByOrFail({ id: host.id });
    assert.ok(!row.tokenEncrypted.includes(TOKEN) && row.tokenEncrypted.startsWith('v1.'));
    const texts = [
      (await admin.api('GET', `/api/exec-hosts/${host.id}`)).text,
      (await admin.api('GET', '/api/exec-hosts')).text,
      (await admin.get('/exec-hosts')).text,
      (await admin.get(`/exec-hosts/${host.id}`)).text,
      (await admin.get(`/exec-hosts/${host.id}/edit`)).text,
      (await admin.api('GET', '/api/audit?pageSize=200')).text,
    ];
    for (const text of texts) assert.ok(!text.includes(TOKEN), 'token absent');

    // A blank token on the edit form keeps the stored one; a new one replaces it.
    await admin.get(`/exec-hosts/${host.id}/edit`);
    const kept = await admin.postForm(`/exec-hosts/${host.id}`, {
      name: 'secret-host',
      address: 'http://etl-01:7391',
      token: '',
      slots: '3',
      tags: 'x, y',
      enabled: 'on',
    });
    assert.equal(kept.status, 303);
    const same = await db.getRepository(ExecHostEntity).findOneByOrFail({ id: host.id });
    assert.equal(same.tokenEncrypted, row.tokenEncrypted);
    assert.equal(same.slots, 3);
    const tags = await db.getRepository(ExecHostTagEntity).findBy({ hostId: host.id });
    assert.deepEqual(tags.map((tag) => tag.tag).sort(), ['x', 'y']);
    assert.equal(
      (await admin.api('PATCH', `/api/exec-hosts/${host.id}`, { token: 'another-token-0123456789' })).status,
      200,
    );
    const changed = await db.getRepository(ExecHostEntity).findOneByOrFail({ id: host.id });
    assert.notEqual(changed.tokenEncrypted, row.tokenEncrypted);
  });

  it('refuses bad input on every field with the field named, saving nothing', async () => {
    const before = await hostCount();
    const cases: [Record<string, unknown>, string][] = [
      [{ name: '' }, 'name'],
      [{ name: 'has space' }, 'name'],
      [{ address: 'ftp://etl:21' }, 'address'],
      [{ address: 'not a url' }, 'address'],
      [{ address: 'http://user:pw@etl:7391' }, 'address'],
      [{ token: 'short' }, 'token'],
      [{ token: 'has spaces in the token!' }, 'token'],
      [{ slots: 0 }, 'slots'],
      [{ slots: '4' }, 'slots'],
      [{ tags: ['ok', 'bad tag'] }, 'tags'],
      [{ tags: 'dw' }, 'tags'],
      [{ enabled: 'false' }, 'enabled'],
      [{ description: 'x'.repeat(1001) }, 'description'],
      [{ isAdmin: true }, 'isAdmin'],
    ];
    for (const [override, field] of cases) {
      const body = { name: 'valid-name', address: 'http://etl:7391', token: TOKEN, slots: 2, ...override };
      const response = await admin.api('POST', '/api/exec-hosts', body);
      assert.equal(response.status, 400, `${JSON.stringify(override)} → ${response.text}`);
      const error = response.json<ErrorJson>();
      assert.ok(error.details?.fields?.[field] ?? error.message.includes(field), `${field} named: ${response.text}`);
    }
    await create({ name: 'taken-name' });
    const duplicate = await admin.api('POST', '/api/exec-hosts', {
      name: 'taken-name',
      address: 'http://x:1',
      token: TOKEN,
    });
    assert.equal(duplicate.json<ErrorJson>().details?.fields?.name, 'is already taken');
    assert.equal(await hostCount(), before + 1);

    // The page form keeps what was typed (escaped), except the token, and names the fields.
    await admin.get('/exec-hosts/new');
    const page = await admin.postForm('/exec-hosts/new', {
      name: 'kept<b>',
      address: 'gopher://x',
      token: 'secret-but-too-short',
      slots: 'many',
      tags: 'a',
      description: 'kept description',
    });
    assert.equal(page.status, 400);
    for (const field of ['name', 'address', 'slots']) assert.ok(page.text.includes(`data-field="${field}"`), field);
    assert.ok(page.text.includes('value="kept&lt;b&gt;"'));
    assert.ok(page.text.includes('value="many"'));
    assert.ok(page.text.includes('kept description'));
    assert.ok(!page.text.includes('secret-but-too-short'));
    assert.equal(await hostCount(), before + 1);
  });

  it('answers 403 to a viewer on every write', async () => {
    const host = await create({ name: 'viewer-target' });
    const attempts = [
      viewer.api('POST', '/api/exec-hosts', { name: 'v1', address: 'http://v:1', token: TOKEN }),
      viewer.api('PATCH', `/api/exec-hosts/${host.id}`, { slots: 2 }),
      viewer.api('DELETE', `/api/exec-hosts/${host.id}`),
      viewer.api('POST', '/api/exec-hosts/delete', { ids: [host.id] }),
      viewer.api('POST', `/api/exec-hosts/${host.id}/test`),
      viewer.postForm('/exec-hosts/new', { name: 'v2', address: 'http://v:1', token: TOKEN, slots: '1' }),
      viewer.postForm(`/exec-hosts/${host.id}/disable`, {}),
      viewer.postForm(`/exec-hosts/${host.id}/delete`, {}),
    ];
    for (const response of await Promise.all(attempts)) assert.equal(response.status, 403);
    assert.equal((await viewer.api('GET', `/api/exec-hosts/${host.id}`)).status, 200);
    const list = await viewer.get('/exec-hosts');
    assert.equal(list.status, 200);
    assert.ok(!list.text.includes('id="new-host"'), 'no create button for a viewer');
    assert.ok(await db.getRepository(ExecHostEntity).existsBy({ id: host.id, enabled: true }));
  });

  it('tests the connection to a real exec node and records its status', async () => {
    const host = await create({ name: 'real-node', address: node.url, token: node.token });
    const response = await admin.api('POST', `/api/exec-hosts/${host.id}/test`);
    assert.equal(response.status, 200, response.text);
    const result = response.json<{ data: { ok: boolean; info: { nodeName: string }; host: HostJson } }>().data;
    assert.equal(result.info.nodeName, 'test-node');
    assert.equal(result.host.status.state, 'online');
    assert.ok(result.host.status.lastSeenAt);
    assert.equal(result.host.status.slotsTotal, 4);
    assert.equal(typeof result.host.status.load, 'number');

    const online = (await admin.api('GET', '/api/exec-hosts?state=online')).json<{ data: HostJson[] }>().data;
    assert.deepEqual(
      online.map((row) => row.name),
      ['real-node'],
    );
    await admin.get(`/exec-hosts/${host.id}`);
    const page = await admin.postForm(`/exec-hosts/${host.id}/test`, {});
    assert.equal(page.status, 200);
    assert.match(page.text, /id="test-result">Connected/);
    assert.match(page.text, /id="host-state">online/);
    assert.ok(page.text.includes('GiB'), 'memory shown');
  });

  it('says clearly when the token is wrong, the node is down or the answer is not JSON-RPC', async () => {
    const wrong = await create({ name: 'wrong-token', address: node.url, token: 'not-the-node-token-123' });
    const refused = await admin.api('POST', `/api/exec-hosts/${wrong.id}/test`);
    assert.equal(refused.status, 503);
    assert.equal(refused.json<ErrorJson>().details?.reason, 'unauthorized');
    assert.match(refused.json<ErrorJson>().message, /refused the token \(HTTP 401\)/);

    const down = await create({ name: 'down-node', address: `http://127.0.0.1:${await freePort()}`, token: TOKEN });
    const unreachable = await admin.api('POST', `/api/exec-hosts/${down.id}/test`);
    assert.equal(unreachable.status, 503);
    assert.equal(unreachable.json<ErrorJson>().details?.reason, 'unreachable');
    assert.match(unreachable.json<ErrorJson>().message, /cannot reach the exec node .*ECONNREFUSED/);
    await admin.get(`/exec-hosts/${down.id}`);
    const page = await admin.postForm(`/exec-hosts/${down.id}/test`, {});
    assert.match(page.text, /id="test-result">Connection failed: cannot reach/);
    assert.match(page.text, /id="host-state">unknown/);

    const web: Server = createServer((_request, response) => response.end('<html>hello</html>'));
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    try {
      const port = (web.address() as { port: number }).port;
      const other = await create({ name: 'not-rpc', address: `http://127.0.0.1:${port}`, token: TOKEN });
      const protocol = await admin.api('POST', `/api/exec-hosts/${other.id}/test`);
      assert.equal(protocol.status, 503);
      assert.equal(protocol.json<ErrorJson>().details?.reason, 'protocol');
      assert.match(protocol.json<ErrorJson>().message, /not JSON-RPC/);
    } finally {
      await new Promise((resolve) => web.close(resolve));
    }
  });

  it('reports a crashed node as unreachable and connects again after its restart', async () => {
    const second = await startExecNode({ name: 'stopping-node' });
    try {
      const host = await create({ name: 'stopping', address: second.url, token: second.token });
      assert.equal((await admin.api('POST', `/api/exec-hosts/${host.id}/test`)).status, 200);
      await second.kill9();
      const failed = await admin.api('POST', `/api/exec-hosts/${host.id}/test`);
      assert.equal(failed.json<ErrorJson>().details?.reason, 'unreachable');
      await second.start();
      assert.equal((await admin.api('POST', `/api/exec-hosts/${host.id}/test`)).status, 200);
    } finally {
      await second.close();
    }
  });

  it('speaks the exec node protocol: run, list, kill, drain, with typed errors for its codes', async () => {
    const small = await startExecNode({
      name: 'one-slot',
      env: { SC__EXECNODE__SLOTS: '1', SC__EXECNODE__KILLGRACEMS: '500' },
    });
    try {
      const client = new ExecNodeClient({ address: `${small.url}/`, token: small.token }, { timeoutMs: 5000 });
      const run = await client.jobRun({ runId: 'jr-1', attempt: 1, command: ['sleep', '30'], jobId: 7 });
      assert.equal(run.state, 'running');
      assert.equal(run.duplicate, false);
      await assert.rejects(client.jobRun({ runId: 'jr-2', attempt: 1, command: ['true'] }), NoSlotError);
      assert.deepEqual(
        (await client.jobList({ state: 'running' })).runs.map((view) => view.runId),
        ['jr-1'],
      );
      assert.equal((await client.jobKill({ runId: 'jr-1' })).stopping, true);
      await assert.rejects(client.jobKill({ runId: 'never-ran' }), RunNotFoundError);
      await assert.rejects(client.jobRun({ runId: 'jr-3', attempt: 0, command: ['true'] }), InvalidParamsError);
      assert.equal((await client.drain()).draining, true);
      const draining = await client
        .jobRun({ runId: 'jr-4', attempt: 1, command: ['true'] })
        .catch((error: unknown) => error);
      assert.ok(draining instanceof DrainingError && draining.rpcCode === -32002, String(draining));
      assert.equal((await client.hostInfo()).draining, true);
      assert.equal((await client.undrain()).draining, false);
    } finally {
      await small.close();
    }
  });

  it('refuses to delete a host jobs are pinned to, unpins them on a confirmed cascade', async () => {
    const tagged = await create({ name: 'pinned-tagged' });
    const bare = await create({ name: 'pinned-bare' });
    const free = await create({ name: 'free-host' });
    const now = new Date();
    const iface = await db.getRepository(InterfaceEntity).save({ name: 'pin-iface', createdAt: now, updatedAt: now });
    const jobs = db.getRepository(JobEntity);
    const job = (name: string, execHostId: number, hostTag: string) =>
      jobs.save({ interfaceId: iface.id, name, command: 'true', execHostId, hostTag, createdAt: now, updatedAt: now });
    const taggedJob = await job('load-tagged', tagged.id, 'dw');
    const bareJob = await job('load-bare', bare.id, '');

    const refused = await admin.api('DELETE', `/api/exec-hosts/${tagged.id}`);
    assert.equal(refused.status, 409);
    const details = refused.json<ErrorJson>().details!;
    assert.equal(refused.json<ErrorJson>().code, 'HAS_DEPENDENTS');
    assert.deepEqual(
      details.blocked?.[0].dependents.map((dependent) => dependent.id),
      [taggedJob.id],
    );
    assert.equal(details.cascadable, true);

    // A batch is all or nothing: the free host survives a refused batch.
    const batch = await admin.api('POST', '/api/exec-hosts/delete', { ids: [free.id, bare.id], cascade: true });
    assert.equal(batch.status, 409);
    assert.equal(batch.json<ErrorJson>().details?.cascadable, false, 'a job without a host tag would be stranded');
    assert.ok(await db.getRepository(ExecHostEntity).existsBy({ id: free.id }));

    // The page shows the dependents and offers the cascade; confirming unpins and deletes.
    await admin.get('/exec-hosts');
    const confirm = await admin.postForm('/exec-hosts/delete', { ids: `${tagged.id},${free.id}` });
    assert.equal(confirm.status, 409);
    assert.ok(confirm.text.includes(`data-dependent="job:${taggedJob.id}"`));
    assert.ok(confirm.text.includes('id="confirm-cascade"'));
    const done = await admin.postForm('/exec-hosts/delete', { ids: `${tagged.id},${free.id}`, cascade: 'on' });
    assert.equal(done.status, 303);
    assert.equal(await db.getRepository(ExecHostEntity).countBy({ name: 'pinned-tagged' }), 0);
    assert.equal(await db.getRepository(ExecHostEntity).countBy({ name: 'free-host' }), 0);
    assert.equal((await jobs.findOneByOrFail({ id: taggedJob.id })).execHostId, null);
    assert.equal((await jobs.findOneByOrFail({ id: bareJob.id })).execHostId, bare.id);

    const audit = await db.getRepository(AuditLogEntity).findBy({ targetType: 'exec_host', action: 'delete' });
    assert.equal(audit.length, 2);
    assert.equal((await admin.api('DELETE', `/api/exec-hosts/${free.id}`)).status, 404);
  });
});
