import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { ExecHostEntity } from '../../src/modules/exec-host/exec-host.entity.js';
import type { HttpClient } from '../support/http-client.js';
import { startTestPortal, testDatabase, type TestPortal } from '../support/portal.js';

type Node = ['i' | 'j', number, string, number, number, number, number];
type Edge = [number, number, number, number];
interface Graph {
  view: string;
  interface: { id: number; name: string } | null;
  layers: number;
  rows: number;
  nodes: Node[];
  edges: Edge[];
}
interface Impact {
  origin: { kind: string; id: number; name: string };
  counts: { jobs: number; interfaces: number };
  interfaces: { id: number; name: string; blockedJobs: number; jobs: number; gated: boolean; origin: boolean }[];
  jobs: [number, string, number][];
}
interface ErrorBody {
  code: string;
  details?: { fields?: Record<string, string> };
}

const FOCUS = 1;
const EXTERNAL = 2;
const DISABLED = 4;
const COLLAPSED = 8;
const EDGE_JOB = 1;
const EDGE_GATE = 2;
const EDGE_REVERSED = 4;

const stamp = Date.now() % 100000;
const named = (name: string) => `${name}_${stamp}`;

/** "A / a1 -> B" style edges, by node label. */
const edgeLabels = (graph: Graph) => graph.edges.map(([s, t]) => `${graph.nodes[s][2]} -> ${graph.nodes[t][2]}`).sort();
const nodeByLabel = (graph: Graph, label: string) => {
  const node = graph.nodes.find((candidate) => candidate[2] === label);
  assert.ok(node, `node ${label} is drawn`);
  return node;
};
const edgeBetween = (graph: Graph, source: string, target: string) => {
  const edge = graph.edges.find(([s, t]) => graph.nodes[s][2] === source && graph.nodes[t][2] === target);
  assert.ok(edge, `edge ${source} -> ${target} is drawn`);
  return edge;
};

function assertLayered(graph: Graph): void {
  for (const [source, target, flags] of graph.edges) {
    const [from, to] = [graph.nodes[source], graph.nodes[target]];
    if (flags & EDGE_REVERSED) assert.ok(from[3] > to[3], `${from[2]} -> ${to[2]} is drawn backwards`);
    else assert.ok(from[3] < to[3], `${from[2]} (layer ${from[3]}) -> ${to[2]} (layer ${to[3]})`);
  }
  const places = new Set(graph.nodes.map((node) => `${node[3]}:${node[4]}`));
  assert.equal(places.size, graph.nodes.length, 'every node has its own place');
  assert.equal(graph.layers, Math.max(...graph.nodes.map((node) => node[3])) + 1);
}

