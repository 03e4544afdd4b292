/**
 * `npm run bench -- topology`: the topology API on a mesh of 1,000 interfaces and 10,000 jobs
 * (10 layers of 100 interfaces, 1–3 parents each from the layer before; 10 jobs per interface in a
 * small DAG; the first job of each interface waits for a job of one of its parents, and one job in
 * five for a job of another interface of an earlier layer).
 *
 * Prints the p95 of the API requests, on SQLite (the names the issue asks for) and on MariaDB
 * (`_mariadb`): `topology.global_mesh_ms` (whole mesh, collapsed), `topology.job_dag_ms` (job DAG
 * of an interface), `topology.impact_ms` (impact of a job, from the first layers where it is
 * largest); the collapsed mesh's payload size; and, when Chromium is installed, how long the
 * browser takes from navigation to the drawn whole mesh (`topology.global_mesh_render_ms`).
 */
import { DataSource } from 'typeorm';
import { InterfaceDependencyEntity, InterfaceEntity } from '../src/modules/interface/interface.entity.js';
import { JobDependencyEntity, JobEntity } from '../src/modules/job/job.entity.js';
import { launchBrowser } from '../test/support/browser.js';
import type { HttpClient } from '../test/support/http-client.js';
import { ADMIN_PASSWORD, startTestPortal, type TestDatabase } from '../test/support/portal.js';
import { jobRow } from './seed-rows.js';

const LAYERS = 10;
const PER_LAYER = 100;
const JOBS_PER_INTERFACE = 10;
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 40);

/** Deterministic, so every run measures the same mesh. */
function generator(seed: number) {
  let state = seed;
  return (below: number) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return Math.floor((state / 2147483648) * below);
  };
}

async function insertAll<T extends object>(dataSource: DataSource, entity: new () => T, rows: T[]): Promise<void> {
  for (let index = 0; index < rows.length; index += 500) {
    await dataSource.getRepository(entity).insert(rows.slice(index, index + 500));
  }
}

/** Seeds the mesh through the repositories; returns interface ids by layer and job ids by interface. */
async function seed(dataSource: DataSource): Promise<{ layers: number[][]; jobs: Map<number, number[]> }> {
  const now = new Date();
  const random = generator(42);
  const interfaces = Array.from({ length: LAYERS * PER_LAYER }, (_, index) => ({
    name: `mesh_${String(index).padStart(4, '0')}`,
    folder: `layer_${Math.floor(index / PER_LAYER)}`,
    enabled: true,
    createdAt: now,
    updatedAt: now,
    updatedBy: 'bench',
  }));
  await insertAll(dataSource, InterfaceEntity, interfaces as InterfaceEntity[]);
  const ids = (
    await dataSource.getRepository(InterfaceEntity).find({ select: { id: true }, order: { id: 'ASC' } })
  ).map((row) => row.id);
  const layers = Array.from({ length: LAYERS }, (_, layer) => ids.slice(layer * PER_LAYER, (layer + 1) * PER_LAYER));
  const parents = new Map<number, number[]>();
  for (let layer = 1; layer < LAYERS; layer++) {
    for (const child of layers[layer]) {
      const picked = new Set(Array.from({ length: 1 + random(3) }, () => layers[layer - 1][random(PER_LAYER)]));
      parents.set(child, [...picked]);
    }
  }
  const gates = [...parents].flatMap(([child, list]) => list.map((parentId) => ({ interfaceId: child, parentId })));
  await insertAll(dataSource, InterfaceDependencyEntity, gates as InterfaceDependencyEntity[]);
  const jobRows = ids.flatMap((interfaceId, index) =>
    Array.from({ length: JOBS_PER_INTERFACE }, (_, j) => jobRow(interfaceId, `job_${index}_${j}`, now)),
  );
  await insertAll(dataSource, JobEntity, jobRows as JobEntity[]);
  const jobs = new Map<number, number[]>();
  for (const row of await dataSource
    .getRepository(JobEntity)
    .find({ select: { id: true, interfaceId: true }, order: { id: 'ASC' } })) {
    jobs.set(row.interfaceId, [...(jobs.get(row.interfaceId) ?? []), row.id]);
  }
  await insertAll(dataSource, JobDependencyEntity, jobEdges(layers, parents, jobs, random) as JobDependencyEntity[]);
  return { layers, jobs };
}

