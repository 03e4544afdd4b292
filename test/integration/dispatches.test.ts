import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { AuditLogEntity } from '../../src/modules/audit/audit-log.entity.js';
import { DispatchAlertEntity, DispatchEntity } from '../../src/modules/dispatch/dispatch.entity.js';
import { InterfaceEntity } from '../../src/modules/interface/interface.entity.js';
import type { HttpClient } from '../support/http-client.js';
import { startTestPortal, testDatabase, type TestPortal } from '../support/portal.js';

interface DispatchJson {
  id: number;
  interfaceId: number;
  interfaceName: string | null;
  name: string;
  cron: string;
  timezone: string;
  enabled: boolean;
  misfirePolicy: string;
  overlapPolicy: string;
  runDownstream: boolean;
  dataDateOffsetDays: number;
  nextFireAt: string | null;
  lastFireAt: string | null;
}
interface RuleJson {
  id: number;
  event: string;
  channelId: number;
  channelName: string;
  recipients: string;
  enabled: boolean;
}
interface ErrorJson {
  code: string;
  message: string;
  details?: { fields?: Record<string, string> };
}

describe(`dispatches and dispatch alerts (${testDatabase()})`, () => {
  let portal: TestPortal;
  let admin: HttpClient;
  let viewer: HttpClient;
  let operator: HttpClient;
  let db: DataSource;
  let ods: InterfaceEntity;
  let dw: InterfaceEntity;
  let mailChannel: number;
  let hookChannel: number;

  const user = async (username: string, role: string) => {
    await admin.api('POST', '/api/users', { username, role, password: `${username}-password-1` });
    const client = portal.client();
    assert.equal((await client.login(username, `${username}-password-1`)).status, 303);
    return client;
  };

  before(async () => {
    portal = await startTestPortal();
    db = portal.app.get(DataSource);
    admin = await portal.admin();
    viewer = await user('dispatch-viewer', 'viewer');
    operator = await user('dispatch-operator', 'operator');
    const now = new Date();
    [ods, dw] = await db.getRepository(InterfaceEntity).save([
      { name: 'ods-load', createdAt: now, updatedAt: now },
      { name: 'dw-build', createdAt: now, updatedAt: now },
    ]);
    const channel = async (body: Record<string, unknown>) =>
      (await admin.api('POST', '/api/alerts', body)).json<{ data: { id: number } }>().data.id;
    mailChannel = await channel({
      name: 'dba-mail',
      type: 'smtp',
      smtp: { host: '127.0.0.1', port: 25, tls: 'none', from: 'meshcron@example.com' },
    });
    hookChannel = await channel({ name: 'ops-chat', type: 'webhook', webhook: { url: 'https://chat.example.com/x' } });
  });
  after(async () => {
    await portal.close();
  });

  const create = async (body: Record<string, unknown>, client = admin) => {
    const response = await client.api('POST', '/api/dispatches', { interfaceId: ods.id, cron: '0 0 2 * * ?', ...body });
    assert.equal(response.status, 201, response.text);
    return response.json<{ data: DispatchJson }>().data;
  };
  const count = () => db.getRepository(DispatchEntity).count();

  it('creates with defaults, lists, searches, filters, sorts and updates dispatches', async () => {
    const nightly = await create({ name: 'nightly-ods' });
    assert.equal(nightly.interfaceName, 'ods-load');
    assert.equal(nightly.timezone, 'UTC');
    assert.equal(nightly.misfirePolicy, 'run_once');
    assert.equal(nightly.overlapPolicy, 'skip');
    assert.equal(nightly.runDownstream, true);
    assert.equal(nightly.dataDateOffsetDays, -1, 'T-1 by default');
    assert.match(nightly.nextFireAt ?? '', /T02:00:00\.000Z$/);
    const monthly = await create({
      name: 'month-end-dw',
      interfaceId: dw.id,
      cron: '0  30   6 L * ?',
      timezone: 'asia/shanghai',
      misfirePolicy: 'run_all',
      overlapPolicy: 'queue',
      runDownstream: false,
      dataDateOffsetDays: 0,
      enabled: false,
    });
    assert.equal(monthly.cron, '0 30 6 L * ?', 'spaces normalised');
    assert.equal(monthly.timezone, 'Asia/Shanghai', 'zone canonicalised');
    assert.equal(monthly.nextFireAt, null, 'paused: no next fire');

    const byInterface = (await admin.api('GET', '/api/dispatches?search=dw-bu')).json<{ data: DispatchJson[] }>().data;
    assert.deepEqual(
      byInterface.map((row) => row.name),
      ['month-end-dw'],
    );
    const paused = (await admin.api('GET', '/api/dispatches?enabled=false')).json<{ data: DispatchJson[] }>().data;
    assert.ok(paused.every((row) => !row.enabled) && paused.some((row) => row.name === 'month-end-dw'));
    const filtered = (await admin.api(`GET`, `/api/dispatches?interfaceId=${ods.id}`)).json<{ data: DispatchJson[] }>()
      .data;
    assert.ok(filtered.every((row) => row.interfaceId === ods.id));
    const sorted = (await admin.api('GET', '/api/dispatches?sort=interface&order=asc')).json<{ data: DispatchJson[] }>()
      .data;
    assert.equal(sorted[0].interfaceName, 'dw-build');
    assert.equal((await admin.api('GET', '/api/dispatches?sort=cronx')).status, 400);

    const patched = await admin.api('PATCH', `/api/dispatches/${nightly.id}`, {
      cron: '0 15 1 ? * MON-FRI',
      timezone: 'Europe/Berlin',
    });
    assert.equal(patched.status, 200, patched.text);
    const changed = patched.json<{ data: DispatchJson }>().data;
    assert.equal(changed.cron, '0 15 1 ? * MON-FRI');
    assert.ok(changed.lastFireAt, 'a new schedule starts from now: no misfire recovery of the old one');

    const page = await admin.get('/dispatches?sort=name&order=desc');
    assert.equal(page.status, 200);
    assert.ok(page.text.indexOf('nightly-ods') < page.text.indexOf('month-end-dw'));
    assert.ok(page.text.includes('0 15 1 ? * MON-FRI'));
  });

  it('pauses and resumes, through the API and the pages', async () => {
    const dispatch = await create({ name: 'pausable' });
    const paused = await admin.api('POST', `/api/dispatches/${dispatch.id}/pause`);
    assert.equal(paused.status, 200);
    assert.equal(paused.json<{ data: DispatchJson }>().data.enabled, false);
    assert.equal(paused.json<{ data: DispatchJson }>().data.nextFireAt, null);
    await admin.get(`/dispatches/${dispatch.id}`);
    const resumed = await admin.postForm(`/dispatches/${dispatch.id}/resume`, {});
    assert.equal(resumed.status, 303);
    const detail = await admin.get(`/dispatches/${dispatch.id}`);
    assert.match(detail.text, /id="dispatch-status">Active/);
    const row = await db.getRepository(DispatchEntity).findOneByOrFail({ id: dispatch.id });
    assert.ok(row.enabled && row.lastFireAt, 'resuming starts from now');
    const actions = (
      await db.getRepository(AuditLogEntity).findBy({ targetType: 'dispatch', targetId: String(dispatch.id) })
    ).map((entry) => entry.action);
    assert.deepEqual(actions.sort(), ['create', 'pause', 'resume']);
  });

  it('refuses bad input on every field with the field named, saving nothing', async () => {
    await create({ name: 'taken' });
    const before = await count();
    const cases: [Record<string, unknown>, string, RegExp?][] = [
      [{ interfaceId: undefined }, 'interfaceId'],
      [{ interfaceId: 999_999 }, 'interfaceId', /does not exist/],
      [{ interfaceId: '1' }, 'interfaceId'],
      [{ name: '' }, 'name'],
      [{ name: 'taken' }, 'name', /already taken/],
      [{ description: 'x'.repeat(1001) }, 'description'],
      [{ cron: '0 2 * * *' }, 'cron', /6 fields/],
      [{ cron: '0 0 25 * * ?' }, 'cron', /hour: 25 is out of range/],
      [{ cron: '0 0 2 1 * MON' }, 'cron', /both set/],
      [{ cron: 7 }, 'cron'],
      [{ timezone: 'Moon/Base' }, 'timezone', /IANA/],
      [{ misfirePolicy: 'sometimes' }, 'misfirePolicy'],
      [{ overlapPolicy: 'kill' }, 'overlapPolicy'],
      [{ runDownstream: 'yes' }, 'runDownstream'],
      [{ enabled: 1 }, 'enabled'],
      [{ dataDateOffsetDays: 1000 }, 'dataDateOffsetDays'],
      [{ dataDateOffsetDays: -1.5 }, 'dataDateOffsetDays'],
      [{ lastFireAt: '2026-01-01T00:00:00Z' }, 'lastFireAt'],
    ];
    for (const [override, field, message] of cases) {
      const body = { interfaceId: ods.id, name: 'fresh', cron: '0 0 2 * * ?', ...override };
      const response = await admin.api('POST', '/api/dispatches', body);
      assert.equal(response.status, 400, `${field}: ${response.text}`);
      const named = response.json<ErrorJson>().details?.fields?.[field];
      assert.ok(named, `${field} named: ${response.text}`);
      if (message) assert.match(named, message);
    }
    assert.equal(await count(), before);

    const target = await create({ name: 'patch-target' });
    const badPatch = await admin.api('PATCH', `/api/dispatches/${target.id}`, {
      cron: '0 0 2 L * *',
      name: 'patch-target-2',
      timezone: 'Nowhere',
    });
    assert.equal(badPatch.status, 400);
    assert.deepEqual(Object.keys(badPatch.json<ErrorJson>().details?.fields ?? {}).sort(), ['timezone']);
    const unchanged = await db.getRepository(DispatchEntity).findOneByOrFail({ id: target.id });
    assert.equal(unchanged.name, 'patch-target', 'nothing half-saved');

    // The page keeps what was typed, escaped, names the fields and shows the cron problem in the preview.
    await admin.get('/dispatches/new');
    const page = await admin.postForm('/dispatches/new', {
      interfaceId: String(ods.id),
      name: 'kept <name>',
      cron: '0 0 2 32 * ?',
      timezone: 'UTC',
      misfirePolicy: 'run_once',
      overlapPolicy: 'skip',
      dataDateOffsetDays: 'minus one',
    });
    assert.equal(page.status, 400);
    assert.ok(page.text.includes('data-field="cron"') && page.text.includes('data-field="dataDateOffsetDays"'));
    assert.ok(page.text.includes('value="kept &lt;name&gt;"'));
    assert.ok(page.text.includes('value="0 0 2 32 * ?"'));
    assert.ok(page.text.includes('value="minus one"'));
    assert.match(page.text, /id="cron-preview-error" class="mc-alert" >cron: day-of-month: 32 is out of range 1-31/);
    assert.equal(await count(), before + 1);
  });

  it('creates through the form and shows the next 10 fires on the form and the detail page', async () => {
    const form = await admin.get('/dispatches/new');
    assert.equal(form.status, 200);
    assert.ok(form.text.includes('src="/public/js/dispatches/form.js"'));
    assert.equal(
      (form.text.match(/<tr><td>\d{4}-\d{2}-\d{2} 02:00:00 UTC<\/td>/g) ?? []).length,
      10,
      'default cron previewed',
    );
    const created = await admin.postForm('/dispatches/new', {
      interfaceId: String(dw.id),
      name: 'form-made',
      description: 'weekly',
      cron: '0 0 9 ? * MON#1',
      timezone: 'America/New_York',
      misfirePolicy: 'skip',
      overlapPolicy: 'parallel',
      dataDateOffsetDays: '-2',
      enabled: 'on',
    });
    assert.equal(created.status, 303, created.text);
    const id = Number(/\/dispatches\/(\d+)$/.exec(created.headers.get('location') ?? '')?.[1]);
    const row = await db.getRepository(DispatchEntity).findOneByOrFail({ id });
    assert.deepEqual(
      [row.interfaceId, row.timezone, row.misfirePolicy, row.overlapPolicy, row.runDownstream, row.dataDateOffsetDays],
      [dw.id, 'America/New_York', 'skip', 'parallel', false, -2],
    );
    const detail = await admin.get(`/dispatches/${id}`);
    const times = [...detail.text.matchAll(/<tr><td>([^<]+)<\/td><td>([^<]+Z)<\/td><\/tr>/g)];
    assert.equal(times.length, 10);
    for (const [, local, utc] of times) {
      assert.match(local, / 09:00:00 E[SD]T$/);
      const day = new Date(utc);
      assert.ok(day.getUTCDay() === 1 && day.getUTCDate() <= 7, `${utc} is a first Monday`);
    }
    const api = (
      await admin.api(
        'GET',
        `/api/dispatches/preview?cron=${encodeURIComponent('0 0 9 ? * MON#1')}&timezone=America/New_York`,
      )
    ).json<{
      data: string[];
    }>().data;
    assert.deepEqual(
      times.map(([, , utc]) => utc),
      api,
      'the page shows what the preview API computes',
    );
  });

  it('answers 403 to a viewer on every write and lets an operator schedule', async () => {
    const dispatch = await create({ name: 'guarded' });
    const attempts = [
      viewer.api('POST', '/api/dispatches', { interfaceId: ods.id, name: 'v', cron: '0 0 2 * * ?' }),
      viewer.api('PATCH', `/api/dispatches/${dispatch.id}`, { name: 'v2' }),
      viewer.api('POST', `/api/dispatches/${dispatch.id}/pause`),
      viewer.api('POST', `/api/dispatches/${dispatch.id}/resume`),
      viewer.api('DELETE', `/api/dispatches/${dispatch.id}`),
      viewer.api('POST', '/api/dispatches/delete', { ids: [dispatch.id] }),
      viewer.api('POST', `/api/dispatches/${dispatch.id}/alerts`, {
        event: 'failure',
        channelId: mailChannel,
        recipients: 'a@example.com',
      }),
      viewer.api('PUT', `/api/dispatches/${dispatch.id}/alerts`, { rules: [] }),
      viewer.postForm('/dispatches/new', { interfaceId: String(ods.id), name: 'v3', cron: '0 0 2 * * ?' }),
      viewer.postForm(`/dispatches/${dispatch.id}/pause`, {}),
      viewer.postForm(`/dispatches/${dispatch.id}/alerts`, {
        event: 'failure',
        channelId: String(mailChannel),
        recipients: 'a@example.com',
      }),
      viewer.postForm(`/dispatches/${dispatch.id}/delete`, {}),
    ];
    for (const response of await Promise.all(attempts)) assert.equal(response.status, 403);
    assert.equal((await viewer.api('GET', `/api/dispatches/${dispatch.id}`)).status, 200);
    assert.equal((await viewer.api('GET', `/api/dispatches/${dispatch.id}/alerts`)).status, 200);
    assert.ok(!(await viewer.get(`/dispatches/${dispatch.id}`)).text.includes('id="add-alert"'));
    const byOperator = await create({ name: 'operator-made' }, operator);
    assert.equal((await operator.api('POST', `/api/dispatches/${byOperator.id}/pause`)).status, 200);
    assert.ok(await db.getRepository(DispatchEntity).existsBy({ id: dispatch.id, enabled: true, name: 'guarded' }));
  });

  it('edits alert rules through the API: add, replace, change, delete, with recipients validated', async () => {
    const dispatch = await create({ name: 'alerting' });
    const base = `/api/dispatches/${dispatch.id}/alerts`;
    const added = await admin.api('POST', base, {
      event: 'failure',
      channelId: mailChannel,
      recipients: 'dba@example.com;oncall@example.com',
    });
    assert.equal(added.status, 201, added.text);
    const [rule] = added.json<{ data: RuleJson[] }>().data;
    assert.equal(rule.channelName, 'dba-mail');
    assert.equal(rule.recipients, 'dba@example.com, oncall@example.com');

    const field = async (method: string, path: string, body: unknown) => {
      const response = await admin.api(method, path, body);
      assert.equal(response.status, 400, response.text);
      return response.json<ErrorJson>().details?.fields ?? {};
    };
    assert.ok(
      (await field('POST', base, { event: 'failure', channelId: mailChannel, recipients: 'dba@example.com' }))
        .channelId,
    );
    assert.match(
      (await field('POST', base, { event: 'success', channelId: mailChannel, recipients: 'not-mail' })).recipients,
      /not an email/,
    );
    assert.match((await field('POST', base, { event: 'success', channelId: mailChannel })).recipients, /at least one/);
    assert.ok(
      (await field('POST', base, { event: 'explode', channelId: mailChannel, recipients: 'a@example.com' })).event,
    );
    assert.match(
      (await field('POST', base, { event: 'success', channelId: 99999, recipients: 'a@example.com' })).channelId,
      /alert channel/,
    );
    const replaceErrors = await field('PUT', base, {
      rules: [
        { event: 'success', channelId: hookChannel },
        { event: 'timeout', channelId: mailChannel, recipients: 'x@example.com, broken' },
      ],
    });
    assert.deepEqual(Object.keys(replaceErrors), ['rules.1.recipients']);
    assert.equal((await admin.api('GET', base)).json<{ data: RuleJson[] }>().data.length, 1, 'nothing half-saved');

    const replaced = await admin.api('PUT', base, {
      rules: [
        { event: 'success', channelId: hookChannel, recipients: '@ops' },
        { event: 'timeout', channelId: mailChannel, recipients: 'x@example.com' },
        { event: 'recovery', channelId: mailChannel, recipients: 'x@example.com', enabled: false },
      ],
    });
    assert.equal(replaced.status, 200, replaced.text);
    const rules = replaced.json<{ data: RuleJson[] }>().data;
    assert.deepEqual(
      rules.map((item) => `${item.event}:${item.channelName}:${item.enabled}`),
      ['success:ops-chat:true', 'timeout:dba-mail:true', 'recovery:dba-mail:false'],
    );
    const changed = await admin.api('PATCH', `${base}/${rules[1].id}`, { recipients: 'y@example.com', enabled: false });
    assert.equal(changed.status, 200, changed.text);
    assert.equal(changed.json<{ data: RuleJson[] }>().data[1].recipients, 'y@example.com');
    assert.equal((await admin.api('DELETE', `${base}/${rules[0].id}`)).status, 200);
    assert.equal((await admin.api('GET', base)).json<{ data: RuleJson[] }>().data.length, 2);
    assert.equal((await admin.api('DELETE', `${base}/${rules[0].id}`)).status, 404);
  });

  it('edits alert rules on the detail page like the legacy alert tab', async () => {
    const dispatch = await create({ name: 'paged-alerts' });
    await admin.get(`/dispatches/${dispatch.id}`);
    const bad = await admin.postForm(`/dispatches/${dispatch.id}/alerts`, {
      event: 'failure',
      channelId: String(mailChannel),
      recipients: 'dba@example.com, nope',
    });
    assert.equal(bad.status, 400);
    assert.ok(bad.text.includes('data-field="recipients"'));
    assert.ok(bad.text.includes('value="dba@example.com, nope"'), 'input kept');
    const added = await admin.postForm(`/dispatches/${dispatch.id}/alerts`, {
      event: 'timeout',
      channelId: String(mailChannel),
      recipients: 'dba@example.com',
    });
    assert.equal(added.status, 303);
    const [rule] = await db.getRepository(DispatchAlertEntity).findBy({ dispatchId: dispatch.id });
    assert.equal(rule.event, 'timeout');
    const detail = await admin.get(`/dispatches/${dispatch.id}`);
    assert.ok(detail.text.includes(`data-rule-id="${rule.id}"`) && detail.text.includes('dba@example.com'));
    assert.equal((await admin.postForm(`/dispatches/${dispatch.id}/alerts/${rule.id}/disable`, {})).status, 303);
    assert.equal((await db.getRepository(DispatchAlertEntity).findOneByOrFail({ id: rule.id })).enabled, false);
    assert.equal((await admin.postForm(`/dispatches/${dispatch.id}/alerts/${rule.id}/delete`, {})).status, 303);
    assert.equal(await db.getRepository(DispatchAlertEntity).countBy({ dispatchId: dispatch.id }), 0);
  });

  it('deletes dispatches with their alert rules, one or several at once', async () => {
    const first = await create({ name: 'doomed-1' });
    const second = await create({ name: 'doomed-2' });
    const survivor = await create({ name: 'survivor' });
    await admin.api('POST', `/api/dispatches/${first.id}/alerts`, {
      event: 'failure',
      channelId: mailChannel,
      recipients: 'a@example.com',
    });
    const missing = await admin.api('POST', '/api/dispatches/delete', { ids: [first.id, 999_999] });
    assert.equal(missing.status, 404);
    assert.ok(await db.getRepository(DispatchEntity).existsBy({ id: first.id }), 'all or nothing');
    await admin.get('/dispatches');
    const done = await admin.postForm('/dispatches/delete', { ids: `${first.id},${second.id}` });
    assert.equal(done.status, 303);
    assert.equal(await db.getRepository(DispatchEntity).countBy({ name: 'doomed-1' }), 0);
    assert.equal(await db.getRepository(DispatchEntity).countBy({ name: 'doomed-2' }), 0);
    assert.equal(await db.getRepository(DispatchAlertEntity).countBy({ dispatchId: first.id }), 0);
    assert.equal((await admin.api('DELETE', `/api/dispatches/${survivor.id}`)).status, 200);
    assert.equal((await admin.api('GET', `/api/dispatches/${survivor.id}`)).status, 404);
  });
});