describe(`topology: job DAG, interface mesh, impact (${testDatabase()})`, () => {
  let portal: TestPortal;
  let admin: HttpClient;
  let hostId: number;
  const ids: Record<string, number> = {};

  const createInterface = async (key: string, parents: string[] = [], enabled = true) => {
    const body = { name: named(key), parentIds: parents.map((parent) => ids[parent]), enabled };
    const response = await admin.api('POST', '/api/interfaces', body);
    assert.equal(response.status, 201, response.text);
    ids[key] = response.json<{ data: { id: number } }>().data.id;
  };
  const createJob = async (iface: string, key: string, prerequisites: string[] = [], enabled = true) => {
    const response = await admin.api('POST', '/api/jobs', {
      interfaceId: ids[iface],
      name: key,
      execHostId: hostId,
      command: `/opt/etl/${key}.sh`,
      prerequisiteIds: prerequisites.map((prerequisite) => ids[prerequisite]),
      enabled,
    });
    assert.equal(response.status, 201, response.text);
    ids[key] = response.json<{ data: { id: number } }>().data.id;
  };
  const get = async <T>(path: string): Promise<T> => {
    const response = await admin.api('GET', path);
    assert.equal(response.status, 200, `${path}: ${response.text}`);
    return response.json<{ data: T }>().data;
  };
  const label = (iface: string, job?: string) => (job ? `${named(iface)} / ${job}` : named(iface));

  before(async () => {
    portal = await startTestPortal();
    admin = await portal.admin();
    const now = new Date();
    const host = await portal.app.get(DataSource).getRepository(ExecHostEntity).insert({
      name: 'topology-host',
      address: 'http://127.0.0.1:7391',
      tokenEncrypted: 'x',
      createdAt: now,
      updatedAt: now,
    });
    hostId = Number((host.identifiers[0] as { id: number }).id);
    // A: a1 → a2, a1 → a3.  B (child of A): a2 → b1 → b2.  C: a3 → c1 (job edge only).
    // D (child of C): d1.  F (child of B): f1.  G (child of F, disabled): g1.  E: e1, unrelated.
    await createInterface('A');
    await createInterface('B', ['A']);
    await createInterface('C');
    await createInterface('D', ['C']);
    await createInterface('E');
    await createInterface('F', ['B']);
    await createInterface('G', ['F'], false);
    await createJob('A', 'a1');
    await createJob('A', 'a2', ['a1']);
    await createJob('A', 'a3', ['a1']);
    await createJob('B', 'b1', ['a2']);
    await createJob('B', 'b2', ['b1']);
    await createJob('C', 'c1', ['a3']);
    await createJob('D', 'd1');
    await createJob('E', 'e1');
    await createJob('F', 'f1');
    await createJob('G', 'g1');
  });
  after(async () => {
    await portal.close();
  });

  it('lays out the job DAG of an interface in layers, with prerequisites from other interfaces marked', async () => {
    const graph = await get<Graph>(`/api/topology/jobs?interface=${ids.B}`);
    assert.equal(graph.view, 'jobs');
    assert.deepEqual(graph.interface, { id: ids.B, name: named('B') });
    assert.deepEqual(edgeLabels(graph), [`${label('A', 'a2')} -> b1`, 'b1 -> b2']);
    const external = nodeByLabel(graph, label('A', 'a2'));
    assert.equal(external[5] & EXTERNAL, EXTERNAL, 'the prerequisite in A is external');
    assert.equal(external[6], ids.A, 'and names its interface');
    assert.equal(nodeByLabel(graph, 'b1')[5], FOCUS);
    assert.deepEqual(
      graph.nodes.map((node) => [node[2], node[3]]),
      [
        ['b1', 1],
        ['b2', 2],
        [label('A', 'a2'), 0],
      ],
    );
    assertLayered(graph);
  });

  it('shows parents and children to the chosen depth, everything connected, or everything downstream', async () => {
    const names = async (query: string) =>
      (await get<Graph>(`/api/topology/mesh?${query}`)).nodes.map((node) => node[2]).sort();
    assert.deepEqual(await names(`interface=${ids.A}&scope=local&depth=1`), [label('A'), label('B'), label('C')]);
    assert.deepEqual(await names(`interface=${ids.D}&scope=local&depth=1`), [label('C'), label('D')]);
    assert.deepEqual(await names(`interface=${ids.D}&scope=local&depth=2`), [label('A'), label('C'), label('D')]);
    const component = [label('A'), label('B'), label('C'), label('D'), label('F'), label('G')];
    assert.deepEqual(await names(`interface=${ids.D}&scope=component`), component);
    assert.deepEqual(await names(`interface=${ids.C}&scope=downstream`), [label('C'), label('D')]);
    const all = await names('scope=all');
    assert.ok(all.includes(label('E')) && all.length >= 7);
  });

  it('collapses each interface into one node carrying its job count, and expands it into its jobs', async () => {
    const collapsed = await get<Graph>(`/api/topology/mesh?interface=${ids.A}&scope=component`);
    assertLayered(collapsed);
    const a = nodeByLabel(collapsed, label('A'));
    assert.equal(a[0], 'i');
    assert.equal(a[6], 3, 'A stands for its 3 jobs');
    assert.equal(a[5], FOCUS | COLLAPSED);
    assert.equal(nodeByLabel(collapsed, label('G'))[5] & DISABLED, DISABLED);
    const ab = edgeBetween(collapsed, label('A'), label('B'));
    assert.equal(ab[2], EDGE_GATE | EDGE_JOB, 'B is a child of A and b1 needs a2');
    assert.equal(ab[3], 1);
    assert.deepEqual(edgeBetween(collapsed, label('A'), label('C')).slice(2), [EDGE_JOB, 1]);
    assert.deepEqual(edgeBetween(collapsed, label('C'), label('D')).slice(2), [EDGE_GATE, 0]);

    const expanded = await get<Graph>(`/api/topology/mesh?interface=${ids.A}&scope=component&expand=${ids.A}`);
    assertLayered(expanded);
    assert.ok(!expanded.nodes.some((node) => node[2] === label('A')), 'A is replaced by its jobs');
    const jobs = expanded.nodes.filter((node) => node[0] === 'j').map((node) => node[2]);
    assert.deepEqual(jobs, [label('A', 'a1'), label('A', 'a2'), label('A', 'a3')]);
    assert.deepEqual(edgeBetween(expanded, label('A', 'a1'), label('A', 'a2')).slice(2), [EDGE_JOB, 1]);
    // B waits for A's last jobs (a2, a3); b1's own prerequisite a2 merges into the same edge
    assert.deepEqual(edgeBetween(expanded, label('A', 'a2'), label('B')).slice(2), [EDGE_GATE | EDGE_JOB, 1]);
    assert.deepEqual(edgeBetween(expanded, label('A', 'a3'), label('B')).slice(2), [EDGE_GATE, 0]);
    assert.deepEqual(edgeBetween(expanded, label('A', 'a3'), label('C')).slice(2), [EDGE_JOB, 1]);

    const everything = await get<Graph>(`/api/topology/mesh?interface=${ids.A}&scope=component&expand=all`);
    assertLayered(everything);
    assert.equal(everything.nodes.filter((node) => node[0] === 'j').length, 9);
  });

  it('draws two interfaces whose jobs depend on each other with one edge reversed, and no reversal once expanded', async () => {
    await createInterface('X');
    await createInterface('Y');
    await createJob('X', 'x1');
    await createJob('Y', 'y1', ['x1']);
    await createJob('X', 'x2', ['y1']);
    const collapsed = await get<Graph>(`/api/topology/mesh?interface=${ids.X}&scope=component`);
    assert.equal(collapsed.edges.length, 2);
    assert.equal(collapsed.edges.filter((edge) => edge[2] & EDGE_REVERSED).length, 1);
    assertLayered(collapsed);
    const expanded = await get<Graph>(`/api/topology/mesh?interface=${ids.X}&scope=component&expand=${ids.X},${ids.Y}`);
    assert.deepEqual(edgeLabels(expanded), [
      `${label('X', 'x1')} -> ${label('Y', 'y1')}`,
      `${label('Y', 'y1')} -> ${label('X', 'x2')}`,
    ]);
    assert.equal(expanded.edges.filter((edge) => edge[2] & EDGE_REVERSED).length, 0);
    assertLayered(expanded);
  });

  it('lists what a failing job blocks across interfaces: dependents, child interfaces, their children', async () => {
    const impact = await get<Impact>(`/api/topology/impact?job=${ids.a1}`);
    assert.deepEqual(impact.origin, {
      kind: 'job',
      id: ids.a1,
      name: 'a1',
      interfaceId: ids.A,
      interfaceName: named('A'),
    });
    assert.deepEqual(
      impact.jobs.map(([, name]) => name),
      ['a2', 'a3', 'b1', 'b2', 'c1', 'd1', 'f1'],
    );
    assert.deepEqual(impact.counts, { jobs: 7, interfaces: 4 });
    assert.deepEqual(
      impact.interfaces.map((row) => [row.name, row.blockedJobs, row.jobs, row.gated, row.origin]),
      [
        [named('A'), 2, 3, false, true],
        [named('B'), 2, 2, true, false],
        [named('C'), 1, 1, false, false],
        [named('D'), 1, 1, true, false],
        [named('F'), 1, 1, true, false],
      ],
      'G is disabled: it never runs, so nothing of it is blocked',
    );

    const narrow = await get<Impact>(`/api/topology/impact?job=${ids.a2}`);
    assert.deepEqual(
      narrow.jobs.map(([, name]) => name),
      ['b1', 'b2', 'f1'],
      'a2 failing blocks B (child of A, and b1 needs a2) and B’s child F, not C',
    );
    const sideways = await get<Impact>(`/api/topology/impact?job=${ids.a3}`);
    assert.deepEqual(
      sideways.jobs.map(([, name]) => name),
      ['b1', 'b2', 'c1', 'd1', 'f1'],
      'a3 failing keeps A from succeeding, which holds back B, and blocks c1 in C',
    );
    const whole = await get<Impact>(`/api/topology/impact?interface=${ids.C}`);
    assert.deepEqual(whole.origin, { kind: 'interface', id: ids.C, name: named('C') });
    assert.deepEqual(whole.counts, { jobs: 1, interfaces: 1 });
    assert.deepEqual(whole.jobs, [[ids.d1, 'd1', ids.D]]);
    const quiet = await get<Impact>(`/api/topology/impact?job=${ids.e1}`);
    assert.deepEqual([quiet.counts, quiet.jobs], [{ jobs: 0, interfaces: 0 }, []]);
  });

  it('answers 400 naming the parameter for bad input and 404 for unknown ids', async () => {
    const cases: [string, number, string?][] = [
      ['/api/topology/jobs', 400, 'interface'],
      ['/api/topology/jobs?interface=abc', 400, 'interface'],
      ['/api/topology/jobs?interface=0', 400, 'interface'],
      ['/api/topology/jobs?interface=999999', 404],
      ['/api/topology/mesh?interface=1.5', 400, 'interface'],
      [`/api/topology/mesh?interface=${ids.A}&scope=galaxy`, 400, 'scope'],
      [`/api/topology/mesh?interface=${ids.A}&depth=0`, 400, 'depth'],
      [`/api/topology/mesh?interface=${ids.A}&depth=11`, 400, 'depth'],
      ['/api/topology/mesh?scope=local', 400, 'interface'],
      [`/api/topology/mesh?interface=${ids.A}&expand=1,x`, 400, 'expand'],
      ['/api/topology/mesh?interface=999999', 404],
      ['/api/topology/impact', 400, 'job'],
      ['/api/topology/impact?job=-3', 400, 'job'],
      [`/api/topology/impact?job=${ids.a1}&interface=${ids.A}`, 400, 'job'],
      ['/api/topology/impact?interface=x', 400, 'interface'],
      ['/api/topology/impact?job=999999', 404],
      ['/api/topology/impact?interface=999999', 404],
    ];
    for (const [path, status, field] of cases) {
      const response = await admin.api('GET', path);
      assert.equal(response.status, status, `${path}: ${response.text}`);
      const body = response.json<ErrorBody>();
      if (field) assert.ok(body.details?.fields?.[field], `${path} names ${field}: ${response.text}`);
      else assert.equal(body.code, 'NOT_FOUND');
    }
    const anonymous = await portal.client().get(`/api/topology/jobs?interface=${ids.A}`);
    assert.equal(anonymous.status, 401);
  });

  it('serves the pages: finder, the views of an interface, and the impact link of a job', async () => {
    const finder = await admin.get(`/topology?q=${encodeURIComponent(named('B'))}`);
    assert.equal(finder.status, 200);
    assert.match(finder.text, new RegExp(`<a href="/topology/interfaces/${ids.B}">${named('B')}</a>`));
    const page = await admin.get(`/topology/interfaces/${ids.A}?view=mesh&scope=component`);
    assert.equal(page.status, 200);
    assert.match(page.text, /id="topology-chart"/);
    assert.match(page.text, /<option value="component" selected>/);
    const impact = await admin.get(`/topology/interfaces/${ids.A}?view=impact&job=${ids.a2}`);
    assert.match(impact.text, new RegExp(`<option value="${ids.a2}" selected>a2</option>`));
    const redirect = await admin.get(`/topology/impact?job=${ids.b1}`);
    assert.equal(redirect.status, 302);
    assert.equal(redirect.headers.get('location'), `/topology/interfaces/${ids.B}?view=impact&job=${ids.b1}`);
    assert.equal((await admin.get(`/topology/interfaces/abc`)).status, 400);
    assert.equal((await admin.get(`/topology/interfaces/${ids.A}?view=nope`)).status, 400);
    assert.equal((await admin.get(`/topology/interfaces/999999`)).status, 404);
    assert.equal((await admin.get(`/topology/interfaces/${ids.A}?view=impact&job=${ids.b1}`)).status, 404);
    const detail = await admin.get(`/interfaces/${ids.A}`);
    assert.match(detail.text, new RegExp(`href="/topology/interfaces/${ids.A}" id="interface-topology"`));
  });
});
