/**
 * `npm run bench -- observe`: the observation pages on MariaDB + FerretDB at the scale.
 *
 * Seeds 1,000 interfaces / 10,000 jobs, 1,000,000 job_run rows (100 per execution, over 90 days,
 * 4 exec hosts, a few dispatches) with the dashboard's rollup rows computed from them, and 10,000,000
 * lines in the SQL store's job_log (100 runs of 100,000 lines). A real portal process with the SQL log
 * store prints the p95 (ms) of `observe.monitor_p95`, `observe.history_p95`, `observe.dashboard_p95`
 * (and per window), `observe.log_page_p95_sql`; then 100 concurrent jobs print lines through a real
 * exec node: `observe.log_ingest_lines_per_s_sql` and `observe.log_tail_lag_p99_sql` (ms from a line's
 * print to its arrival on an SSE tail). Then the same log figures with the Mongo store on FerretDB
 * (no suffix: `observe.log_page_p95`, `observe.log_ingest_lines_per_s`, `observe.log_tail_lag_p99`).
 * Seeding rates are printed too (`observe.seed_*`).
 *
 * BENCH_OBSERVE_SCALE (default 1) scales runs and log lines for quick runs, BENCH_OBSERVE_LOG_SCALE
 * the log lines alone; BENCH_SAMPLES (100) requests per figure; BENCH_OBSERVE_INGEST_LINES (20,000)
 * lines per ingest job; BENCH_OBSERVE_INGEST=0 skips the ingest half, BENCH_OBSERVE_FERRET=0 the FerretDB
 * half (BENCH_OBSERVE_FERRET_LINES, default min(log lines, 100,000), sets its log size: its reads scan).
 */
import { DataSource } from 'typeorm';
import { MongoClient } from 'mongodb';
import { AppConfig } from '../src/config/app-config.js';
import { SecretBox } from '../src/infra/crypto/secret-box.js';
import { addAttempt, statRow, utcDay, type StatRow } from '../src/modules/dashboard/run-stat-rollup.js';
import { insertRows } from '../src/modules/dashboard/run-stat-rebuild.js';
import type { TerminalState } from '../src/modules/execution/job-run.entity.js';
import { InterfaceEntity } from '../src/modules/interface/interface.entity.js';
import { JobEntity } from '../src/modules/job/job.entity.js';
import { Sql } from '../src/modules/execution/engine-db.js';
import { HttpClient } from '../test/support/http-client.js';
import { ADMIN_PASSWORD, testPortalEnv } from '../test/support/portal.js';
import { openPortalDatabase, startPortalProcess, type PortalProcess } from '../test/support/portal-process.js';
import { createTestMongoDatabase } from '../test/support/services.js';
import { jobRow } from './seed-rows.js';
import { ingestBench } from './observe-ingest.js';

const SCALE = Number(process.env.BENCH_OBSERVE_SCALE ?? 1);
const RUNS = Math.round(1_000_000 * SCALE);
const LOG_LINES = Math.round(10_000_000 * Number(process.env.BENCH_OBSERVE_LOG_SCALE ?? SCALE));
const BIG_LOGS = 100;
const INTERFACES = 1000;
const JOBS_PER_INTERFACE = 10;
const RUNS_PER_EXECUTION = 100;
const HOSTS = 4;
const DAYS = 90;
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 100);
/** FerretDB v1 reads scan the whole collection (docs/observe.md): its page figure is taken on fewer lines. */
const FERRET_LINES = Number(process.env.BENCH_OBSERVE_FERRET_LINES ?? Math.min(LOG_LINES, 100_000));
const FERRET_SAMPLES = Number(process.env.BENCH_OBSERVE_FERRET_SAMPLES ?? 20);
const DAY_MS = 86_400_000;

export function print(name: string, value: number, unit: string, digits = 1): void {
  console.log(`bench: ${name} = ${value.toFixed(digits)} ${unit}`);
}

/** Deterministic, so every run measures the same data. */
function generator(seed: number) {
  let state = seed;
  return (below: number) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return Math.floor((state / 2147483648) * below);
  };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

interface Seeded {
  jobIds: number[];
  /** job_run ids of the runs with big logs, and their node run ids. */
  bigLogs: { runId: number; nodeRunId: string; executionId: number; jobId: number }[];
}

