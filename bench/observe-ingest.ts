/**
 * The ingest half of `npm run bench -- observe`: 100 concurrent jobs on a real exec node print lines
 * into the portal's log store (exec node → run.log JSON-RPC → portal → store), once with the SQL store
 * on MariaDB (figures suffixed `_sql`) and once with the Mongo store on FerretDB (no suffix).
 *
 * - throughput: each job prints BENCH_OBSERVE_INGEST_LINES lines (FerretDB: BENCH_OBSERVE_INGEST_LINES_FERRET)
 *   as fast as it can; `observe.log_ingest_lines_per_s` = lines / (first run start → execution ended). The
 *   node sends a run's run.finished after all its run.log batches, so the end is after the last line stored;
 * - tail lag: each job prints 1,000 lines/s for 5 s (100,000 lines/s in all), every line carrying
 *   its print time; SSE clients on 10 runs (`GET /api/runs/:id/log/stream`) take arrival − print:
 *   `observe.log_tail_lag_p99` (ms).
 */
import type { DataSource } from 'typeorm';
import type { SecretBox } from '../src/infra/crypto/secret-box.js';
import { startExecNode, type TestExecNode } from '../test/support/exec-node.js';
import { HttpClient } from '../test/support/http-client.js';
import { ADMIN_PASSWORD } from '../test/support/portal.js';
import type { PortalProcess } from '../test/support/portal-process.js';
import { percentile, print } from './observe.js';

const JOBS = 100;
const INGEST_LINES = {
  sql: Number(process.env.BENCH_OBSERVE_INGEST_LINES ?? 20_000),
  ferretdb: Number(process.env.BENCH_OBSERVE_INGEST_LINES_FERRET ?? 2_000),
};
const PACED_SECONDS = 5;
/** Lines per second per paced job: 100 jobs × 1,000 = 100,000 lines/s (FerretDB: what it can insert). */
const PACED_PER_SECOND = { sql: 1000, ferretdb: Number(process.env.BENCH_OBSERVE_PACED_FERRET ?? 100) };
const TAILED_RUNS = 10;

export type IngestStore = 'sql' | 'ferretdb';

interface Context {
  portal: PortalProcess;
  ds: DataSource;
  box: SecretBox;
  store: IngestStore;
}

const figureName = (name: string, store: IngestStore) => (store === 'sql' ? `${name}_sql` : name);

/** A job that prints `total` lines `<epoch ms> <seq> …`, `perTick` every 10 ms (all at once when 0). */
function printer(total: number, perTick: number): string {
  const program =
    perTick === 0
      ? `let s='';for(let i=1;i<=${total};i++){s+=Date.now()+' '+i+' payload '+'x'.repeat(60)+'\\n';if(i%500===0){process.stdout.write(s);s=''}}process.stdout.write(s)`
      : `let i=0;const t=setInterval(()=>{let s='';for(let k=0;k<${perTick}&&i<${total};k++){i++;s+=Date.now()+' '+i+' paced\\n'}process.stdout.write(s);if(i>=${total})clearInterval(t)},10)`;
  return `exec ${process.execPath} -e "${program}"`;
}

async function insertJobs(ds: DataSource, interfaceId: number, prefix: string, script: string): Promise<void> {
  const now = Date.now();
  for (let j = 0; j < JOBS; j++) {
    await ds.query(
      'INSERT INTO etl_job (interface_id, name, description, folder, host_tag, routing_strategy, working_dir, command_type, command, interpreter, ' +
        "success_exit_codes, timeout_warn_seconds, timeout_fail_seconds, retry_count, retry_backoff_percent, retry_lost, enabled, created_at, updated_at, updated_by) VALUES (?, ?, '', 'bench', 'ingest', 'least_busy', '', 'script', ?, '/bin/sh', '0', 0, 600, 0, 100, 0, 1, ?, ?, 'bench')",
      [interfaceId, `${prefix}_${j}`, script, now, now],
    );
  }
}

async function newInterface(ds: DataSource, name: string): Promise<number> {
  const now = Date.now();
  await ds.query(
    "INSERT INTO etl_interface (name, folder, enabled, created_at, updated_at, updated_by) VALUES (?, 'bench', 1, ?, ?, 'bench')",
    [name, now, now],
  );
  const [row] = await ds.query<{ id: unknown }[]>('SELECT id FROM etl_interface WHERE name = ?', [name]);
  return Number(row.id);
}

async function run(
  client: HttpClient,
  ds: DataSource,
  interfaceId: number,
): Promise<{ executionId: number; runIds: number[] }> {
  const now = Date.now();
  await ds.query(
    "INSERT INTO dispatch (interface_id, name, cron, enabled, run_downstream, created_at, updated_at, updated_by) VALUES (?, ?, '0 0 2 * * ?', 0, 0, ?, ?, 'bench')",
    [interfaceId, `ingest_${interfaceId}`, now, now],
  );
  const [dispatch] = await ds.query<{ id: unknown }[]>('SELECT id FROM dispatch WHERE name = ?', [
    `ingest_${interfaceId}`,
  ]);
  const response = await client.api('POST', `/api/dispatches/${Number(dispatch.id)}/run`, { dataDate: '2026-06-01' });
  if (response.status !== 201) throw new Error(`run failed: ${response.status} ${response.text}`);
  const executionId = response.json<{ data: { executionId: number } }>().data.executionId;
  const rows = await ds.query<{ id: unknown }[]>('SELECT id FROM job_run WHERE execution_id = ? ORDER BY id', [
    executionId,
  ]);
  return { executionId, runIds: rows.map((row) => Number(row.id)) };
}

