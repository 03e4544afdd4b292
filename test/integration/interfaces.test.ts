import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { DispatchEntity } from '../../src/modules/dispatch/dispatch.entity.js';
import type { HttpClient } from '../support/http-client.js';
import { startTestPortal, testDatabase, type TestPortal } from '../support/portal.js';

interface InterfaceBody {
  id: number;
  name: string;
  description: string;
  folder: string;
  dataDateWatermark: string | null;
  retryCount: number;
  retryIntervalSeconds: number;
  enabled: boolean;
  parentIds: number[];
  parents: { id: number; name: string }[];
  jobCount: number;
  updatedBy: string;
}
type ErrorBody = {
  code: string;
  message: string;
  details?: { fields?: Record<string, string>; dependents?: unknown[] };
};
type ListBody = { data: InterfaceBody[]; page: { page: number; pageSize: number; total: number; pages: number } };

let counter = 0;
const unique = (prefix: string) => `${prefix}_${++counter}_${Date.now() % 100000}`;

async function createInterface(client: HttpClient, body: Record<string, unknown>): Promise<InterfaceBody> {
  const response = await client.api('POST', '/api/interfaces', body);
  assert.equal(response.status, 201, response.text);
  return response.json<{ data: InterfaceBody }>().data;
}

async function auditRows(client: HttpClient, targetType: string, action: string) {
  const response = await client.api('GET', `/api/audit?targetType=${targetType}&action=${action}&pageSize=200`);
  assert.equal(response.status, 200);
  return response.json<{ data: { targetId: string; targetName: string; detail: string | null; username: string }[] }>()
    .data;
}

