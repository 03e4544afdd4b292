import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { SecretBox } from '../../src/infra/crypto/secret-box.js';
import type { LiveHost } from '../../src/modules/exec-host/exec-host-live.service.js';
import type { TestExecNode } from '../support/exec-node.js';
import type { HttpClient } from '../support/http-client.js';
import { startTestPortal, testDatabase, type TestPortal } from '../support/portal.js';
import { uniqueName } from '../support/services.js';
import { Definitions, ended, execution, runDispatch, startHostNodes, waitFor } from './engine-fixtures.js';

async function live(client: HttpClient): Promise<LiveHost[]> {
  const response = await client.api('GET', '/api/exec-hosts/live');
  assert.equal(response.status, 200, response.text);
  return response.json<{ data: { hosts: LiveHost[] } }>().data.hosts;
}

describe(`exec hosts live page and drain (${testDatabase()})`, () => {
  let portal: TestPortal;
  let nodes: { node: TestExecNode; hostId: number }[] = [];
  let defs: Definitions;
  let admin: HttpClient;

  before(async () => {
    portal = await startTestPortal();
    defs = new Definitions(portal.app.get(DataSource), portal.app.get(SecretBox));
    admin = await portal.admin();
    nodes = await startHostNodes(defs, portal.url, ['live-a', 'live-b'], { slots: 3 });
  });

  after(async () => {
    await Promise.all(nodes.map(({ node }) => node.close()));
    await portal?.close();
  });

  it('shows every node with heartbeat age, metrics, slots and its runs in flight linking to their logs', async () => {
    const hosts = await live(admin);
    assert.deepEqual(
      hosts.map((host) => [host.name, host.status.state, host.slotsUsed, host.slots]),
      [
        ['live-a', 'online', 0, 3],
        ['live-b', 'online', 0, 3],
      ],
    );
    for (const host of hosts) {
      assert.ok(host.heartbeatAgeMs !== null && host.heartbeatAgeMs < 5000, `heartbeat ${host.heartbeatAgeMs}`);
      assert.equal(typeof host.status.load, 'number');
      assert.match(host.status.memory!.text, /GiB/);
    }
    const iface = await defs.interface('live');
    for (const name of ['slow_1', 'slow_2']) await defs.job(iface, name, 'sleep 2');
    const id = await runDispatch(admin, await defs.dispatch(iface, false), { dataDate: '2026-05-01' });
    const busy = await waitFor('two runs in flight', 10_000, async () => {
      const now = await live(admin);
      return now.reduce((sum, host) => sum + host.runs.length, 0) === 2 ? now : null;
    });
    const runs = busy.flatMap((host) => host.runs.map((run) => ({ ...run, host: host.name })));
    assert.deepEqual(runs.map((run) => run.jobName).sort(), ['slow_1', 'slow_2']);
    for (const run of runs) {
      assert.equal(run.executionId, id);
      assert.equal(run.logUrl, `/runs/${run.runId}/log`);
    }
    assert.deepEqual(
      busy.map((host) => host.slotsUsed),
      busy.map((host) => host.runs.length),
    );
    await ended(admin, id);
    const page = await admin.get('/exec-hosts/live');
    assert.equal(page.status, 200);
    assert.match(page.text, /id="live-hosts"[^>]*data-can-execute="true"/);
    assert.match((await admin.get('/exec-hosts')).text, /href="\/exec-hosts\/live"/);
  });

  it('drains a node: its running run finishes, new runs go to the other node until it is undrained', async () => {
    const [a, b] = nodes;
    const iface = await defs.interface('drain');
    await defs.job(iface, 'long', 'sleep 2; echo finished', { execHostId: a.hostId, hostTag: '' });
    const longId = await runDispatch(admin, await defs.dispatch(iface, false), { dataDate: '2026-05-02' });
    await waitFor('the long run running on live-a', 10_000, async () => {
      const hosts = await live(admin);
      return hosts.find((host) => host.id === a.hostId)?.runs.some((run) => run.state === 'running');
    });

    const user = uniqueName('liveviewer');
    await admin.api('POST', '/api/users', { username: user, role: 'viewer', password: 'viewer-password-1' });
    const viewer = portal.client();
    assert.equal((await viewer.login(user, 'viewer-password-1')).status, 303);
    assert.equal((await viewer.api('POST', `/api/exec-hosts/${a.hostId}/drain`)).status, 403);
    assert.doesNotMatch((await viewer.get('/exec-hosts/live')).text, /data-can-execute="true"/);

    const drained = await admin.api('POST', `/api/exec-hosts/${a.hostId}/drain`);
    assert.equal(drained.status, 200, drained.text);
    assert.equal(drained.json<{ data: LiveHost }>().data.status.state, 'draining');

    const wide = await defs.interface('wide');
    for (let index = 1; index <= 4; index++) await defs.job(wide, `w${index}`, 'sleep 0.2');
    const wideDispatch = await defs.dispatch(wide, false);
    const whileDrained = await ended(admin, await runDispatch(admin, wideDispatch, { dataDate: '2026-05-02' }));
    assert.equal(whileDrained.execution.state, 'succeeded');
    assert.deepEqual(new Set(whileDrained.runs.map((run) => run.hostName)), new Set(['live-b']));
    const long = await ended(admin, longId);
    assert.equal(long.execution.state, 'succeeded');
    assert.equal(long.runs[0].hostName, 'live-a');
    // Heartbeats keep reporting the node as draining.
    await new Promise((resolve) => setTimeout(resolve, 800));
    assert.equal((await live(admin)).find((host) => host.id === a.hostId)?.status.state, 'draining');

    const undrained = await admin.api('POST', `/api/exec-hosts/${a.hostId}/undrain`);
    assert.equal(undrained.status, 200, undrained.text);
    assert.equal(undrained.json<{ data: LiveHost }>().data.status.state, 'online');
    const afterUndrain = await ended(admin, await runDispatch(admin, wideDispatch, { dataDate: '2026-05-03' }));
    assert.ok(
      afterUndrain.runs.some((run) => run.hostName === 'live-a'),
      'live-a takes runs again',
    );
    assert.ok(b.hostId > 0);

    const audit = await admin.api('GET', '/api/audit?targetType=exec_host');
    const actions = audit.json<{ data: { action: string; targetName: string }[] }>().data.map((row) => row.action);
    assert.ok(actions.includes('drain') && actions.includes('undrain'), actions.join(','));
    assert.ok((await execution(admin, longId)).runs.every((run) => run.state === 'succeeded'));
  });

  it('answers 503 naming the cause when the node cannot be reached, and 404 for no such host', async () => {
    const ghost = await defs.host(uniqueName('ghost'), 'http://127.0.0.1:9', 'ghost-token', 2, []);
    const response = await admin.api('POST', `/api/exec-hosts/${ghost}/drain`);
    assert.equal(response.status, 503, response.text);
    assert.equal(response.json<{ code: string }>().code, 'UNAVAILABLE');
    assert.equal((await live(admin)).find((host) => host.id === ghost)?.status.state, 'unknown');
    assert.equal((await admin.api('POST', '/api/exec-hosts/999999/undrain')).status, 404);
  });
});