async function seedDefinitions(ds: DataSource, box: SecretBox): Promise<{ interfaces: number[]; jobs: number[] }> {
  const now = new Date();
  const stamps = { createdAt: now, updatedAt: now, updatedBy: 'bench' };
  const rows = Array.from({ length: INTERFACES }, (_, i) => ({
    name: `obs_${i}`,
    folder: 'bench',
    enabled: true,
    ...stamps,
  }));
  for (let i = 0; i < rows.length; i += 500) await ds.getRepository(InterfaceEntity).insert(rows.slice(i, i + 500));
  const interfaces = (await ds.getRepository(InterfaceEntity).find({ select: { id: true }, order: { id: 'ASC' } })).map(
    (row) => row.id,
  );
  const jobRows = interfaces.flatMap((interfaceId, i) =>
    Array.from({ length: JOBS_PER_INTERFACE }, (_, j) => jobRow(interfaceId, `obs_job_${i}_${j}`, now)),
  );
  for (let i = 0; i < jobRows.length; i += 500) {
    await ds.getRepository(JobEntity).insert(jobRows.slice(i, i + 500));
  }
  const jobs = (await ds.getRepository(JobEntity).find({ select: { id: true }, order: { id: 'ASC' } })).map(
    (r) => r.id,
  );
  for (let h = 1; h <= HOSTS; h++) {
    await ds.query(
      'INSERT INTO exec_host (name, address, token_encrypted, slots, enabled, description, created_at, updated_at, updated_by) ' +
        'VALUES (?, ?, ?, 50, 1, ?, ?, ?, ?)',
      [
        `obs-host-${h}`,
        `http://127.0.0.1:${9000 + h}`,
        box.encrypt('unused'),
        '',
        now.getTime(),
        now.getTime(),
        'bench',
      ],
    );
  }
  for (let d = 0; d < 5; d++) {
    await ds.query(
      "INSERT INTO dispatch (interface_id, name, cron, enabled, run_downstream, created_at, updated_at, updated_by) VALUES (?, ?, '0 0 2 * * ?', 0, 1, ?, ?, 'bench')",
      [interfaces[d], `obs_dispatch_${d}`, now.getTime(), now.getTime()],
    );
  }
  return { interfaces, jobs };
}

const RUN_COLUMNS = [
  'id',
  'execution_id',
  'node_run_id',
  'data_date',
  'interface_id',
  'interface_name',
  'job_id',
  'job_name',
  'command_type',
  'command',
  'params',
  'state',
  'attempt',
  'not_before',
  'host_id',
  'exit_code',
  'dispatched_at',
  'started_at',
  'finished_at',
  'created_at',
  'updated_at',
];

function runState(roll: number): TerminalState {
  if (roll < 94) return 'succeeded';
  if (roll < 98) return 'failed';
  return roll < 99 ? 'timed_out' : 'killed';
}

/** One execution: its row, its interface rows and RUNS_PER_EXECUTION runs (10 interfaces × 10 jobs). */
function executionRows(e: number, defs: { interfaces: number[]; jobs: number[] }, random: (n: number) => number) {
  const executions = Math.ceil(RUNS / RUNS_PER_EXECUTION);
  const start = Date.now() - DAYS * DAY_MS + Math.floor((e / executions) * DAYS * DAY_MS);
  const dataDate = utcDay(start - DAY_MS);
  const first = (e * 7) % INTERFACES;
  const runs: (string | number | null)[][] = [];
  const attempts: { jobId: number; hostId: number; state: TerminalState; startedAt: number; finishedAt: number }[] = [];
  let failed = false;
  for (let k = 0; k < RUNS_PER_EXECUTION; k++) {
    const iface = (first + Math.floor(k / JOBS_PER_INTERFACE)) % INTERFACES;
    const jobId = defs.jobs[iface * JOBS_PER_INTERFACE + (k % JOBS_PER_INTERFACE)];
    const id = e * RUNS_PER_EXECUTION + k + 1;
    const state = runState(random(100));
    failed ||= state !== 'succeeded';
    const hostId = 1 + random(HOSTS);
    const startedAt = start + k * 1000;
    const finishedAt = startedAt + 1000 + random(600_000);
    attempts.push({ jobId, hostId, state, startedAt, finishedAt });
    runs.push([
      id,
      e + 1,
      `jr-obs-${id}`,
      dataDate,
      defs.interfaces[iface],
      `obs_${iface}`,
      jobId,
      `obs_job_${iface}_${k % 10}`,
      'argv',
      'sh run.sh',
      '[]',
      state,
      1,
      start,
      hostId,
      state === 'succeeded' ? 0 : 1,
      startedAt - 50,
      startedAt,
      finishedAt,
      start,
      finishedAt,
    ]);
  }
  const end = Math.max(...attempts.map((a) => a.finishedAt));
  const dispatchId = e % 50 === 0 ? 1 + ((e / 50) % 5) : null;
  const execution = [
    e + 1,
    dispatchId,
    defs.interfaces[first],
    `obs_${first}`,
    dispatchId ? `obs_dispatch_${dispatchId - 1}` : '',
    start,
    dataDate,
    dispatchId ? 'schedule' : 'manual',
    failed ? 'failed' : 'succeeded',
    1,
    'bench',
    start,
    end,
    end,
  ];
  const interfaces = Array.from({ length: RUNS_PER_EXECUTION / JOBS_PER_INTERFACE }, (_, level) => {
    const iface = (first + level) % INTERFACES;
    return [e + 1, defs.interfaces[iface], `obs_${iface}`, '', level, failed ? 'failed' : 'succeeded', 0, end];
  });
  return { execution, interfaces, runs, attempts };
}