async function waitEnded(ds: DataSource, executionId: number): Promise<void> {
  for (;;) {
    const [row] = await ds.query<{ state: string }[]>('SELECT state FROM execution WHERE id = ?', [executionId]);
    if (row.state !== 'running') {
      if (row.state !== 'succeeded') throw new Error(`ingest execution ${executionId} ${row.state}`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function throughput(context: Context, client: HttpClient): Promise<void> {
  const lines = INGEST_LINES[context.store];
  const interfaceId = await newInterface(context.ds, `ingest_burst_${context.store}`);
  await insertJobs(context.ds, interfaceId, 'burst', printer(lines, 0));
  const { executionId } = await run(client, context.ds, interfaceId);
  await waitEnded(context.ds, executionId);
  const [row] = await context.ds.query<{ first: unknown; done: unknown }[]>(
    'SELECT (SELECT MIN(started_at) FROM job_run WHERE execution_id = ?) AS first, finished_at AS done FROM execution WHERE id = ?',
    [executionId, executionId],
  );
  const seconds = (Number(row.done) - Number(row.first)) / 1000;
  print(figureName('observe.log_ingest_lines_per_s', context.store), (JOBS * lines) / seconds, 'lines/s', 0);
}

/** Reads an SSE stream until `end`, recording arrival − print time of every line. */
/** Lag samples: print → arrival, and its split at the node's read time (print → node, node → browser). */
interface Lags {
  total: number[];
  toNode: number[];
  afterNode: number[];
}

async function tail(baseUrl: string, cookie: string, runId: number, lags: Lags): Promise<void> {
  const response = await fetch(`${baseUrl}/api/runs/${runId}/log/stream`, { headers: { cookie } });
  if (!response.ok || !response.body) throw new Error(`stream of run ${runId} answered ${response.status}`);
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of response.body) {
    const arrived = Date.now();
    buffer += decoder.decode(chunk, { stream: true });
    let cut = buffer.indexOf('\n\n');
    while (cut >= 0) {
      const event = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      if (/^event: end$/m.test(event)) return;
      const data = /^data: (.*)$/m.exec(event);
      if (/^event: lines$/m.test(event) && data) {
        for (const line of JSON.parse(data[1]) as { line: string; time: string | number }[]) {
          const printed = Number(line.line.split(' ')[0]);
          const read = typeof line.time === 'number' ? line.time : Date.parse(line.time);
          lags.total.push(arrived - printed);
          lags.toNode.push(read - printed);
          lags.afterNode.push(arrived - read);
        }
      }
      cut = buffer.indexOf('\n\n');
    }
  }
}

/** Tail lag with 100 jobs printing `perSecond` lines each; `suffix` names a second rate's figures. */
async function lag(context: Context, client: HttpClient, perSecond: number, suffix: string): Promise<void> {
  const interfaceId = await newInterface(context.ds, `ingest_paced_${context.store}${suffix}`);
  await insertJobs(context.ds, interfaceId, 'paced', printer(PACED_SECONDS * perSecond, perSecond / 100));
  const { executionId, runIds } = await run(client, context.ds, interfaceId);
  const cookies = (client as unknown as { cookies: Map<string, string> }).cookies;
  const cookie = [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  const lags: Lags = { total: [], toNode: [], afterNode: [] };
  await Promise.all(runIds.slice(0, TAILED_RUNS).map((runId) => tail(context.portal.url, cookie, runId, lags)));
  await waitEnded(context.ds, executionId);
  console.log(`# observe: tail lag (${context.store}) at ${JOBS * perSecond} lines/s over ${JOBS} jobs`);
  print(figureName('observe.log_tail_lag_p99', context.store) + suffix, percentile(lags.total, 99), 'ms');
  print(figureName('observe.log_tail_lag_p50', context.store) + suffix, percentile(lags.total, 50), 'ms');
  console.log(
    `# observe: of which print → node read p50 ${percentile(lags.toNode, 50)} ms / p99 ${percentile(lags.toNode, 99)} ms, ` +
      `node read → SSE arrival p50 ${percentile(lags.afterNode, 50)} ms / p99 ${percentile(lags.afterNode, 99)} ms`,
  );
}

export async function ingestBench(context: Context): Promise<void> {
  const token = `ingest-${Date.now()}`;
  let node: TestExecNode | undefined;
  try {
    const name = `ingest-${context.store}`;
    node = await startExecNode({
      name,
      token,
      env: {
        SC__EXECNODE__PORTALURL: context.portal.url,
        SC__EXECNODE__HEARTBEATMS: '500',
        SC__EXECNODE__SLOTS: String(JOBS),
      },
    });
    const now = Date.now();
    await context.ds.query(
      "INSERT INTO exec_host (name, address, token_encrypted, slots, enabled, description, created_at, updated_at, updated_by) VALUES (?, ?, ?, ?, 1, '', ?, ?, 'bench')",
      [name, node.url, context.box.encrypt(token), JOBS, now, now],
    );
    const [host] = await context.ds.query<{ id: unknown }[]>('SELECT id FROM exec_host WHERE name = ?', [name]);
    await context.ds.query("INSERT INTO exec_host_tag (host_id, tag) VALUES (?, 'ingest')", [Number(host.id)]);
    for (;;) {
      const rows = await context.ds.query<unknown[]>(
        "SELECT 1 FROM exec_host_status WHERE host_id = ? AND state = 'online'",
        [Number(host.id)],
      );
      if (rows.length > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const client = new HttpClient(context.portal.url);
    if ((await client.login('admin', ADMIN_PASSWORD)).status !== 303) throw new Error('admin login failed');
    await throughput(context, client);
    await lag(context, client, PACED_PER_SECOND[context.store], '');
    // The same at 10,000 lines/s, below the ingest ceiling: the tail's own delay without a backlog.
    if (context.store === 'sql') await lag(context, client, 100, '_at_10k');
  } finally {
    await node?.close();
  }
}
