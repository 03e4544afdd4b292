import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DataSource, LessThan } from 'typeorm';
import { AuthService } from '../../src/modules/auth/auth.service.js';
import { SessionEntity } from '../../src/modules/auth/session.entity.js';
import { ADMIN_PASSWORD, startTestPortal, testDatabase, type TestPortal } from '../support/portal.js';
import { concretePath, registeredRoutes } from '../support/routes.js';

describe(`login, sessions, roles and tokens (${testDatabase()})`, () => {
  let portal: TestPortal;
  before(async () => {
    portal = await startTestPortal();
  });
  after(async () => {
    await portal.close();
  });

  it('answers health without auth', async () => {
    const response = await portal.client().get('/healthz');
    assert.equal(response.status, 200);
    assert.equal(response.json<{ status: string }>().status, 'ok');
  });

  it('redirects every page to /login and answers 401 on every /api and /rpc route when not logged in', async () => {
    const routes = registeredRoutes(portal.app);
    const publicRoutes = new Set(['GET /login', 'POST /login', 'GET /healthz', 'GET /favicon.ico']);
    assert.ok(routes.length > 15, `expected many routes, got ${routes.length}`);
    for (const route of routes) {
      if (publicRoutes.has(`${route.method} ${route.path}`)) continue;
      const client = portal.client();
      const response = await client.request(route.method, concretePath(route.path));
      const label = `${route.method} ${route.path}`;
      if (route.path.startsWith('/api')) {
        assert.equal(response.status, 401, label);
        assert.equal(response.json<{ code: string }>().code, 'UNAUTHENTICATED', label);
      } else if (route.path.startsWith('/rpc/')) {
        // Exec-node callbacks authenticate with a node token, not a session.
        assert.equal(response.status, 401, label);
      } else {
        assert.equal(response.status, 302, label);
        assert.match(response.headers.get('location') ?? '', /^\/login/, label);
      }
    }
  });

  it('logs the admin in, shows the menu, and logs out', async () => {
    const client = await portal.admin();
    const home = await client.get('/');
    assert.equal(home.status, 200);
    for (const href of [
      '/interfaces',
      '/jobs',
      '/dispatches',
      '/executions',
      '/exec-hosts',
      '/alerts',
      '/users',
      '/audit',
    ]) {
      assert.ok(home.text.includes(`href="${href}"`), `menu links ${href}`);
    }
    const logout = await client.postForm('/logout', {});
    assert.equal(logout.status, 303);
    assert.equal((await client.get('/')).status, 302);
  });

  it('refuses a wrong password, without saying whether the user exists', async () => {
    const unknown = await portal.client().login('nobody', 'whatever-123');
    const wrong = await portal.client().login('admin', 'wrong-password-1');
    assert.equal(unknown.status, 401);
    assert.equal(wrong.status, 401);
    assert.ok(unknown.text.includes('Invalid user name or password.'));
    assert.ok(wrong.text.includes('Invalid user name or password.'));
  });

  it('refuses state-changing requests without the CSRF token', async () => {
    const client = await portal.admin();
    const form = await client.request('POST', '/users/new', {
      form: { username: 'csrf-victim', role: 'viewer', password: 'abcdefgh123' },
    });
    assert.equal(form.status, 403);
    const api = await client.request('POST', '/api/users', {
      json: { username: 'csrf-victim', role: 'viewer', password: 'abcdefgh123' },
    });
    assert.equal(api.status, 403);
    assert.equal(api.json<{ code: string }>().code, 'CSRF');
    const login = await portal
      .client()
      .request('POST', '/login', { form: { username: 'admin', password: ADMIN_PASSWORD } });
    assert.equal(login.status, 403);
  });

  it('locks an account after repeated failures', async () => {
    const admin = await portal.admin();
    const created = await admin.api('POST', '/api/users', {
      username: 'lockme',
      role: 'viewer',
      password: 'right-password-1',
    });
    assert.equal(created.status, 201);
    for (let i = 0; i < 5; i++) assert.equal((await portal.client().login('lockme', 'bad-password-1')).status, 401);
    const locked = await portal.client().login('lockme', 'right-password-1');
    assert.equal(locked.status, 401);
    assert.ok(locked.text.includes('Too many failed attempts'));
    const id = created.json<{ data: { id: number } }>().data.id;
    assert.equal((await admin.api('POST', `/api/users/${id}/password`, { password: 'new-password-22' })).status, 201);
    assert.equal((await portal.client().login('lockme', 'new-password-22')).status, 303);
  });

  it('enforces roles: a viewer gets 403 on admin pages and APIs', async () => {
    const admin = await portal.admin();
    await admin.api('POST', '/api/users', { username: 'viewer1', role: 'viewer', password: 'viewer-password-1' });
    const viewer = portal.client();
    assert.equal((await viewer.login('viewer1', 'viewer-password-1')).status, 303);
    assert.equal((await viewer.get('/users')).status, 403);
    const api = await viewer.api('GET', '/api/users');
    assert.equal(api.status, 403);
    assert.deepEqual(Object.keys(api.json<object>()).sort(), ['code', 'message']);
    assert.equal((await viewer.api('GET', '/api/me')).status, 200);
    assert.ok(!(await viewer.get('/')).text.includes('href="/users"'), 'viewer sees no admin menu');
  });

  it('validates user input with the field named and keeps the form', async () => {
    const admin = await portal.admin();
    const api = await admin.api('POST', '/api/users', { username: 'bad name', role: 'root', password: 'short' });
    assert.equal(api.status, 400);
    const body = api.json<{ code: string; details: { fields: Record<string, string> } }>();
    assert.equal(body.code, 'VALIDATION');
    assert.deepEqual(Object.keys(body.details.fields).sort(), ['password', 'role', 'username']);
    const unknownField = await admin.api('POST', '/api/users', {
      username: 'x1',
      role: 'viewer',
      password: 'abcdefgh123',
      isAdmin: true,
    });
    assert.equal(unknownField.status, 400);
    await admin.get('/users/new');
    const page = await admin.postForm('/users/new', {
      username: 'kept-name',
      displayName: 'Kept <b>Display</b>',
      role: 'viewer',
      password: 'x',
    });
    assert.equal(page.status, 400);
    assert.ok(page.text.includes('value="kept-name"'));
    assert.ok(page.text.includes('Kept &lt;b&gt;Display&lt;/b&gt;'), 'input kept and escaped');
    assert.ok(page.text.includes('data-field="password"'));
  });

  it('issues API tokens shown once, stored hashed, and revocable', async () => {
    const admin = await portal.admin();
    const created = await admin.api('POST', '/api/me/tokens', { name: 'ci robot' });
    assert.equal(created.status, 201);
    const { token, id } = created.json<{ data: { token: string; id: number } }>().data;
    assert.match(token, /^mc_/);
    const robot = portal.client();
    const me = await robot.get('/api/me', { authorization: `Bearer ${token}` });
    assert.equal(me.status, 200);
    assert.equal(me.json<{ data: { username: string } }>().data.username, 'admin');
    const listed = await admin.api('GET', '/api/me/tokens');
    assert.ok(!listed.text.includes(token), 'the token is never shown again');
    assert.ok(!listed.text.includes('tokenHash'));
    // A bearer call needs no CSRF token: it carries no ambient cookie.
    const viaToken = await robot.request('POST', '/api/users', {
      json: { username: 'made-by-token', role: 'viewer', password: 'token-made-123' },
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(viaToken.status, 201);
    assert.equal((await admin.api('DELETE', `/api/me/tokens/${id}`)).status, 200);
    assert.equal((await robot.get('/api/me', { authorization: `Bearer ${token}` })).status, 401);
    assert.equal((await robot.get('/api/me', { authorization: 'Bearer mc_forged' })).status, 401);
  });

  it('ends the sessions of a user who is disabled', async () => {
    const admin = await portal.admin();
    const created = await admin.api('POST', '/api/users', {
      username: 'leaver',
      role: 'operator',
      password: 'leaver-password-1',
    });
    const id = created.json<{ data: { id: number } }>().data.id;
    const leaver = portal.client();
    await leaver.login('leaver', 'leaver-password-1');
    assert.equal((await leaver.get('/')).status, 200);
    assert.equal((await admin.api('PATCH', `/api/users/${id}`, { enabled: false })).status, 200);
    assert.equal((await leaver.get('/')).status, 302);
    assert.equal((await portal.client().login('leaver', 'leaver-password-1')).status, 401);
  });

  it('records logins, failures and changes in the audit log', async () => {
    const admin = await portal.admin();
    await portal.client().login('admin', 'not-the-password-1');
    const audit = await admin.api('GET', '/api/audit?pageSize=200');
    const actions = audit.json<{ data: { action: string; username: string }[] }>().data.map((row) => row.action);
    for (const action of ['login', 'login_failed', 'create', 'update', 'password', 'revoke']) {
      assert.ok(actions.includes(action), `audit has ${action}`);
    }
    const page = await admin.get('/audit');
    assert.equal(page.status, 200);
    assert.ok(page.text.includes('login_failed'));
  });

  it('speaks Chinese to a zh-CN browser and the user profile overrides it', async () => {
    const admin = await portal.admin();
    const zh = await admin.get('/', { 'accept-language': 'zh-CN,zh;q=0.9' });
    assert.ok(zh.text.includes('任务流'));
    await admin.get('/profile');
    assert.equal((await admin.postForm('/profile', { displayName: 'Admin', language: 'en' })).status, 303);
    const en = await admin.get('/', { 'accept-language': 'zh-CN' });
    assert.ok(en.text.includes('Interfaces'));
  });

  it('serves the OpenAPI document and Swagger UI only to logged-in users', async () => {
    assert.equal((await portal.client().get('/api/docs')).status, 401);
    assert.equal((await portal.client().get('/api/docs/openapi.json')).status, 401);
    const admin = await portal.admin();
    const ui = await admin.get('/api/docs');
    assert.equal(ui.status, 200);
    assert.match(ui.text, /swagger/i);
    const document = (await admin.get('/api/docs/openapi.json')).json<{ paths: Record<string, unknown> }>();
    assert.ok('/api/users' in document.paths && '/api/me/tokens' in document.paths);
  });

  it('treats expired sessions as logged out and purges them', async () => {
    const client = await portal.admin();
    const sessions = portal.app.get(DataSource).getRepository(SessionEntity);
    await sessions
      .createQueryBuilder()
      .update()
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .execute();
    assert.equal((await client.get('/')).status, 302);
    assert.ok((await portal.app.get(AuthService).purgeExpiredSessions()) >= 1);
    assert.equal(await sessions.count({ where: { expiresAt: LessThan(new Date()) } }), 0);
  });

  it('never follows an off-site next= after login', async () => {
    const client = portal.client();
    await client.get('/login?next=//evil.example/x');
    const response = await client.postForm('/login', {
      username: 'admin',
      password: ADMIN_PASSWORD,
      next: '//evil.example/x',
    });
    assert.equal(response.headers.get('location'), '/');
  });
});
