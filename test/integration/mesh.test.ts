import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { ExecHostEntity } from '../../src/modules/exec-host/exec-host.entity.js';
import type { HttpClient } from '../support/http-client.js';
import { startTestPortal, testDatabase, type TestPortal } from '../support/portal.js';

type ErrorBody = { code: string; message: string; details?: { cycle?: string[]; dependents?: { relation: string }[] } };

let counter = 0;
const unique = (prefix: string) => `${prefix}${++counter}_${Date.now() % 100000}`;

describe(`the mesh: cycles across interfaces, graph, cascades (${testDatabase()})`, () => {
  let portal: TestPortal;
  let admin: HttpClient;
  let hostId: number;

  const createInterface = async (name: string, parentIds: number[] = []) => {
    const response = await admin.api('POST', '/api/interfaces', { name, parentIds });
    assert.equal(response.status, 201, response.text);
    return response.json<{ data: { id: number; name: string } }>().data;
  };
  const jobBody = (interfaceId: number, name: string, prerequisiteIds: number[] = []) => ({
    interfaceId,
    name,
    execHostId: hostId,
    command: `/opt/etl/${name}.sh`,
    prerequisiteIds,
  });
  const createJob = async (interfaceId: number, name: string, prerequisiteIds: number[] = []) => {
    const response = await admin.api('POST', '/api/jobs', jobBody(interfaceId, name, prerequisiteIds));
    assert.equal(response.status, 201, response.text);
    return response.json<{ data: { id: number; name: string } }>().data;
  };
  const prerequisitesOf = async (id: number) =>
    (await admin.api('GET', `/api/jobs/${id}`)).json<{ data: { prerequisiteIds: number[] } }>().data.prerequisiteIds;

  before(async () => {
    portal = await startTestPortal();
    admin = await portal.admin();
    const now = new Date();
    const result = await portal.app.get(DataSource).getRepository(ExecHostEntity).insert({
      name: 'mesh-host',
      address: 'http://127.0.0.1:7391',
      tokenEncrypted: 'x',
      createdAt: now,
      updatedAt: now,
    });
    hostId = Number((result.identifiers[0] as { id: number }).id);
  });
  after(async () => {
    await portal.close();
  });

  it('rejects a job cycle across interfaces with 400 CYCLE naming the jobs, and saves nothing', async () => {
    const x = await createInterface(unique('X'));
    const y = await createInterface(unique('Y'));
    const a = await createJob(x.id, 'A');
    const b = await createJob(y.id, 'B', [a.id]);
    const response = await admin.api('PUT', `/api/jobs/${a.id}`, { ...jobBody(x.id, 'A', [b.id]), description: 'new' });
    assert.equal(response.status, 400);
    const error = response.json<ErrorBody>();
    assert.equal(error.code, 'CYCLE');
    assert.equal(error.message, `job cycle: ${x.name} / A → ${y.name} / B → ${x.name} / A`);
    assert.deepEqual(error.details?.cycle, [`${x.name} / A`, `${y.name} / B`, `${x.name} / A`]);
    const after = (await admin.api('GET', `/api/jobs/${a.id}`)).json<{ data: { description: string } }>().data;
    assert.equal(after.description, '', 'the refused update changed nothing');
    assert.deepEqual(await prerequisitesOf(a.id), []);
  });

  it('finds longer cycles through three interfaces, and refuses them on the form page too', async () => {
    const [p, q, r] = [
      await createInterface(unique('P')),
      await createInterface(unique('Q')),
      await createInterface(unique('R')),
    ];
    const one = await createJob(p.id, 'one');
    const two = await createJob(q.id, 'two', [one.id]);
    const three = await createJob(r.id, 'three', [two.id]);
    const api = await admin.api('PUT', `/api/jobs/${one.id}`, jobBody(p.id, 'one', [three.id]));
    assert.equal(api.status, 400);
    assert.equal(
      api.json<ErrorBody>().message,
      `job cycle: ${p.name} / one → ${r.name} / three → ${q.name} / two → ${p.name} / one`,
    );
    const page = await admin.postForm(`/jobs/${one.id}/edit`, {
      interface: p.name,
      name: 'one',
      targetKind: 'host',
      execHostId: String(hostId),
      command: 'run.sh',
      addPrerequisites: `#${three.id}`,
    });
    assert.equal(page.status, 400);
    assert.ok(page.text.includes(`job cycle: ${p.name} / one → ${r.name} / three`), 'the form names the cycle');
    assert.deepEqual(await prerequisitesOf(one.id), []);
    // Not a cycle: a diamond is fine.
    const four = await createJob(r.id, 'four', [one.id, two.id, three.id]);
    assert.deepEqual((await prerequisitesOf(four.id)).sort(), [one.id, two.id, three.id].sort());
  });

  it('rejects interface parent cycles with the names, and allows the same edges without the loop', async () => {
    const a = await createInterface(unique('a'));
    const b = await createInterface(unique('b'), [a.id]);
    const c = await createInterface(unique('c'), [b.id]);
    const response = await admin.api('PUT', `/api/interfaces/${a.id}`, { name: a.name, parentIds: [c.id] });
    assert.equal(response.status, 400);
    const error = response.json<ErrorBody>();
    assert.equal(error.code, 'CYCLE');
    assert.equal(error.message, `interface cycle: ${a.name} → ${c.name} → ${b.name} → ${a.name}`);
    assert.deepEqual(error.details?.cycle, [a.name, c.name, b.name, a.name]);
    const page = await admin.postForm(`/interfaces/${a.id}/edit`, { name: a.name, addParents: c.name });
    assert.equal(page.status, 400);
    assert.ok(page.text.includes(`interface cycle: ${a.name} → ${c.name}`));
    const parents = (await admin.api('GET', `/api/interfaces/${a.id}`)).json<{ data: { parentIds: number[] } }>();
    assert.deepEqual(parents.data.parentIds, []);
    // Re-pointing b away from a first makes the same edge legal.
    assert.equal((await admin.api('PUT', `/api/interfaces/${b.id}`, { name: b.name })).status, 200);
    assert.equal((await admin.api('PUT', `/api/interfaces/${a.id}`, { name: a.name, parentIds: [c.id] })).status, 200);
  });

  it('lets only one of two concurrent saves close a cycle', async () => {
    const i = await createInterface(unique('race'));
    const left = await createJob(i.id, 'left');
    const right = await createJob(i.id, 'right');
    const [first, second] = await Promise.all([
      admin.api('PUT', `/api/jobs/${left.id}`, jobBody(i.id, 'left', [right.id])),
      admin.api('PUT', `/api/jobs/${right.id}`, jobBody(i.id, 'right', [left.id])),
    ]);
    assert.deepEqual([first.status, second.status].sort(), [200, 400]);
    const edges = (await prerequisitesOf(left.id)).length + (await prerequisitesOf(right.id)).length;
    assert.equal(edges, 1, 'exactly one edge was saved');
  });

  it('draws the job DAG of an interface with external prerequisites marked and layered', async () => {
    const source = await createInterface(unique('src'));
    const main = await createInterface(unique('main'));
    const feed = await createJob(source.id, 'feed');
    const extract = await createJob(main.id, 'extract', [feed.id]);
    const transform = await createJob(main.id, 'transform', [extract.id]);
    const report = await createJob(main.id, 'report', [transform.id, feed.id]);
    const response = await admin.api('GET', `/api/interfaces/${main.id}/graph`);
    assert.equal(response.status, 200);
    const graph = response.json<{
      data: {
        interface: { name: string };
        nodes: { id: number; name: string; external: boolean; interfaceName: string; layer: number }[];
        edges: { source: number; target: number }[];
      };
    }>().data;
    assert.equal(graph.interface.name, main.name);
    const nodes = Object.fromEntries(graph.nodes.map((node) => [node.name, node]));
    assert.deepEqual(Object.keys(nodes).sort(), ['extract', 'feed', 'report', 'transform']);
    assert.equal(nodes.feed.external, true);
    assert.equal(nodes.feed.interfaceName, source.name);
    assert.equal(nodes.extract.external, false);
    assert.deepEqual([nodes.feed.layer, nodes.extract.layer, nodes.transform.layer, nodes.report.layer], [0, 1, 2, 3]);
    const edges = graph.edges.map((edge) => `${edge.source}->${edge.target}`).sort();
    assert.deepEqual(
      edges,
      [
        `${feed.id}->${extract.id}`,
        `${extract.id}->${transform.id}`,
        `${transform.id}->${report.id}`,
        `${feed.id}->${report.id}`,
      ].sort(),
    );
    assert.equal((await admin.api('GET', '/api/interfaces/999999/graph')).status, 404);
    const detail = await admin.get(`/interfaces/${main.id}`);
    assert.ok(detail.text.includes('>report</a>') && detail.text.includes(`href="/jobs/${report.id}"`));
  });

  it('cascades an interface delete to its jobs and cuts edges from jobs in other interfaces', async () => {
    const upstream = await createInterface(unique('up'));
    const downstream = await createInterface(unique('down'), [upstream.id]);
    const source = await createJob(upstream.id, 'source');
    const sink = await createJob(downstream.id, 'sink', [source.id]);
    const refused = await admin.api('POST', '/api/interfaces/batch-delete', { ids: [upstream.id] });
    assert.equal(refused.status, 409);
    const relations = refused
      .json<ErrorBody>()
      .details?.dependents?.map((dependent) => dependent.relation)
      .sort();
    assert.deepEqual(relations, ['child_interface', 'dependent_job', 'job']);
    const jobPage = await admin.get(`/jobs/${source.id}`);
    assert.ok(jobPage.text.includes(`href="/jobs/${sink.id}">sink</a>`), 'the job page lists its dependents');

    const confirm = await admin.postForm('/interfaces/batch', { action: 'delete', ids: String(upstream.id) });
    assert.equal(confirm.status, 200);
    assert.ok(confirm.text.includes('sink') && confirm.text.includes('source'), 'the confirmation lists them');
    const cascaded = await admin.api('POST', '/api/interfaces/batch-delete', { ids: [upstream.id], cascade: true });
    assert.equal(cascaded.status, 200, cascaded.text);
    assert.equal((await admin.api('GET', `/api/jobs/${source.id}`)).status, 404, 'its job went with it');
    assert.deepEqual(await prerequisitesOf(sink.id), [], 'the job elsewhere stays, without the edge');
    const child = (await admin.api('GET', `/api/interfaces/${downstream.id}`)).json<{
      data: { parentIds: number[] };
    }>();
    assert.deepEqual(child.data.parentIds, []);
    const audits = await admin.api('GET', '/api/audit?targetType=job&action=update&pageSize=200');
    const entry = audits
      .json<{ data: { targetId: string; detail: string }[] }>()
      .data.find((row) => row.targetId === String(sink.id));
    assert.ok(entry?.detail.includes(`${upstream.name} / source`), 'the lost prerequisite is audited on the survivor');
  });
});