async function insertChunked(sql: Sql, table: string, columns: string[], rows: (string | number | null)[][]) {
  const size = Math.floor(60_000 / columns.length);
  for (let i = 0; i < rows.length; i += size) {
    const part = rows.slice(i, i + size);
    const tuple = `(${columns.map(() => '?').join(',')})`;
    await sql.runner.query(
      `INSERT INTO ${table} (${columns.join(',')}) VALUES ${part.map(() => tuple).join(',')}`,
      part.flat(),
    );
  }
}

/** Executions, their interfaces and runs in batches of 100 executions, plus the rollup rows they imply. */
async function seedRuns(ds: DataSource, defs: { interfaces: number[]; jobs: number[] }): Promise<void> {
  const random = generator(7);
  const jobs = new Map<string, StatRow<'jobId'>>();
  const hosts = new Map<string, StatRow<'hostId'>>();
  const runner = ds.createQueryRunner();
  const sql = new Sql(runner, 'mysql');
  const started = performance.now();
  try {
    const executions = Math.ceil(RUNS / RUNS_PER_EXECUTION);
    for (let batch = 0; batch < executions; batch += 100) {
      const rows = Array.from({ length: Math.min(100, executions - batch) }, (_, i) =>
        executionRows(batch + i, defs, random),
      );
      await insertChunked(
        sql,
        'execution',
        [
          'id',
          'dispatch_id',
          'interface_id',
          'interface_name',
          'dispatch_name',
          'scheduled_at',
          'data_date',
          '`trigger`',
          'state',
          'run_downstream',
          'created_by',
          'created_at',
          'finished_at',
          'updated_at',
        ],
        rows.map((r) => r.execution),
      );
      await insertChunked(
        sql,
        'execution_interface',
        ['execution_id', 'interface_id', 'interface_name', 'parent_ids', 'level', 'state', 'waiting_on', 'finished_at'],
        rows.flatMap((r) => r.interfaces),
      );
      await insertChunked(
        sql,
        'job_run',
        RUN_COLUMNS,
        rows.flatMap((r) => r.runs),
      );
      for (const attempt of rows.flatMap((r) => r.attempts)) {
        const ended = { ...attempt, endedAt: attempt.finishedAt };
        const day = utcDay(ended.endedAt);
        addAttempt(statRow(jobs, day, 'jobId', attempt.jobId), ended);
        addAttempt(statRow(hosts, day, 'hostId', attempt.hostId), ended);
      }
    }
    print('observe.seed_runs_per_s', RUNS / ((performance.now() - started) / 1000), 'rows/s', 0);
    await insertRows(sql, 'run_stat_job_day', 'job_id', [...jobs.values()]);
    await insertRows(sql, 'run_stat_host_day', 'host_id', [...hosts.values()]);
  } finally {
    await runner.release();
  }
}

async function bigLogRuns(ds: DataSource): Promise<Seeded['bigLogs']> {
  const rows: { id: unknown; node_run_id: string; execution_id: unknown; job_id: unknown }[] = await ds.query(
    `SELECT id, node_run_id, execution_id, job_id FROM job_run ORDER BY id LIMIT ${BIG_LOGS}`,
  );
  return rows.map((r) => ({
    runId: Number(r.id),
    nodeRunId: r.node_run_id,
    executionId: Number(r.execution_id),
    jobId: Number(r.job_id),
  }));
}

const logLine = (seq: number, time: Date) =>
  `${time.toISOString()} INFO step ${seq}: loaded ${seq * 17} rows into staging.table_${seq % 97}`;

