/**
 * `npm run bench -- definitions`: list/search pages and APIs with 1,000 interfaces and 10,000 jobs,
 * on SQLite and MariaDB. Prints `bench: definitions.list_p95_<db> = <ms> ms` (aim < 100 ms).
 */
import { DataSource } from 'typeorm';
import { InterfaceDependencyEntity, InterfaceEntity } from '../src/modules/interface/interface.entity.js';
import { JobDependencyEntity, JobEntity, JobParamEntity } from '../src/modules/job/job.entity.js';
import { startTestPortal, type TestDatabase } from '../test/support/portal.js';
import { jobRow } from './seed-rows.js';

const INTERFACES = 1_000;
const JOBS_PER_INTERFACE = 10;
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200);

async function seed(dataSource: DataSource): Promise<void> {
  const now = new Date();
  const interfaces = Array.from({ length: INTERFACES }, (_, i) => ({
    name: `iface_${String(i).padStart(4, '0')}`,
    description: `interface number ${i}`,
    folder: `dw/layer_${i % 10}`,
    dataDateWatermark: null,
    retryCount: 0,
    retryIntervalSeconds: 60,
    enabled: true,
    createdAt: now,
    updatedAt: now,
    updatedBy: 'bench',
  }));
  for (let i = 0; i < interfaces.length; i += 500) {
    await dataSource.getRepository(InterfaceEntity).insert(interfaces.slice(i, i + 500));
  }
  const ids = (
    await dataSource.getRepository(InterfaceEntity).find({ select: { id: true }, order: { id: 'ASC' } })
  ).map((row) => row.id);
  const parents = ids.slice(1).map((id, i) => ({ interfaceId: id, parentId: ids[i] }));
  for (let i = 0; i < parents.length; i += 500) {
    await dataSource.getRepository(InterfaceDependencyEntity).insert(parents.slice(i, i + 500));
  }
  const jobs = ids.flatMap((interfaceId, i) =>
    Array.from({ length: JOBS_PER_INTERFACE }, (_, j) =>
      jobRow(interfaceId, `job_${i}_${j}`, now, {
        description: `loads table t_${i}_${j}`,
        folder: `dw/layer_${i % 10}`,
        command: `sh run.sh t_${i}_${j}`,
      }),
    ),
  );
  for (let i = 0; i < jobs.length; i += 500) await dataSource.getRepository(JobEntity).insert(jobs.slice(i, i + 500));
  const jobIds = (await dataSource.getRepository(JobEntity).find({ select: { id: true }, order: { id: 'ASC' } })).map(
    (row) => row.id,
  );
  const params = jobIds.map((jobId) => ({
    jobId,
    position: 0,
    name: 'date',
    kind: 'context' as const,
    value: 'data_date:yyyyMMdd:-1',
  }));
  const deps = jobIds.slice(1).map((jobId, i) => ({ jobId, prerequisiteId: jobIds[i] }));
  for (let i = 0; i < params.length; i += 500) {
    await dataSource.getRepository(JobParamEntity).insert(params.slice(i, i + 500));
    await dataSource.getRepository(JobDependencyEntity).insert(deps.slice(i, i + 500));
  }
}

const URLS = [
  '/interfaces',
  '/interfaces?search=iface_09',
  '/interfaces?folder=dw%2Flayer_3&page=5',
  '/jobs',
  '/jobs?page=250',
  '/jobs?search=job_77',
  '/api/interfaces?pageSize=50',
  '/api/interfaces?search=number%2099',
  '/api/jobs?pageSize=50&page=100',
  '/api/jobs?search=t_500',
];

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function measure(database: TestDatabase): Promise<number> {
  const portal = await startTestPortal({ database, env: { SC__LOG__LEVEL: 'error' } });
  try {
    await seed(portal.app.get(DataSource));
    const client = await portal.admin();
    for (const url of URLS) {
      const response = await client.get(url);
      if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
    }
    const times: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const url = URLS[i % URLS.length];
      const start = performance.now();
      await client.get(url);
      times.push(performance.now() - start);
    }
    return percentile(times, 95);
  } finally {
    await portal.close();
  }
}

export async function runDefinitionsBench(): Promise<void> {
  for (const [database, name] of [
    ['sqlite', 'sqlite'],
    ['mysql', 'mariadb'],
  ] as const) {
    const p95 = await measure(database);
    console.log(`bench: definitions.list_p95_${name} = ${p95.toFixed(1)} ms`);
  }
}