function jobEdges(
  layers: number[][],
  parents: Map<number, number[]>,
  jobs: Map<number, number[]>,
  random: (below: number) => number,
): { jobId: number; prerequisiteId: number }[] {
  const edges = new Map<string, { jobId: number; prerequisiteId: number }>();
  const add = (jobId: number, prerequisiteId: number) =>
    edges.set(`${jobId}:${prerequisiteId}`, { jobId, prerequisiteId });
  layers.forEach((layer, depth) => {
    for (const interfaceId of layer) {
      const own = jobs.get(interfaceId)!;
      own.forEach((jobId, j) => {
        if (j > 0) add(jobId, own[j - 1 - random(Math.min(j, 3))]);
        if (depth > 0 && j % 5 === 4) {
          const earlier = layers[random(depth)][random(PER_LAYER)];
          add(jobId, jobs.get(earlier)![random(JOBS_PER_INTERFACE)]);
        }
      });
      const parentList = parents.get(interfaceId) ?? [];
      if (parentList.length > 0) add(own[0], jobs.get(parentList[random(parentList.length)])![JOBS_PER_INTERFACE - 1]);
    }
  });
  return [...edges.values()];
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function p95(client: HttpClient, urls: (index: number) => string): Promise<number> {
  for (let index = 0; index < 3; index++) await client.get(urls(index));
  const times: number[] = [];
  for (let index = 0; index < SAMPLES; index++) {
    const start = performance.now();
    const response = await client.get(urls(index));
    times.push(performance.now() - start);
    if (response.status !== 200) throw new Error(`${urls(index)} answered ${response.status}: ${response.text}`);
  }
  return percentile(times, 95);
}

async function renderTime(url: string): Promise<number | null> {
  let browser;
  try {
    browser = await launchBrowser();
  } catch {
    return null;
  }
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${url}/login`);
    await page.fill('#username', 'admin');
    await page.fill('#password', ADMIN_PASSWORD);
    await Promise.all([page.waitForURL(`${url}/`), page.click('#login-submit')]);
    const times: number[] = [];
    for (let run = 0; run < 5; run++) {
      const start = performance.now();
      await page.goto(`${url}/topology`);
      await page.waitForSelector('#topology-chart[data-drawn]');
      times.push(performance.now() - start);
    }
    return percentile(times, 50);
  } finally {
    await browser.close();
  }
}

async function measure(database: TestDatabase, suffix: string): Promise<void> {
  const portal = await startTestPortal({ database, env: { SC__LOG__LEVEL: 'error' } });
  try {
    const { layers, jobs } = await seed(portal.app.get(DataSource));
    const client = await portal.admin();
    const all = layers.flat();
    const pick = (index: number) => all[(index * 37) % all.length];
    const mesh = await p95(client, () => '/api/topology/mesh?scope=all');
    const dag = await p95(client, (index) => `/api/topology/jobs?interface=${pick(index)}`);
    const impact = await p95(
      client,
      (index) => `/api/topology/impact?job=${jobs.get(layers[index % 3][(index * 7) % PER_LAYER])![0]}`,
    );
    const size = (await client.get('/api/topology/mesh?scope=all')).text.length / 1024;
    console.log(`bench: topology.global_mesh_ms${suffix} = ${mesh.toFixed(1)} ms`);
    console.log(`bench: topology.job_dag_ms${suffix} = ${dag.toFixed(1)} ms`);
    console.log(`bench: topology.impact_ms${suffix} = ${impact.toFixed(1)} ms`);
    console.log(`bench: topology.global_mesh_kb${suffix} = ${size.toFixed(1)} kB`);
    if (suffix === '') {
      const render = await renderTime(portal.url);
      if (render === null) console.log('bench: topology.global_mesh_render_ms skipped (no Chromium)');
      else console.log(`bench: topology.global_mesh_render_ms = ${render.toFixed(0)} ms`);
    }
  } finally {
    await portal.close();
  }
}

export async function runTopologyBench(): Promise<void> {
  await measure('sqlite', '');
  await measure('mysql', '_mariadb');
}
