import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { HttpClient } from '../support/http-client.js';
import { startTestPortal, testDatabase, type TestPortal } from '../support/portal.js';

interface ErrorJson {
  code: string;
  message: string;
  details?: { fields?: Record<string, string> };
}

const preview = (params: Record<string, string>) => `/api/dispatches/preview?${new URLSearchParams(params).toString()}`;

describe(`cron preview API (${testDatabase()})`, () => {
  let portal: TestPortal;
  let admin: HttpClient;

  before(async () => {
    portal = await startTestPortal();
    admin = await portal.admin();
  });
  after(async () => {
    await portal.close();
  });

  const fires = async (params: Record<string, string>) => {
    const response = await admin.api('GET', preview(params));
    assert.equal(response.status, 200, response.text);
    const body = response.json<{ data: string[] }>();
    assert.deepEqual(Object.keys(body), ['data']);
    return body.data;
  };

  const refused = async (params: Record<string, string>, field: string) => {
    const response = await admin.api('GET', preview(params));
    assert.equal(response.status, 400, `${JSON.stringify(params)} → ${response.text}`);
    const body = response.json<ErrorJson>();
    assert.equal(body.code, 'VALIDATION');
    assert.ok(body.details?.fields?.[field], `${field} named in ${response.text}`);
    assert.ok(body.message.startsWith(`${field}: `), body.message);
    return body.details.fields[field];
  };

  it('returns the next n fire times strictly after `from`, as ISO-8601 UTC', async () => {
    const from = '2026-03-07T00:00:00Z';
    assert.deepEqual(await fires({ cron: '0 30 2 * * ?', timezone: 'America/New_York', count: '3', from }), [
      '2026-03-07T07:30:00.000Z',
      '2026-03-08T07:00:00.000Z', // 02:30 does not exist on the spring-forward day: 03:00 EDT
      '2026-03-09T06:30:00.000Z',
    ]);
    // A fire exactly at `from` is not included.
    assert.deepEqual(await fires({ cron: '0 30 7 * * ?', count: '1', from: '2026-03-07T07:30:00Z' }), [
      '2026-03-08T07:30:00.000Z',
    ]);
    // Offsets are honoured; a plain date is UTC midnight.
    assert.deepEqual(await fires({ cron: '0 0 * * * ?', count: '1', from: '2026-03-07T00:30:00+08:00' }), [
      '2026-03-06T17:00:00.000Z',
    ]);
    assert.deepEqual(await fires({ cron: '0 0 12 * * ?', count: '1', from: '2026-03-07' }), [
      '2026-03-07T12:00:00.000Z',
    ]);
  });

  it('understands seconds, L, W and # and the fall-back hour', async () => {
    const from = '2026-01-01T00:00:00Z';
    assert.deepEqual(await fires({ cron: '*/20 * * * * *', count: '3', from }), [
      '2026-01-01T00:00:20.000Z',
      '2026-01-01T00:00:40.000Z',
      '2026-01-01T00:01:00.000Z',
    ]);
    assert.deepEqual(await fires({ cron: '0 0 0 L 2 ?', count: '2', from }), [
      '2026-02-28T00:00:00.000Z',
      '2027-02-28T00:00:00.000Z',
    ]);
    assert.deepEqual(await fires({ cron: '0 0 0 15W 2 ?', count: '1', from }), ['2026-02-16T00:00:00.000Z']);
    assert.deepEqual(await fires({ cron: '0 0 0 ? * FRI#3', count: '1', from }), ['2026-01-16T00:00:00.000Z']);
    assert.deepEqual(
      await fires({ cron: '0 30 1 * * ?', timezone: 'America/New_York', count: '2', from: '2026-10-31T12:00:00Z' }),
      ['2026-11-01T05:30:00.000Z', '2026-11-02T06:30:00.000Z'],
      '01:30 happens twice on 2026-11-01 and fires once',
    );
  });

  it('defaults to 10 fires after now in UTC and caps count at 100', async () => {
    const before = Date.now();
    const list = await fires({ cron: '* * * * * *' });
    assert.equal(list.length, 10);
    assert.ok(new Date(list[0]).getTime() > before - 1000);
    assert.deepEqual([...list].sort(), list, 'oldest first');
    assert.equal((await fires({ cron: '* * * * * *', count: '100' })).length, 100);
  });

  it('answers 400 naming the parameter for a bad expression, zone, count or from', async () => {
    assert.match(await refused({}, 'cron'), /is required/);
    assert.match(await refused({ cron: '0 2 * * *' }, 'cron'), /exactly 6 fields/);
    assert.match(await refused({ cron: '0 0 2 31 2 ?' }, 'cron'), /never fires/);
    assert.match(await refused({ cron: '0 0 2 ? * MON#9' }, 'cron'), /#9/);
    assert.match(await refused({ cron: '0 0 2 * * ?', timezone: 'Europe/Atlantis' }, 'timezone'), /IANA/);
    for (const count of ['0', '101', 'ten', '-1', '1.5']) {
      assert.match(await refused({ cron: '0 0 2 * * ?', count }, 'count'), /1 to 100/);
    }
    for (const from of ['yesterday', '2026-03-07T00:00:00', '2026-13-45T00:00:00Z', '1700000000']) {
      assert.match(await refused({ cron: '0 0 2 * * ?', from }, 'from'), /ISO-8601/);
    }
  });

  it('needs a login but no write permission', async () => {
    const anonymous = await portal.client().get(preview({ cron: '0 0 2 * * ?' }));
    assert.equal(anonymous.status, 401);
    await admin.api('POST', '/api/users', {
      username: 'preview-viewer',
      role: 'viewer',
      password: 'viewer-password-1',
    });
    const viewer = portal.client();
    await viewer.login('preview-viewer', 'viewer-password-1');
    assert.equal((await viewer.api('GET', preview({ cron: '0 0 2 * * ?' }))).status, 200);
  });
});