describe(`interfaces: API and pages (${testDatabase()})`, () => {
  let portal: TestPortal;
  let admin: HttpClient;
  before(async () => {
    portal = await startTestPortal();
    admin = await portal.admin();
  });
  after(async () => {
    await portal.close();
  });

  it('creates, reads and replaces an interface with its parents, and audits what changed', async () => {
    const parent = await createInterface(admin, { name: unique('ods') });
    const other = await createInterface(admin, { name: unique('stage') });
    const created = await createInterface(admin, {
      name: unique('dwd'),
      description: 'detail layer',
      folder: '/dw//detail/',
      dataDateWatermark: '2026-01-31',
      retryCount: 2,
      retryIntervalSeconds: 30,
      parentIds: [parent.id],
    });
    assert.equal(created.folder, 'dw/detail');
    assert.deepEqual(created.parents, [{ id: parent.id, name: parent.name }]);
    assert.equal(created.updatedBy, 'admin');

    const replaced = await admin.api('PUT', `/api/interfaces/${created.id}`, {
      name: created.name,
      description: 'changed',
      parentIds: [other.id],
    });
    assert.equal(replaced.status, 200, replaced.text);
    const body = replaced.json<{ data: InterfaceBody }>().data;
    assert.equal(body.description, 'changed');
    assert.equal(body.folder, '', 'PUT replaces: an omitted field takes its default');
    assert.equal(body.dataDateWatermark, null);
    assert.equal(body.retryCount, 0);
    assert.deepEqual(body.parentIds, [other.id]);

    const fetched = await admin.api('GET', `/api/interfaces/${created.id}`);
    assert.deepEqual(fetched.json<{ data: InterfaceBody }>().data.parentIds, [other.id]);

    const updates = await auditRows(admin, 'interface', 'update');
    const entry = updates.find((row) => row.targetId === String(created.id));
    assert.ok(entry, 'the update is in the audit log');
    const detail = JSON.parse(entry.detail ?? '{}') as Record<string, unknown>;
    assert.deepEqual(detail.description, { from: 'detail layer', to: 'changed' });
    assert.deepEqual(detail.parents, { added: [other.name], removed: [parent.name] });
    const creates = await auditRows(admin, 'interface', 'create');
    assert.ok(creates.some((row) => row.targetName === created.name));
  });

  it('lists with paging, search, folder and status filters, and whitelisted sorting', async () => {
    const tag = unique('lst');
    for (let i = 0; i < 5; i++) {
      await createInterface(admin, {
        name: `${tag}_${i}`,
        folder: i < 3 ? `${tag}/a` : `${tag}/b/c`,
        description: i === 4 ? 'needle_% here' : '',
        enabled: i !== 2,
      });
    }
    const page = await admin.api('GET', `/api/interfaces?search=${tag}&pageSize=2&page=2&sort=name&order=desc`);
    assert.equal(page.status, 200);
    const body = page.json<ListBody>();
    assert.deepEqual(
      body.data.map((row) => row.name),
      [`${tag}_2`, `${tag}_1`],
    );
    assert.deepEqual(
      { ...body.page, prev: undefined, next: undefined },
      {
        page: 2,
        pageSize: 2,
        total: 5,
        pages: 3,
        prev: undefined,
        next: undefined,
      },
    );
    const folder = await admin.api('GET', `/api/interfaces?folder=${tag}/b&search=${tag}`);
    assert.deepEqual(
      folder.json<ListBody>().data.map((row) => row.name),
      [`${tag}_3`, `${tag}_4`],
    );
    const literal = await admin.api('GET', `/api/interfaces?search=${encodeURIComponent('needle_%')}`);
    assert.deepEqual(
      literal.json<ListBody>().data.map((row) => row.name),
      [`${tag}_4`],
      'LIKE wildcards in a search are taken literally',
    );
    const disabled = await admin.api('GET', `/api/interfaces?search=${tag}&enabled=false`);
    assert.deepEqual(
      disabled.json<ListBody>().data.map((row) => row.name),
      [`${tag}_2`],
    );
    const bad = await admin.api('GET', '/api/interfaces?sort=password&order=sideways&pageSize=5000&enabled=maybe');
    assert.equal(bad.status, 400);
    assert.deepEqual(Object.keys(bad.json<ErrorBody>().details?.fields ?? {}).sort(), [
      'enabled',
      'order',
      'pageSize',
      'sort',
    ]);
  });

  it('refuses bad input on every field with the field named, and saves nothing', async () => {
    const existing = await createInterface(admin, { name: unique('taken') });
    const before = (await admin.api('GET', '/api/interfaces?pageSize=1')).json<ListBody>().page.total;
    const cases: [Record<string, unknown>, string][] = [
      [{}, 'name'],
      [{ name: '   ' }, 'name'],
      [{ name: 'x'.repeat(129) }, 'name'],
      [{ name: 'tab\there' }, 'name'],
      [{ name: existing.name }, 'name'],
      [{ name: 42 }, 'name'],
      [{ name: unique('ok'), description: 'd'.repeat(1001) }, 'description'],
      [{ name: unique('ok'), folder: 'f'.repeat(129) }, 'folder'],
      [{ name: unique('ok'), dataDateWatermark: '2026-02-30' }, 'dataDateWatermark'],
      [{ name: unique('ok'), dataDateWatermark: '31/01/2026' }, 'dataDateWatermark'],
      [{ name: unique('ok'), retryCount: -1 }, 'retryCount'],
      [{ name: unique('ok'), retryCount: 101 }, 'retryCount'],
      [{ name: unique('ok'), retryCount: '3' }, 'retryCount'],
      [{ name: unique('ok'), retryIntervalSeconds: 86_401 }, 'retryIntervalSeconds'],
      [{ name: unique('ok'), enabled: 'false' }, 'enabled'],
      [{ name: unique('ok'), parentIds: [999_999] }, 'parentIds'],
      [{ name: unique('ok'), parentIds: ['1'] }, 'parentIds'],
      [{ name: unique('ok'), parentIds: 5 }, 'parentIds'],
      [{ name: unique('ok'), owner: 'me' }, 'owner'],
    ];
    for (const [body, field] of cases) {
      const response = await admin.api('POST', '/api/interfaces', body);
      assert.equal(response.status, 400, `${JSON.stringify(body)} → ${response.text}`);
      const error = response.json<ErrorBody>();
      assert.equal(error.code, 'VALIDATION');
      assert.ok(error.details?.fields?.[field], `${JSON.stringify(body)} names ${field}: ${response.text}`);
    }
    const self = await admin.api('PUT', `/api/interfaces/${existing.id}`, {
      name: existing.name,
      parentIds: [existing.id],
    });
    assert.equal(self.status, 400);
    assert.match(self.json<ErrorBody>().details?.fields?.parentIds ?? '', /its own parent/);
    const bad = await admin.api('PUT', `/api/interfaces/${existing.id}`, { name: 'renamed', retryCount: 1000 });
    assert.equal(bad.status, 400);
    const after = (await admin.api('GET', '/api/interfaces?pageSize=1')).json<ListBody>().page.total;
    assert.equal(after, before, 'nothing was created');
    const unchanged = (await admin.api('GET', `/api/interfaces/${existing.id}`)).json<{ data: InterfaceBody }>().data;
    assert.equal(unchanged.name, existing.name, 'a refused update changes nothing');
    assert.equal((await admin.api('GET', '/api/interfaces/999999')).status, 404);
    assert.equal((await admin.api('PUT', '/api/interfaces/999999', { name: unique('n') })).status, 404);
  });

  it('gives a viewer the pages and reads but 403 on every change', async () => {
    // Shared: a viewer sees it (a private interface of another owner would answer 404, see owners.test.ts).
    const target = await createInterface(admin, { name: unique('guarded'), shared: true });
    const user = unique('viewer');
    await admin.api('POST', '/api/users', { username: user, role: 'viewer', password: 'viewer-password-1' });
    const viewer = portal.client();
    assert.equal((await viewer.login(user, 'viewer-password-1')).status, 303);
    assert.equal((await viewer.api('GET', '/api/interfaces')).status, 200);
    assert.equal((await viewer.get(`/interfaces/${target.id}`)).status, 200);
    const list = await viewer.get('/interfaces');
    assert.equal(list.status, 200);
    assert.ok(!list.text.includes('id="new-interface"'), 'no create button for a viewer');
    const writes: [string, string, unknown?][] = [
      ['POST', '/api/interfaces', { name: unique('v') }],
      ['PUT', `/api/interfaces/${target.id}`, { name: target.name }],
      ['DELETE', `/api/interfaces/${target.id}`],
      ['POST', `/api/interfaces/${target.id}/disable`],
      ['POST', '/api/interfaces/batch-delete', { ids: [target.id] }],
      ['POST', '/api/interfaces/batch-enable', { ids: [target.id] }],
    ];
    for (const [method, path, body] of writes) {
      const response = await viewer.api(method, path, body);
      assert.equal(response.status, 403, `${method} ${path}`);
    }
    for (const path of ['/interfaces/new', `/interfaces/${target.id}/edit`, `/interfaces/${target.id}/delete`]) {
      assert.equal((await viewer.get(path)).status, 403, path);
    }
    for (const path of ['/interfaces/new', `/interfaces/${target.id}/disable`, `/interfaces/${target.id}/delete`]) {
      assert.equal((await viewer.postForm(path, { name: 'x' })).status, 403, path);
    }
    const still = (await admin.api('GET', `/api/interfaces/${target.id}`)).json<{ data: InterfaceBody }>().data;
    assert.equal(still.enabled, true);
  });

  it('creates and edits through the form pages, keeping the input and naming the field on errors', async () => {
    const parent = await createInterface(admin, { name: unique('form_parent') });
    const name = unique('form <b>&');
    const bad = await admin.postForm('/interfaces/new', {
      name,
      description: 'kept description',
      folder: 'dw',
      dataDateWatermark: '2026-13-01',
      retryCount: 'three',
      retryIntervalSeconds: '60',
      parentIds: String(parent.id),
      addParents: 'no_such_parent',
      enabled: 'on',
    });
    assert.equal(bad.status, 400);
    assert.ok(bad.text.includes('no such interface: no_such_parent'), 'the unknown parent is named');
    assert.ok(bad.text.includes('value="no_such_parent"'), 'the typed parent is kept');
    assert.ok(bad.text.includes('kept description'));
    assert.ok(bad.text.includes(`value="${parent.id}" checked`), 'the picked parent stays picked');
    assert.ok(bad.text.includes('form &lt;b&gt;&amp;'), 'the name is kept, escaped');

    const worse = await admin.postForm('/interfaces/new', {
      name,
      retryCount: 'three',
      dataDateWatermark: '2026-13-01',
    });
    assert.equal(worse.status, 400);
    assert.match(worse.text, /data-field="retryCount">must be a whole number from 0 to 100/);
    assert.match(worse.text, /data-field="dataDateWatermark">[^<]*YYYY-MM-DD|data-field="dataDateWatermark">is not/);
    assert.ok(worse.text.includes('value="three"'), 'the bad number is kept as typed');

    const created = await admin.postForm('/interfaces/new', {
      name,
      description: 'kept description',
      folder: 'dw',
      retryCount: '3',
      retryIntervalSeconds: '60',
      addParents: `${parent.name}`,
      enabled: 'on',
    });
    assert.equal(created.status, 303, created.text);
    const location = created.headers.get('location') ?? '';
    assert.match(location, /^\/interfaces\/\d+$/);
    const detail = await admin.get(location);
    assert.ok(detail.text.includes('form &lt;b&gt;&amp;'));
    assert.ok(!detail.text.includes('form <b>&'), 'never rendered raw');
    assert.ok(detail.text.includes(`href="/interfaces/${parent.id}">${parent.name}</a>`), 'the parent is listed');

    const id = Number(location.split('/').pop());
    const edit = await admin.get(`${location}/edit`);
    assert.equal(edit.status, 200);
    assert.ok(edit.text.includes(`value="${parent.id}" checked`));
    const saved = await admin.postForm(`${location}/edit`, { name, retryCount: '4', retryIntervalSeconds: '10' });
    assert.equal(saved.status, 303);
    const body = (await admin.api('GET', `/api/interfaces/${id}`)).json<{ data: InterfaceBody }>().data;
    assert.equal(body.retryCount, 4);
    assert.deepEqual(body.parentIds, [], 'unticking every parent removes them');
    assert.equal(body.enabled, false, 'an unticked box means disabled');
  });

  it('shows lists that search, filter and sort on the page, with enable/disable single and batch', async () => {
    const tag = unique('pg');
    const a = await createInterface(admin, { name: `${tag}_a`, folder: `${tag}` });
    const b = await createInterface(admin, { name: `${tag}_b`, folder: `${tag}/x` });
    const page = await admin.get(`/interfaces?search=${tag}&sort=name&order=desc`);
    assert.equal(page.status, 200);
    assert.ok(page.text.indexOf(`${tag}_b`) < page.text.indexOf(`${tag}_a`), 'sorted descending');
    const links = page.text.replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');
    assert.ok(
      links.includes(`href="/interfaces?search=${tag}&sort=name&order=asc"`),
      'the active column links the other order',
    );
    const stale = await admin.get('/interfaces?sort=bogus&page=abc');
    assert.equal(stale.status, 200, 'pages fall back to defaults on a stale link');

    const disable = await admin.postForm(`/interfaces/${a.id}/disable`, { back: `/interfaces?search=${tag}` });
    assert.equal(disable.status, 303);
    assert.equal(disable.headers.get('location'), `/interfaces?search=${tag}`);
    const away = await admin.postForm(`/interfaces/${a.id}/enable`, { back: 'https://evil.example/' });
    assert.equal(away.headers.get('location'), `/interfaces/${a.id}`, 'no open redirect');

    const batch = await admin.request('POST', '/interfaces/batch', {
      form: new URLSearchParams([
        ['_csrf', admin.csrfToken],
        ['action', 'disable'],
        ['ids', String(a.id)],
        ['ids', String(b.id)],
      ]) as unknown as Record<string, string>,
    });
    assert.equal(batch.status, 303);
    const disabled = await admin.get(`/interfaces?search=${tag}&enabled=false`);
    assert.ok(disabled.text.includes(`${tag}_a`) && disabled.text.includes(`${tag}_b`));
    const enabled = await admin.api('POST', '/api/interfaces/batch-enable', { ids: [a.id, b.id] });
    assert.equal(enabled.status, 200);
    assert.deepEqual(enabled.json<{ data: { enabled: number[] } }>().data.enabled.sort(), [a.id, b.id].sort());
    const missing = await admin.api('POST', '/api/interfaces/batch-disable', { ids: [a.id, 999_999] });
    assert.equal(missing.status, 400);
    assert.equal(
      (await admin.api('GET', `/api/interfaces/${a.id}`)).json<{ data: InterfaceBody }>().data.enabled,
      true,
    );
    const audits = await auditRows(admin, 'interface', 'disable');
    assert.ok(audits.filter((row) => row.targetName === `${tag}_a`).length >= 2, 'single and batch are audited');
    const empty = await admin.api('POST', '/api/interfaces/batch-enable', { ids: [] });
    assert.equal(empty.status, 400);
  });

  it('refuses to delete an interface that has dependents, and cascades when confirmed', async () => {
    const dataSource = portal.app.get(DataSource);
    const parent = await createInterface(admin, { name: unique('del_parent') });
    const child = await createInterface(admin, { name: unique('del_child'), parentIds: [parent.id] });
    const now = new Date();
    await dataSource.getRepository(DispatchEntity).insert({
      interfaceId: parent.id,
      name: unique('nightly'),
      cron: '0 0 2 * * *',
      createdAt: now,
      updatedAt: now,
    });
    const refused = await admin.api('DELETE', `/api/interfaces/${parent.id}`);
    assert.equal(refused.status, 409);
    const error = refused.json<ErrorBody>();
    assert.equal(error.code, 'HAS_DEPENDENTS');
    const relations = (error.details?.dependents as { relation: string; name: string }[]).map((d) => d.relation);
    assert.deepEqual(relations.sort(), ['child_interface', 'dispatch']);
    assert.match(error.message, /1 child interface, 1 dispatch/);
    assert.equal((await admin.api('GET', `/api/interfaces/${parent.id}`)).status, 200, 'still there');

    const page = await admin.get(`/interfaces/${parent.id}/delete`);
    assert.equal(page.status, 200);
    assert.ok(page.text.includes(child.name) && page.text.includes('id="cascade"'));
    const pageRefused = await admin.postForm(`/interfaces/${parent.id}/delete`, {});
    assert.equal(pageRefused.status, 409);
    assert.ok(pageRefused.text.includes('id="delete-refused"'));

    const cascaded = await admin.postForm(`/interfaces/${parent.id}/delete`, { cascade: 'on' });
    assert.equal(cascaded.status, 303);
    assert.equal((await admin.api('GET', `/api/interfaces/${parent.id}`)).status, 404);
    assert.equal(await dataSource.getRepository(DispatchEntity).countBy({ interfaceId: parent.id }), 0);
    const orphan = (await admin.api('GET', `/api/interfaces/${child.id}`)).json<{ data: InterfaceBody }>().data;
    assert.deepEqual(orphan.parentIds, [], 'the child stays and loses its parent');
    const deletes = await auditRows(admin, 'dispatch', 'delete');
    assert.ok(
      deletes.some((row) => (row.detail ?? '').includes(parent.name)),
      'the cascaded dispatch is audited',
    );
  });

  it('deletes without a cascade when nothing depends, and batch-deletes parents with their children', async () => {
    const lone = await createInterface(admin, { name: unique('lone') });
    const deleted = await admin.api('DELETE', `/api/interfaces/${lone.id}`);
    assert.equal(deleted.status, 200);
    assert.deepEqual(deleted.json<{ data: { deleted: number[] } }>().data.deleted, [lone.id]);
    assert.equal((await admin.api('DELETE', `/api/interfaces/${lone.id}`)).status, 404);

    const top = await createInterface(admin, { name: unique('top') });
    const below = await createInterface(admin, { name: unique('below'), parentIds: [top.id] });
    const together = await admin.api('POST', '/api/interfaces/batch-delete', { ids: [top.id, below.id] });
    assert.equal(together.status, 200, 'a child deleted in the same batch is no dependent');
    const confirm = await admin.postForm('/interfaces/batch', { action: 'delete', ids: String(top.id) });
    assert.equal(confirm.status, 404, 'a deleted interface is not found');
    assert.equal((await admin.api('DELETE', `/api/interfaces/${top.id}?cascade=maybe`)).status, 400);
  });

  it('answers the search-as-you-type picker', async () => {
    const tag = unique('pick');
    const first = await createInterface(admin, { name: `${tag}_one` });
    await createInterface(admin, { name: `${tag}_two` });
    const response = await admin.api('GET', `/api/interfaces/options?q=${tag}&exclude=${first.id}&limit=5`);
    assert.equal(response.status, 200);
    assert.deepEqual(
      response.json<{ data: { name: string }[] }>().data.map((row) => row.name),
      [`${tag}_two`],
    );
    assert.equal((await admin.api('GET', '/api/interfaces/options?limit=1000')).status, 400);
  });
});