/** LOG_LINES lines over the BIG_LOGS runs into the SQL store's job_log: 10,000-row inserts, 4 connections. */
async function seedSqlLogs(ds: DataSource, big: Seeded['bigLogs']): Promise<void> {
  const perRun = Math.ceil(LOG_LINES / BIG_LOGS);
  const batches: { runId: number; from: number }[] = [];
  for (const run of big) for (let from = 1; from <= perRun; from += 10_000) batches.push({ runId: run.runId, from });
  const now = Date.now();
  const started = performance.now();
  const worker = async () => {
    const runner = ds.createQueryRunner();
    try {
      for (let next = batches.shift(); next; next = batches.shift()) {
        const count = Math.min(10_000, perRun - next.from + 1);
        const params: (string | number)[] = [];
        for (let i = 0; i < count; i++) {
          const seq = next.from + i;
          const time = new Date(now - (perRun - seq) * 10);
          params.push(next.runId, 1, seq, seq % 50 === 0 ? 'stderr' : 'stdout', time.getTime(), logLine(seq, time));
        }
        const tuples = Array.from({ length: count }, () => '(?,?,?,?,?,?)').join(',');
        await runner.query(
          `INSERT INTO job_log (run_id, attempt, seq, stream, \`time\`, line) VALUES ${tuples}`,
          params,
        );
      }
    } finally {
      await runner.release();
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  print('observe.seed_sql_log_lines_per_s', (perRun * BIG_LOGS) / ((performance.now() - started) / 1000), 'lines/s', 0);
}

/** FERRET_LINES lines over the BIG_LOGS runs, unordered insertMany batches of 10,000, 4 in flight. */
async function seedLogs(mongoUrl: string, big: Seeded['bigLogs']): Promise<void> {
  const client = await MongoClient.connect(mongoUrl);
  try {
    const collection = client.db().collection('job_logs');
    // The indexes MongoLogStore creates (same names and keys), so the portal finds them in place.
    await collection.createIndex({ runId: 1, attempt: 1, seq: 1 }, { name: 'uq_job_logs_run_seq', unique: true });
    await collection.createIndex({ executionId: 1 }, { name: 'ix_job_logs_execution' });
    const perRun = Math.ceil(FERRET_LINES / BIG_LOGS);
    const started = performance.now();
    const batches: { run: (typeof big)[number]; from: number }[] = [];
    for (const run of big) for (let from = 1; from <= perRun; from += 10_000) batches.push({ run, from });
    const now = Date.now();
    const worker = async () => {
      for (let next = batches.shift(); next; next = batches.shift()) {
        const count = Math.min(10_000, perRun - next.from + 1);
        const documents = Array.from({ length: count }, (_, i) => {
          const seq = next.from + i;
          const time = new Date(now - (perRun - seq) * 10);
          return {
            runId: next.run.nodeRunId,
            executionId: String(next.run.executionId),
            jobId: String(next.run.jobId),
            attempt: 1,
            stream: seq % 50 === 0 ? 'stderr' : 'stdout',
            seq,
            time,
            line: logLine(seq, time),
            node: 'obs-host-1',
            expireAt: new Date(time.getTime() + 30 * DAY_MS),
          };
        });
        await collection.insertMany(documents, { ordered: false });
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    print('observe.seed_log_lines_per_s', (perRun * BIG_LOGS) / ((performance.now() - started) / 1000), 'lines/s', 0);
  } finally {
    await client.close();
  }
}

async function timings(client: HttpClient, url: (index: number) => string, samples: number): Promise<number[] | null> {
  const probe = await client.get(url(0));
  if (probe.status === 404 && /Cannot GET|NOT_FOUND/.test(probe.text) && !probe.text.includes('"details"')) return null;
  for (let index = 1; index < Math.min(5, samples); index++) await client.get(url(index));
  const times: number[] = [];
  for (let index = 0; index < samples; index++) {
    const start = performance.now();
    const response = await client.get(url(index));
    times.push(performance.now() - start);
    if (response.status !== 200)
      throw new Error(`${url(index)} answered ${response.status}: ${response.text.slice(0, 300)}`);
  }
  return times;
}

async function figure(client: HttpClient, name: string, url: (index: number) => string, samples = SAMPLES) {
  const times = await timings(client, url, samples);
  if (times === null) console.log(`bench: ${name} skipped (endpoint ${url(0)} not there yet)`);
  else print(name, percentile(times, 95), 'ms');
}

async function login(portal: PortalProcess): Promise<HttpClient> {
  const client = new HttpClient(portal.url);
  const answer = await client.login('admin', ADMIN_PASSWORD);
  if (answer.status !== 303) throw new Error(`admin login failed with ${answer.status}`);
  return client;
}

const logPage = (seeded: Seeded, random: (n: number) => number, lines: number) => () => {
  const run = seeded.bigLogs[random(seeded.bigLogs.length)];
  return `/api/runs/${run.runId}/log?afterSeq=${random(Math.ceil(lines / BIG_LOGS))}&limit=500`;
};

/** Pages on MariaDB with the SQL log store; the dashboard's first request per window builds its summary. */
async function sqlQueries(portal: PortalProcess, seeded: Seeded): Promise<void> {
  const client = await login(portal);
  const random = generator(11);
  for (const days of [7, 14, 30, 90]) {
    const start = performance.now();
    const first = await client.get(`/api/dashboard?days=${days}`);
    if (first.status !== 200) throw new Error(`dashboard answered ${first.status}`);
    print(`observe.dashboard_first_${days}d`, performance.now() - start, 'ms');
  }
  await figure(client, 'observe.monitor_p95', () => '/api/monitor');
  await figure(
    client,
    'observe.history_p95',
    () => `/api/jobs/${seeded.jobIds[random(seeded.jobIds.length)]}/runs?page=${1 + random(5)}&pageSize=20`,
  );
  await figure(client, 'observe.dashboard_p95', (index) => `/api/dashboard?days=${[7, 14, 30, 90][index % 4]}`);
  for (const days of [7, 14, 30, 90])
    await figure(client, `observe.dashboard_p95_${days}d`, () => `/api/dashboard?days=${days}`, SAMPLES / 2);
  await figure(client, 'observe.log_page_p95_sql', logPage(seeded, random, LOG_LINES));
}

async function ferretQueries(portal: PortalProcess, seeded: Seeded): Promise<void> {
  const client = await login(portal);
  console.log(`# observe: FerretDB log page on ${FERRET_LINES} lines, ${FERRET_SAMPLES} samples`);
  await figure(client, 'observe.log_page_p95', logPage(seeded, generator(13), FERRET_LINES), FERRET_SAMPLES);
}

/** Runs `work` against a real portal process started with env + overrides, then stops it. */
async function withPortal(
  env: Record<string, string>,
  overrides: Record<string, string>,
  work: (portal: PortalProcess) => Promise<void>,
) {
  const portal = await startPortalProcess({ env: { ...env, ...overrides }, name: 'observe-portal' });
  try {
    await work(portal);
  } finally {
    await portal.stop();
  }
}

export async function runObserveBench(): Promise<void> {
  const mongo = await createTestMongoDatabase('mc_observe');
  const { env, cleanup } = await testPortalEnv({ database: 'mysql', env: { SC__LOG__LEVEL: 'error' } });
  const mongoEnv = { SC__MONGO__ENABLED: 'true', SC__MONGO__URL: mongo.url, SC__MONGO__DATABASE: mongo.name };
  const config = AppConfig.load(env);
  const box = SecretBox.fromConfig(config.values.auth.encryptionKey, config.dataDir);
  let ds: DataSource | undefined;
  const ingest = process.env.BENCH_OBSERVE_INGEST !== '0';
  try {
    // The first start migrates the database; seeding then goes straight into the tables.
    await withPortal(env, {}, () => Promise.resolve());
    ds = await openPortalDatabase(env);
    console.log(`# observe: seeding ${RUNS} runs, ${LOG_LINES} SQL log lines, ${FERRET_LINES} FerretDB lines`);
    const defs = await seedDefinitions(ds, box);
    await seedRuns(ds, defs);
    // Rollup rows written straight into settled days: no window summary may predate them.
    await ds.query('DELETE FROM run_stat_job_window');
    const bigLogs = await bigLogRuns(ds);
    await seedSqlLogs(ds, bigLogs);
    const seeded = { jobIds: defs.jobs, bigLogs };
    const db = ds;
    await withPortal(env, {}, async (portal) => {
      await sqlQueries(portal, seeded);
      if (ingest) await ingestBench({ portal, ds: db, box, store: 'sql' });
    });
    if (process.env.BENCH_OBSERVE_FERRET === '0') return;
    await seedLogs(mongo.url, bigLogs);
    await withPortal(env, mongoEnv, async (portal) => {
      await ferretQueries(portal, seeded);
      if (ingest) await ingestBench({ portal, ds: db, box, store: 'ferretdb' });
    });
  } finally {
    await ds?.destroy();
    await mongo.drop();
    await cleanup();
  }
}
