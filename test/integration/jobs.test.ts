import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { ExecHostEntity, ExecHostTagEntity } from '../../src/modules/exec-host/exec-host.entity.js';
import type { HttpClient } from '../support/http-client.js';
import { startTestPortal, testDatabase, type TestPortal } from '../support/portal.js';

interface JobBody {
  id: number;
  interfaceId: number;
  interfaceName: string;
  name: string;
  description: string;
  execHostId: number | null;
  execHostName: string | null;
  hostTag: string;
  routingStrategy: string;
  workingDir: string;
  commandType: string;
  command: string;
  interpreter: string;
  params: { name: string; kind: string; value: string }[];
  successExitCodes: string;
  timeoutWarnSeconds: number;
  timeoutFailSeconds: number;
  retryCount: number | null;
  retryBackoffPercent: number;
  enabled: boolean;
  prerequisiteIds: number[];
  prerequisites: { id: number; name: string; interfaceName: string }[];
}
type ErrorBody = {
  code: string;
  message: string;
  details?: { fields?: Record<string, string>; dependents?: unknown[] };
};
type ListBody = { data: JobBody[]; page: { total: number } };

let counter = 0;
const unique = (prefix: string) => `${prefix}_${++counter}_${Date.now() % 100000}`;
const SHELLY = `'; rm -rf / $(id) \`id\` "quoted" <script>alert(1)</script> & | > \\`;

/** Exec hosts come from another module; tests insert them straight into their tables. */
async function insertHost(portal: TestPortal, name: string, tags: string[] = []): Promise<number> {
  const dataSource = portal.app.get(DataSource);
  const now = new Date();
  const result = await dataSource.getRepository(ExecHostEntity).insert({
    name,
    address: 'http://127.0.0.1:7391',
    tokenEncrypted: 'not-a-real-token',
    createdAt: now,
    updatedAt: now,
  });
  const hostId = Number((result.identifiers[0] as { id: number }).id);
  for (const tag of tags) await dataSource.getRepository(ExecHostTagEntity).insert({ hostId, tag });
  return hostId;
}

async function createInterface(client: HttpClient, name: string): Promise<number> {
  // Shared, so the viewer of the permission test sees its jobs (owners.test.ts covers private ones).
  const response = await client.api('POST', '/api/interfaces', { name, shared: true });
  assert.equal(response.status, 201, response.text);
  return response.json<{ data: { id: number } }>().data.id;
}

async function getJob(client: HttpClient, id: number): Promise<JobBody> {
  const response = await client.api('GET', `/api/jobs/${id}`);
  assert.equal(response.status, 200, response.text);
  return response.json<{ data: JobBody }>().data;
}

