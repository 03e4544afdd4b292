import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { AlertChannelEntity } from '../../src/modules/alert/alert-channel.entity.js';
import { AuditLogEntity } from '../../src/modules/audit/audit-log.entity.js';
import { DispatchAlertEntity, DispatchEntity } from '../../src/modules/dispatch/dispatch.entity.js';
import { InterfaceEntity } from '../../src/modules/interface/interface.entity.js';
import type { HttpClient } from '../support/http-client.js';
import { startTestPortal, testDatabase, type TestPortal } from '../support/portal.js';
import { startSmtpSink, type SmtpSink } from '../support/services.js';

interface ChannelJson {
  id: number;
  name: string;
  type: string;
  enabled: boolean;
  smtp?: { host: string; port: number; tls: string; user: string; from: string; passwordSet: boolean };
  webhook?: {
    url: string;
    method: string;
    bodyTemplate: string;
    headers: Record<string, string>;
    secretHeaderNames: string[];
  };
}
interface ErrorJson {
  code: string;
  message: string;
  details?: { fields?: Record<string, string>; reason?: string; blocked?: { dependents: { id: number }[] }[] };
}
interface Received {
  method: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const SMTP_PASSWORD = 'smtp-pa55word-that-stays-secret';
const SECRET_HEADER = 'Bearer webhook-secret-value-42';

/** A local webhook receiver; answers with `status`. */
async function startReceiver(status = 200) {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        method: request.method ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      response.statusCode = status;
      response.end(status === 200 ? '{"ok":true}' : 'robot is down');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook?room=ops`;
  return { received, url, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe(`alert channels (${testDatabase()})`, () => {
  let portal: TestPortal;
  let admin: HttpClient;
  let viewer: HttpClient;
  let sink: SmtpSink;
  let db: DataSource;

  before(async () => {
    [portal, sink] = await Promise.all([startTestPortal(), startSmtpSink({ user: 'mailer', password: SMTP_PASSWORD })]);
    db = portal.app.get(DataSource);
    admin = await portal.admin();
    await admin.api('POST', '/api/users', { username: 'alert-viewer', role: 'viewer', password: 'viewer-password-1' });
    viewer = portal.client();
    assert.equal((await viewer.login('alert-viewer', 'viewer-password-1')).status, 303);
  });
  after(async () => {
    await Promise.all([portal.close(), sink.close()]);
  });

  const smtpBody = (name: string, smtp: Record<string, unknown> = {}) => ({
    name,
    type: 'smtp',
    smtp: {
      host: sink.host,
      port: sink.port,
      tls: 'none',
      user: 'mailer',
      password: SMTP_PASSWORD,
      from: 'Meshcron <meshcron@example.com>',
      ...smtp,
    },
  });
  const create = async (body: Record<string, unknown>) => {
    const response = await admin.api('POST', '/api/alerts', body);
    assert.equal(response.status, 201, response.text);
    return response.json<{ data: ChannelJson }>().data;
  };

  it('creates, lists, searches, filters, sorts and updates channels', async () => {
    const mail = await create(smtpBody('ops-mail'));
    assert.deepEqual(mail.smtp, {
      host: sink.host,
      port: sink.port,
      tls: 'none',
      user: 'mailer',
      from: 'Meshcron <meshcron@example.com>',
      passwordSet: true,
    });
    const hook = await create({
      name: 'ops-robot',
      type: 'webhook',
      webhook: { url: 'https://chat.example.com/robot' },
    });
    assert.equal(hook.webhook?.method, 'POST');
    assert.match(hook.webhook?.bodyTemplate ?? '', /\{\{subject\}\}/, 'default template');
    await create({
      name: 'dev-robot',
      type: 'webhook',
      enabled: false,
      webhook: { url: 'https://chat.example.com/dev' },
    });

    const ops = (await admin.api('GET', '/api/alerts?search=ops&sort=name&order=desc')).json<{ data: ChannelJson[] }>();
    assert.deepEqual(
      ops.data.map((row) => row.name),
      ['ops-robot', 'ops-mail'],
    );
    const hooks = (await admin.api('GET', '/api/alerts?type=webhook&enabled=true')).json<{ data: ChannelJson[] }>();
    assert.deepEqual(
      hooks.data.map((row) => row.name),
      ['ops-robot'],
    );
    assert.equal((await admin.api('GET', '/api/alerts?type=sms')).status, 400);

    const patched = await admin.api('PATCH', `/api/alerts/${hook.id}`, {
      webhook: { method: 'PUT', headers: { 'X-Room': 'ops' } },
    });
    assert.equal(patched.status, 200, patched.text);
    const changed = patched.json<{ data: ChannelJson }>().data;
    assert.equal(changed.webhook?.method, 'PUT');
    assert.equal(changed.webhook?.url, 'https://chat.example.com/robot', 'unchanged fields kept');
    assert.deepEqual(changed.webhook?.headers, { 'X-Room': 'ops' });
    const retype = await admin.api('PATCH', `/api/alerts/${hook.id}`, { type: 'smtp' });
    assert.equal(retype.json<ErrorJson>().details?.fields?.type, 'cannot be changed; create another channel');

    const page = await admin.get('/alerts?type=webhook');
    assert.ok(page.text.includes('ops-robot') && !page.text.includes('ops-mail'));
  });

  it('stores passwords and secret headers encrypted and never shows them', async () => {
    const mail = await create(smtpBody('secret-mail'));
    const hook = await create({
      name: 'secret-hook',
      type: 'webhook',
      webhook: { url: 'https://chat.example.com/x', secretHeaders: { Authorization: SECRET_HEADER } },
    });
    assert.deepEqual(hook.webhook?.secretHeaderNames, ['Authorization']);
    const rows = await db.getRepository(AlertChannelEntity).find();
    for (const row of rows) {
      assert.ok(!row.secretEncrypted.includes(SMTP_PASSWORD) && !row.secretEncrypted.includes('webhook-secret'));
      assert.ok(!row.settings.includes(SMTP_PASSWORD) && !row.settings.includes('webhook-secret'));
    }
    const texts = [
      (await admin.api('GET', '/api/alerts')).text,
      (await admin.api('GET', `/api/alerts/${mail.id}`)).text,
      (await admin.get('/alerts')).text,
      (await admin.get(`/alerts/${mail.id}`)).text,
      (await admin.get(`/alerts/${mail.id}/edit`)).text,
      (await admin.get(`/alerts/${hook.id}`)).text,
      (await admin.get(`/alerts/${hook.id}/edit`)).text,
      (await admin.api('GET', '/api/audit?pageSize=200')).text,
    ];
    for (const text of texts) {
      assert.ok(!text.includes(SMTP_PASSWORD) && !text.includes('webhook-secret'), 'secret absent');
    }
    // Saving the edit form with a blank password keeps it (the test message still authenticates).
    await admin.get(`/alerts/${mail.id}/edit`);
    const saved = await admin.postForm(`/alerts/${mail.id}`, {
      kind: 'smtp',
      name: 'secret-mail',
      smtpHost: sink.host,
      smtpPort: String(sink.port),
      smtpTls: 'none',
      smtpUser: 'mailer',
      smtpPassword: '',
      smtpFrom: 'alerts@example.com',
      enabled: 'on',
    });
    assert.equal(saved.status, 303);
    const sent = await admin.api('POST', `/api/alerts/${mail.id}/test`, { recipients: 'kept@example.com' });
    assert.equal(sent.status, 200, sent.text);
    // null removes the password: the sink then refuses the unauthenticated mail.
    assert.equal(
      (await admin.api('PATCH', `/api/alerts/${mail.id}`, { smtp: { password: null, user: '' } })).status,
      200,
    );
    assert.equal(
      (await admin.api('GET', `/api/alerts/${mail.id}`)).json<{ data: ChannelJson }>().data.smtp?.passwordSet,
      false,
    );
  });

  it('sends a real test mail through the SMTP sink with the right subject and recipients', async () => {
    const mail = await create(smtpBody('test-mail'));
    sink.clear();
    const response = await admin.api('POST', `/api/alerts/${mail.id}/test`, {
      recipients: 'dba@example.com, oncall@example.com',
    });
    assert.equal(response.status, 200, response.text);
    const [message] = await sink.waitFor(1);
    assert.equal(message.subject, 'Meshcron test message (test-mail)');
    assert.deepEqual(message.to.sort(), ['dba@example.com', 'oncall@example.com']);
    assert.equal(message.user, 'mailer', 'authenticated with the decrypted password');
    assert.equal(message.from, 'meshcron@example.com');
    assert.match(message.text, /test message from Meshcron, sent by admin/);

    // Through the page: the detail shows the result; bad recipients are a field error.
    sink.clear();
    await admin.get(`/alerts/${mail.id}`);
    const page = await admin.postForm(`/alerts/${mail.id}/test`, { recipients: 'page@example.com' });
    assert.equal(page.status, 200);
    assert.match(page.text, /id="test-result">Sent: accepted by/);
    assert.deepEqual((await sink.waitFor(1))[0].to, ['page@example.com']);
    const bad = await admin.postForm(`/alerts/${mail.id}/test`, { recipients: 'not-an-address' });
    assert.equal(bad.status, 400);
    assert.ok(bad.text.includes('data-field="recipients"'));
    assert.ok(bad.text.includes('value="not-an-address"'));
    const none = await admin.api('POST', `/api/alerts/${mail.id}/test`, {});
    assert.equal(none.json<ErrorJson>().details?.fields?.recipients, 'needs at least one email address');
  });

  it('reports a refused or unreachable SMTP server clearly', async () => {
    const wrong = await create(smtpBody('wrong-password', { password: 'not-the-password' }));
    const refused = await admin.api('POST', `/api/alerts/${wrong.id}/test`, { recipients: 'a@example.com' });
    assert.equal(refused.status, 503);
    assert.match(refused.json<ErrorJson>().message, /^the test message was not delivered: .*(auth|login|535)/i);
    const closed = await create(smtpBody('closed-port', { port: 1 }));
    const unreachable = await admin.api('POST', `/api/alerts/${closed.id}/test`, { recipients: 'a@example.com' });
    assert.equal(unreachable.status, 503);
    assert.match(unreachable.json<ErrorJson>().message, /ECONNREFUSED/);
  });

  it('posts the rendered body to a webhook, with its headers and secret headers', async () => {
    const receiver = await startReceiver();
    try {
      const hook = await create({
        name: 'chat-robot',
        type: 'webhook',
        webhook: {
          url: receiver.url,
          method: 'PUT',
          bodyTemplate: '{"msgtype": "text", "text": {"content": "[{{event}}] {{subject}}"}, "to": {{recipients}}}',
          headers: { 'X-Robot': 'meshcron' },
          secretHeaders: { Authorization: SECRET_HEADER },
        },
      });
      const response = await admin.api('POST', `/api/alerts/${hook.id}/test`, { recipients: '@ops "team"' });
      assert.equal(response.status, 200, response.text);
      assert.match(response.json<{ data: { result: string } }>().data.result, /^HTTP 200/);
      assert.equal(receiver.received.length, 1);
      const [call] = receiver.received;
      assert.equal(call.method, 'PUT');
      assert.equal(call.headers['x-robot'], 'meshcron');
      assert.equal(call.headers.authorization, SECRET_HEADER);
      assert.match(call.headers['content-type'] ?? '', /^application\/json/);
      assert.deepEqual(JSON.parse(call.body), {
        msgtype: 'text',
        text: { content: '[test] Meshcron test message (chat-robot)' },
        to: '@ops "team"',
      });
    } finally {
      await receiver.close();
    }
    const failing = await startReceiver(500);
    try {
      const hook = await create({ name: 'broken-robot', type: 'webhook', webhook: { url: failing.url } });
      const response = await admin.api('POST', `/api/alerts/${hook.id}/test`, {});
      assert.equal(response.status, 503);
      assert.match(response.json<ErrorJson>().message, /answered HTTP 500: robot is down/);
    } finally {
      await failing.close();
    }
  });

  it('refuses bad input on every field with the field named, saving nothing', async () => {
    const before = await db.getRepository(AlertChannelEntity).count();
    const cases: [Record<string, unknown>, string][] = [
      [{ ...smtpBody(''), name: '' }, 'name'],
      [{ ...smtpBody('t1'), type: 'sms' }, 'type'],
      [smtpBody('t2', { host: 'bad host!' }), 'smtp.host'],
      [smtpBody('t3', { port: 70000 }), 'smtp.port'],
      [smtpBody('t4', { port: '25' }), 'smtp.port'],
      [smtpBody('t5', { tls: 'ssl' }), 'smtp.tls'],
      [smtpBody('t6', { from: 'nobody' }), 'smtp.from'],
      [smtpBody('t7', { password: 42 }), 'smtp.password'],
      [smtpBody('t7b', { extra: 1 }), 'smtp.extra'],
      [{ name: 't8', type: 'smtp' }, 'smtp'],
      [{ name: 't9', type: 'webhook', webhook: { url: 'ftp://x' } }, 'webhook.url'],
      [{ name: 't10', type: 'webhook', webhook: { url: 'http://x', method: 'GET' } }, 'webhook.method'],
      [
        { name: 't11', type: 'webhook', webhook: { url: 'http://x', bodyTemplate: '{"a": {{password}}}' } },
        'webhook.bodyTemplate',
      ],
      [{ name: 't12', type: 'webhook', webhook: { url: 'http://x', bodyTemplate: '{"a": ' } }, 'webhook.bodyTemplate'],
      [{ name: 't13', type: 'webhook', webhook: { url: 'http://x', headers: { 'Bad Name': 'x' } } }, 'webhook.headers'],
      [
        { name: 't14', type: 'webhook', webhook: { url: 'http://x', headers: { 'X-A': 'a\r\nInjected: 1' } } },
        'webhook.headers',
      ],
      [{ name: 't15', type: 'webhook', webhook: { url: 'http://x' }, smtp: {} }, 'smtp'],
      [{ ...smtpBody('t16'), enabled: 'yes' }, 'enabled'],
    ];
    for (const [body, field] of cases) {
      const response = await admin.api('POST', '/api/alerts', body);
      assert.equal(response.status, 400, `${field}: ${response.text}`);
      assert.ok(response.json<ErrorJson>().details?.fields?.[field], `${field} named: ${response.text}`);
    }
    await create(smtpBody('unique-mail'));
    const duplicate = await admin.api('POST', '/api/alerts', smtpBody('unique-mail'));
    assert.equal(duplicate.json<ErrorJson>().details?.fields?.name, 'is already taken');
    assert.equal(await db.getRepository(AlertChannelEntity).count(), before + 1);

    await admin.get('/alerts/new');
    const page = await admin.postForm('/alerts/new', {
      name: 'form-hook',
      type: 'webhook',
      webhookUrl: 'https://chat.example.com/ok',
      webhookMethod: 'POST',
      webhookBodyTemplate: '{"text": {{nope}}}',
      webhookHeaders: 'X-Fine: 1\nnot a header line',
      webhookSecretHeaders: 'Authorization: typed-secret-value',
    });
    assert.equal(page.status, 400);
    assert.ok(page.text.includes('data-field="webhook.bodyTemplate"'));
    assert.ok(page.text.includes('data-field="webhook.headers"'));
    assert.ok(page.text.includes('value="https://chat.example.com/ok"'), 'input kept');
    assert.ok(!page.text.includes('typed-secret-value'), 'secret not echoed');
    assert.equal(await db.getRepository(AlertChannelEntity).count(), before + 1);
  });

  it('answers 403 to a viewer on every write', async () => {
    const mail = await create(smtpBody('viewer-target'));
    const attempts = [
      viewer.api('POST', '/api/alerts', smtpBody('v1')),
      viewer.api('PATCH', `/api/alerts/${mail.id}`, { enabled: false }),
      viewer.api('DELETE', `/api/alerts/${mail.id}`),
      viewer.api('POST', '/api/alerts/delete', { ids: [mail.id] }),
      viewer.api('POST', `/api/alerts/${mail.id}/test`, { recipients: 'a@example.com' }),
      viewer.postForm('/alerts/new', { name: 'v2', type: 'smtp' }),
      viewer.postForm(`/alerts/${mail.id}/test`, { recipients: 'a@example.com' }),
      viewer.postForm(`/alerts/${mail.id}/delete`, {}),
    ];
    for (const response of await Promise.all(attempts)) assert.equal(response.status, 403);
    assert.equal((await viewer.api('GET', `/api/alerts/${mail.id}`)).status, 200);
    assert.ok(!(await viewer.get(`/alerts/${mail.id}`)).text.includes('id="send-test"'));
  });

  it('refuses to delete a channel dispatch alerts use, and deletes them with it on a confirmed cascade', async () => {
    const used = await create(smtpBody('used-mail'));
    const unused = await create(smtpBody('unused-mail'));
    const now = new Date();
    const iface = await db.getRepository(InterfaceEntity).save({ name: 'alert-iface', createdAt: now, updatedAt: now });
    const dispatch = await db
      .getRepository(DispatchEntity)
      .save({ interfaceId: iface.id, name: 'nightly-load', cron: '0 0 2 * * ?', createdAt: now, updatedAt: now });
    const rule = await db
      .getRepository(DispatchAlertEntity)
      .save({ dispatchId: dispatch.id, event: 'failure', channelId: used.id, recipients: 'dba@example.com' });

    const refused = await admin.api('POST', '/api/alerts/delete', { ids: [unused.id, used.id] });
    assert.equal(refused.status, 409);
    assert.deepEqual(
      refused.json<ErrorJson>().details?.blocked?.[0].dependents.map((dependent) => dependent.id),
      [rule.id],
    );
    assert.ok(await db.getRepository(AlertChannelEntity).existsBy({ id: unused.id }), 'nothing deleted');

    await admin.get(`/alerts/${used.id}`);
    const confirm = await admin.postForm(`/alerts/${used.id}/delete`, {});
    assert.equal(confirm.status, 409);
    assert.ok(confirm.text.includes('nightly-load (failure)'));
    const done = await admin.postForm('/alerts/delete', { ids: `${used.id},${unused.id}`, cascade: 'on' });
    assert.equal(done.status, 303);
    assert.equal(await db.getRepository(AlertChannelEntity).countBy({ name: 'used-mail' }), 0);
    assert.equal(await db.getRepository(DispatchAlertEntity).countBy({ id: rule.id }), 0);
    const audit = await db
      .getRepository(AuditLogEntity)
      .findOneByOrFail({ targetType: 'alert_channel', action: 'delete', targetId: String(used.id) });
    assert.match(audit.detail ?? '', /deletedDispatchAlerts/);
  });
});