describe(`jobs: API and pages (${testDatabase()})`, () => {
  let portal: TestPortal;
  let admin: HttpClient;
  let hostId: number;
  let interfaceId: number;
  let interfaceName: string;
  const createJob = async (body: Record<string, unknown>): Promise<JobBody> => {
    const response = await admin.api('POST', '/api/jobs', {
      interfaceId,
      execHostId: hostId,
      command: 'true',
      ...body,
    });
    assert.equal(response.status, 201, response.text);
    return response.json<{ data: JobBody }>().data;
  };

  before(async () => {
    portal = await startTestPortal();
    admin = await portal.admin();
    hostId = await insertHost(portal, 'etl-01', ['etl', 'gpu']);
    interfaceName = unique('ods');
    interfaceId = await createInterface(admin, interfaceName);
  });
  after(async () => {
    await portal.close();
  });

  it('creates a job on a host with ordered params and prerequisites, and reads it back', async () => {
    const first = await createJob({ name: unique('extract') });
    const job = await createJob({
      name: unique('load'),
      description: 'loads orders',
      folder: 'dw/ods',
      workingDir: '/opt/etl',
      command: `/opt/etl/load.sh --table "order items" 'a b'`,
      params: [
        { name: 'run_date', kind: 'context', value: 'data_date:yyyyMMdd:-1' },
        { name: 'mode', kind: 'static', value: 'full' },
        { name: 'b', kind: 'static', value: '' },
      ],
      successExitCodes: ' 0, 3 ',
      timeoutWarnSeconds: 60,
      timeoutFailSeconds: 120,
      retryCount: 2,
      retryBackoffPercent: 200,
      prerequisiteIds: [first.id],
    });
    assert.equal(job.execHostName, 'etl-01');
    assert.equal(job.interfaceName, interfaceName);
    assert.deepEqual(
      job.params.map((param) => param.name),
      ['run_date', 'mode', 'b'],
      'params keep their order',
    );
    assert.equal(job.successExitCodes, '0,3');
    assert.deepEqual(job.prerequisiteIds, [first.id]);
    assert.equal(job.prerequisites[0].interfaceName, interfaceName);
    const tagged = await createJob({
      name: unique('tagged'),
      execHostId: null,
      hostTag: 'gpu',
      routingStrategy: 'least_busy',
    });
    assert.equal(tagged.hostTag, 'gpu');
    assert.equal(tagged.execHostId, null);
    const script = await createJob({
      name: unique('script'),
      commandType: 'script',
      command: 'cd /tmp && ls | wc -l > /dev/null\n',
      interpreter: '/usr/bin/env bash',
    });
    assert.equal(script.command, 'cd /tmp && ls | wc -l > /dev/null\n', 'scripts are kept as written');
    assert.equal(script.interpreter, '/usr/bin/env bash');
    const creates = await admin.api('GET', '/api/audit?targetType=job&action=create&pageSize=200');
    assert.ok(creates.json<{ data: { targetName: string }[] }>().data.some((row) => row.targetName === job.name));
  });

  it('refuses bad input on every field with the field named, and saves nothing', async () => {
    const taken = await createJob({ name: unique('taken') });
    const before = (await admin.api('GET', '/api/jobs?pageSize=1')).json<ListBody>().page.total;
    const name = () => unique('bad');
    const cases: [Record<string, unknown>, string][] = [
      [{ interfaceId: undefined, name: name() }, 'interfaceId'],
      [{ interfaceId: 999_999, name: name() }, 'interfaceId'],
      [{ interfaceId: '1', name: name() }, 'interfaceId'],
      [{ name: '' }, 'name'],
      [{ name: taken.name }, 'name'],
      [{ name: name(), description: 'x'.repeat(1001) }, 'description'],
      [{ name: name(), folder: 'x'.repeat(129) }, 'folder'],
      [{ name: name(), execHostId: null }, 'execHostId'],
      [{ name: name(), execHostId: 999_999 }, 'execHostId'],
      [{ name: name(), hostTag: 'etl' }, 'hostTag'],
      [{ name: name(), execHostId: null, hostTag: 'no-such-tag' }, 'hostTag'],
      [{ name: name(), execHostId: null, hostTag: 'two words' }, 'hostTag'],
      [{ name: name(), routingStrategy: 'fastest' }, 'routingStrategy'],
      [{ name: name(), workingDir: 'relative/dir' }, 'workingDir'],
      [{ name: name(), commandType: 'powershell' }, 'commandType'],
      [{ name: name(), command: '' }, 'command'],
      [{ name: name(), command: `echo 'unbalanced` }, 'command'],
      [{ name: name(), command: 'echo "unbalanced' }, 'command'],
      [{ name: name(), command: 'cd /x && ./run.sh' }, 'command'],
      [{ name: name(), command: 'echo $HOME' }, 'command'],
      [{ name: name(), commandType: 'script', command: 'echo', interpreter: "sh '-c" }, 'interpreter'],
      [{ name: name(), params: [{ name: '1st', kind: 'static', value: '' }] }, 'params.0.name'],
      [
        {
          name: name(),
          params: [
            { name: 'a', kind: 'static', value: '' },
            { name: 'A', kind: 'static', value: '' },
          ],
        },
        'params.1.name',
      ],
      [{ name: name(), params: [{ name: 'a', kind: 'env', value: '' }] }, 'params.0.kind'],
      [{ name: name(), params: [{ name: 'a', kind: 'context', value: 'today' }] }, 'params.0.value'],
      [{ name: name(), params: [{ name: 'a', kind: 'static', value: 'v'.repeat(1001) }] }, 'params.0.value'],
      [{ name: name(), params: [{ name: 'a', kind: 'static', value: 'x', extra: 1 }] }, 'params.0.extra'],
      [{ name: name(), successExitCodes: '0,256' }, 'successExitCodes'],
      [{ name: name(), successExitCodes: '0,0' }, 'successExitCodes'],
      [{ name: name(), successExitCodes: 'zero' }, 'successExitCodes'],
      [{ name: name(), timeoutWarnSeconds: 120, timeoutFailSeconds: 60 }, 'timeoutWarnSeconds'],
      [{ name: name(), timeoutFailSeconds: -1 }, 'timeoutFailSeconds'],
      [{ name: name(), retryCount: 101 }, 'retryCount'],
      [{ name: name(), retryIntervalSeconds: -5 }, 'retryIntervalSeconds'],
      [{ name: name(), retryBackoffPercent: 50 }, 'retryBackoffPercent'],
      [{ name: name(), retryLost: 'yes' }, 'retryLost'],
      [{ name: name(), enabled: 1 }, 'enabled'],
      [{ name: name(), prerequisiteIds: [999_999] }, 'prerequisiteIds'],
      [{ name: name(), prerequisiteIds: 'all' }, 'prerequisiteIds'],
      [{ name: name(), shell: true }, 'shell'],
    ];
    for (const [body, field] of cases) {
      const response = await admin.api('POST', '/api/jobs', {
        interfaceId,
        execHostId: hostId,
        command: 'true',
        ...body,
      });
      assert.equal(response.status, 400, `${JSON.stringify(body)} → ${response.text}`);
      const error = response.json<ErrorBody>();
      assert.equal(error.code, 'VALIDATION');
      assert.ok(error.details?.fields?.[field], `${JSON.stringify(body)} names ${field}: ${response.text}`);
    }
    const after = (await admin.api('GET', '/api/jobs?pageSize=1')).json<ListBody>().page.total;
    assert.equal(after, before, 'nothing was created');
    const self = await admin.api('PUT', `/api/jobs/${taken.id}`, {
      interfaceId,
      name: taken.name,
      execHostId: hostId,
      command: 'true',
      prerequisiteIds: [taken.id],
    });
    assert.equal(self.status, 400);
    assert.match(self.json<ErrorBody>().details?.fields?.prerequisiteIds ?? '', /cannot depend on itself/);
  });

  it('leaves a job untouched when an update fails on one param', async () => {
    const prerequisite = await createJob({ name: unique('pre') });
    const job = await createJob({
      name: unique('keep'),
      description: 'original',
      params: [{ name: 'day', kind: 'context', value: 'data_date' }],
      prerequisiteIds: [prerequisite.id],
    });
    const update = await admin.api('PUT', `/api/jobs/${job.id}`, {
      interfaceId,
      name: `${job.name}_renamed`,
      description: 'changed',
      execHostId: hostId,
      command: 'false',
      params: [
        { name: 'day', kind: 'context', value: 'data_date' },
        { name: 'bad', kind: 'context', value: 'data_date:yyyyQQ' },
      ],
      prerequisiteIds: [],
    });
    assert.equal(update.status, 400);
    assert.ok(update.json<ErrorBody>().details?.fields?.['params.1.value']);
    const after = await getJob(admin, job.id);
    assert.equal(after.name, job.name);
    assert.equal(after.description, 'original');
    assert.equal(after.command, 'true');
    assert.deepEqual(after.params, job.params);
    assert.deepEqual(after.prerequisiteIds, [prerequisite.id], 'its prerequisites are unchanged');

    const good = await admin.api('PUT', `/api/jobs/${job.id}`, {
      interfaceId,
      name: job.name,
      execHostId: hostId,
      command: 'false',
      params: [{ name: 'mode', kind: 'static', value: 'delta' }],
    });
    assert.equal(good.status, 200, good.text);
    const changed = good.json<{ data: JobBody }>().data;
    assert.deepEqual(changed.prerequisiteIds, []);
    assert.equal(changed.description, '', 'PUT replaces the whole job');
    const audits = await admin.api('GET', '/api/audit?targetType=job&action=update&pageSize=200');
    const entry = audits
      .json<{ data: { targetId: string; detail: string }[] }>()
      .data.find((row) => row.targetId === String(job.id));
    const detail = JSON.parse(entry?.detail ?? '{}') as Record<string, unknown>;
    assert.deepEqual(detail.command, { from: 'true', to: 'false' });
    assert.deepEqual(detail.params, { from: ['day=context:data_date'], to: ['mode=static:delta'] });
    assert.deepEqual(detail.prerequisites, { added: [], removed: [`${interfaceName} / ${prerequisite.name}`] });
  });

  it('stores params with shell characters as given and shows them escaped', async () => {
    const job = await createJob({
      name: unique('shelly'),
      command: `/opt/etl/run.sh '<b>bold</b>' "it's"`,
      params: [{ name: 'payload', kind: 'static', value: SHELLY }],
    });
    assert.equal(job.params[0].value, SHELLY, 'stored exactly');
    const page = await admin.get(`/jobs/${job.id}`);
    assert.equal(page.status, 200);
    assert.ok(!page.text.includes('<script>alert(1)</script>'), 'never rendered raw');
    assert.ok(page.text.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), 'rendered escaped');
    assert.ok(!page.text.includes('<b>bold</b>'));
    assert.match(
      page.text,
      /id="job-argv"><code class="mc-word">\/opt\/etl\/run.sh<\/code> <code class="mc-word">&#x27;&lt;b&gt;bold&lt;\/b&gt;&#x27;<\/code>/,
    );
    const edit = await admin.get(`/jobs/${job.id}/edit`);
    assert.ok(edit.text.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(!edit.text.includes('<script>alert(1)'));
  });

  it('creates and edits through the form pages, keeping input and naming fields on errors', async () => {
    const prerequisite = await createJob({ name: unique('upstream') });
    const name = unique('formjob');
    const form = {
      interface: interfaceName,
      name,
      description: 'from the form',
      targetKind: 'host',
      execHostId: String(hostId),
      routingStrategy: 'round_robin',
      workingDir: '/opt',
      commandType: 'argv',
      command: 'run.sh --fast',
      successExitCodes: '0',
      timeoutWarnSeconds: '0',
      timeoutFailSeconds: '0',
      retryCount: '',
      retryIntervalSeconds: '',
      retryBackoffPercent: '100',
      retryLost: 'on',
      enabled: 'on',
      addPrerequisites: `${interfaceName} / ${prerequisite.name}`,
    };
    const params = [
      ['paramName', 'first'],
      ['paramKind', 'static'],
      ['paramValue', 'one two'],
      ['paramName', ''],
      ['paramKind', 'static'],
      ['paramValue', ''],
      ['paramName', '9bad'],
      ['paramKind', 'context'],
      ['paramValue', 'data_date:yyyyMMdd:-1'],
    ];
    const post = (fields: Record<string, string>, rows: string[][]) =>
      admin.request('POST', '/jobs/new', {
        form: new URLSearchParams([
          ['_csrf', admin.csrfToken],
          ...Object.entries(fields),
          ...rows,
        ]) as unknown as Record<string, string>,
      });
    const bad = await post(
      { ...form, timeoutWarnSeconds: '10', timeoutFailSeconds: '5', command: 'a.sh > out' },
      params,
    );
    assert.equal(bad.status, 400);
    assert.match(
      bad.text,
      /data-field="params.1.name">must be 1-64 letters/,
      'the blank row is skipped, the bad one named',
    );
    assert.match(bad.text, /data-field="timeoutWarnSeconds">must be less than the fail timeout/);
    assert.match(bad.text, /data-field="command">&quot;&gt;&quot; is a shell operator/);
    assert.ok(bad.text.includes('value="9bad"') && bad.text.includes('value="one two"'), 'param rows are kept');
    assert.ok(bad.text.includes('a.sh &gt; out'), 'the command is kept');
    assert.ok(bad.text.includes(`value="${interfaceName} / ${prerequisite.name}"`), 'the typed prerequisite is kept');

    const unknownInterface = await post({ ...form, interface: 'no such interface' }, []);
    assert.equal(unknownInterface.status, 400);
    assert.match(unknownInterface.text, /data-field="interfaceId">no such interface/);

    const created = await post(form, params.slice(0, 6));
    assert.equal(created.status, 303, created.text.slice(0, 500));
    const id = Number((created.headers.get('location') ?? '').split('/').pop());
    const job = await getJob(admin, id);
    assert.deepEqual(job.params, [{ name: 'first', kind: 'static', value: 'one two' }]);
    assert.deepEqual(job.prerequisiteIds, [prerequisite.id]);
    assert.equal(job.retryCount, null, 'blank retries mean the interface default');

    const edit = await admin.get(`/jobs/${id}/edit`);
    assert.ok(edit.text.includes(`value="${prerequisite.id}" checked`));
    const tagged = await admin.request('POST', `/jobs/${id}/edit`, {
      form: new URLSearchParams([
        ['_csrf', admin.csrfToken],
        ...Object.entries({
          ...form,
          targetKind: 'tag',
          hostTag: 'etl',
          routingStrategy: 'failover',
          addPrerequisites: '',
        }),
      ]) as unknown as Record<string, string>,
    });
    assert.equal(tagged.status, 303);
    const saved = await getJob(admin, id);
    assert.equal(saved.execHostId, null);
    assert.equal(saved.hostTag, 'etl');
    assert.deepEqual(saved.prerequisiteIds, [], 'unpicked prerequisites are removed');
    const detail = await admin.get(`/jobs/${id}`);
    assert.ok(detail.text.includes('failover'));
  });

  it('lists jobs by interface, name, folder and status with sorting, on the page and the API', async () => {
    const otherName = unique('zz_other');
    const other = await createInterface(admin, otherName);
    const tag = unique('lj');
    await createJob({ name: `${tag}_b`, folder: 'x/y' });
    await createJob({ name: `${tag}_a`, interfaceId: other, enabled: false });
    const byInterface = await admin.api('GET', `/api/jobs?interfaceId=${other}`);
    assert.deepEqual(
      byInterface.json<ListBody>().data.map((row) => row.name),
      [`${tag}_a`],
    );
    const sorted = await admin.api('GET', `/api/jobs?search=${tag}&sort=interface&order=desc`);
    assert.deepEqual(
      sorted.json<ListBody>().data.map((row) => row.interfaceName),
      [otherName, interfaceName],
    );
    const byName = await admin.api('GET', `/api/jobs?interface=${otherName.slice(0, 8)}&search=${tag}`);
    assert.equal(byName.json<ListBody>().data.length, 1);
    const folder = await admin.api('GET', `/api/jobs?folder=x&search=${tag}`);
    assert.deepEqual(
      folder.json<ListBody>().data.map((row) => row.name),
      [`${tag}_b`],
    );
    assert.equal((await admin.api('GET', '/api/jobs?interfaceId=abc')).status, 400);
    assert.equal((await admin.api('GET', '/api/jobs?sort=command')).status, 400);
    const page = await admin.get(`/jobs?interfaceId=${other}`);
    assert.equal(page.status, 200);
    assert.ok(page.text.includes(`${tag}_a`) && !page.text.includes(`${tag}_b`));
    assert.ok(page.text.includes(`href="/interfaces/${other}">${otherName}</a>`));
    const disabled = await admin.get(`/jobs?search=${tag}&enabled=false`);
    assert.ok(disabled.text.includes(`${tag}_a`) && !disabled.text.includes(`${tag}_b`));
  });

  it('refuses to delete a job others depend on, lists them, and cuts the edges when confirmed', async () => {
    const upstream = await createJob({ name: unique('up') });
    const downstream = await createJob({ name: unique('down'), prerequisiteIds: [upstream.id] });
    const refused = await admin.api('DELETE', `/api/jobs/${upstream.id}`);
    assert.equal(refused.status, 409);
    const error = refused.json<ErrorBody>();
    assert.equal(error.code, 'HAS_DEPENDENTS');
    assert.deepEqual(
      (error.details?.dependents as { id: number; relation: string }[]).map((d) => [d.relation, d.id]),
      [['dependent_job', downstream.id]],
    );
    const confirm = await admin.get(`/jobs/${upstream.id}/delete`);
    assert.ok(confirm.text.includes(downstream.name));
    const refusedPage = await admin.postForm(`/jobs/${upstream.id}/delete`, {});
    assert.equal(refusedPage.status, 409);
    const cascaded = await admin.api('DELETE', `/api/jobs/${upstream.id}?cascade=true`);
    assert.equal(cascaded.status, 200);
    assert.equal((await admin.api('GET', `/api/jobs/${upstream.id}`)).status, 404);
    assert.deepEqual((await getJob(admin, downstream.id)).prerequisiteIds, [], 'the dependent stays without the edge');
    const audits = await admin.api('GET', '/api/audit?targetType=job&pageSize=200');
    const rows = audits.json<{ data: { action: string; targetId: string }[] }>().data;
    assert.ok(rows.some((row) => row.action === 'delete' && row.targetId === String(upstream.id)));
    assert.ok(rows.some((row) => row.action === 'update' && row.targetId === String(downstream.id)));

    const a = await createJob({ name: unique('pair_a') });
    const b = await createJob({ name: unique('pair_b'), prerequisiteIds: [a.id] });
    const page = await admin.request('POST', '/jobs/batch', {
      form: new URLSearchParams([
        ['_csrf', admin.csrfToken],
        ['action', 'delete-confirmed'],
        ['ids', String(a.id)],
        ['ids', String(b.id)],
      ]) as unknown as Record<string, string>,
    });
    assert.equal(page.status, 303, 'a dependent deleted in the same batch does not block');
    assert.equal((await admin.api('GET', `/api/jobs/${b.id}`)).status, 404);
  });

  it('enables and disables jobs, single and batch, and gives a viewer 403 on writes', async () => {
    const job = await createJob({ name: unique('toggle') });
    const disabled = await admin.api('POST', `/api/jobs/${job.id}/disable`);
    assert.equal(disabled.status, 200);
    assert.equal(disabled.json<{ data: JobBody }>().data.enabled, false);
    const page = await admin.postForm('/jobs/batch', { action: 'enable', ids: String(job.id) });
    assert.equal(page.status, 303);
    assert.equal((await getJob(admin, job.id)).enabled, true);
    assert.equal((await admin.api('POST', '/api/jobs/999999/enable')).status, 404);

    const user = unique('jobviewer');
    await admin.api('POST', '/api/users', { username: user, role: 'viewer', password: 'viewer-password-1' });
    const viewer = portal.client();
    assert.equal((await viewer.login(user, 'viewer-password-1')).status, 303);
    assert.equal((await viewer.api('GET', `/api/jobs/${job.id}`)).status, 200);
    assert.equal((await viewer.get(`/jobs/${job.id}`)).status, 200);
    const writes: [string, string, unknown?][] = [
      ['POST', '/api/jobs', { interfaceId, name: unique('v'), execHostId: hostId, command: 'true' }],
      ['PUT', `/api/jobs/${job.id}`, { interfaceId, name: job.name, execHostId: hostId, command: 'true' }],
      ['DELETE', `/api/jobs/${job.id}`],
      ['POST', `/api/jobs/${job.id}/disable`],
      ['POST', '/api/jobs/batch-disable', { ids: [job.id] }],
      ['POST', '/api/jobs/batch-delete', { ids: [job.id] }],
    ];
    for (const [method, path, body] of writes) {
      assert.equal((await viewer.api(method, path, body)).status, 403, `${method} ${path}`);
    }
    assert.equal((await viewer.get('/jobs/new')).status, 403);
    assert.equal((await viewer.postForm(`/jobs/${job.id}/disable`, {})).status, 403);
    assert.equal((await getJob(admin, job.id)).enabled, true);
  });

  it('answers the prerequisite picker by job or interface name', async () => {
    const tag = unique('opt');
    const one = await createJob({ name: `${tag}_one` });
    await createJob({ name: `${tag}_two` });
    const byJob = await admin.api('GET', `/api/jobs/options?q=${tag}&exclude=${one.id}`);
    assert.deepEqual(
      byJob.json<{ data: { name: string; interfaceName: string }[] }>().data.map((row) => row.name),
      [`${tag}_two`],
    );
    const byInterface = await admin.api('GET', `/api/jobs/options?q=${interfaceName}&limit=100`);
    assert.ok(byInterface.json<{ data: unknown[] }>().data.length >= 2);
    assert.equal((await admin.api('GET', '/api/jobs/options?exclude=x')).status, 400);
  });
});
