// Real portal processes for multi-instance tests and benchmarks.
//
// Imported, this module spawns portals and opens their database. Run as a program
// (`node dist/test/support/portal-process.js`) it IS a portal: the same start-up as src/main.ts,
// except that, while the execution engine does not exist yet, the scheduler hands its fires to
// RecordingExecutionStarter, which appends one JSON line per start() call to the file named by
// MESHCRON_TEST_START_LOG (so tests count the calls of all instances). Once the engine's
// ExecutionStarter provider exists, PORTAL_PROCESS_MAIN can point at dist/src/main.js.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../src/config/app-config.js';
import { dataSourceOptions } from '../../src/infra/database/data-source.js';
import {
  ExecutionStarter,
  type StartExecutionRequest,
  type StartExecutionResult,
} from '../../src/modules/execution/execution-starter.js';
import { DispatchEntity, type MisfirePolicy, type OverlapPolicy } from '../../src/modules/dispatch/dispatch.entity.js';
import { InterfaceEntity } from '../../src/modules/interface/interface.entity.js';
import { DispatchFireEntity } from '../../src/modules/scheduler/dispatch-fire.entity.js';
import { FireService } from '../../src/modules/scheduler/fire.service.js';
import { freePort, uniqueName } from './services.js';

export const PORTAL_PROCESS_MAIN = fileURLToPath(import.meta.url);
export const REAL_PORTAL_MAIN = join(import.meta.dirname, '..', '..', 'src', 'main.js');

/** One line of the start log. */
export interface RecordedStart {
  dispatchId: number;
  scheduledAt: string;
  dataDate: string;
  trigger: StartExecutionRequest['trigger'];
  actor: string;
  pid: number;
}

/**
 * Stands in for the execution engine: records each start() call. An execution "runs" for
 * MESHCRON_TEST_EXECUTION_MS (default 0) after its start, which is what hasActiveExecution reports
 * (per process), so overlap policies can be observed.
 */
export class RecordingExecutionStarter extends ExecutionStarter {
  private executions = 0;
  private readonly activeUntil = new Map<number, number>();

  constructor(
    private readonly file: string,
    private readonly executionMs = 0,
  ) {
    super();
  }

  start(request: StartExecutionRequest): Promise<StartExecutionResult> {
    const line: RecordedStart = {
      dispatchId: request.dispatchId ?? 0,
      scheduledAt: request.scheduledAt.toISOString(),
      dataDate: request.dataDate,
      trigger: request.trigger,
      actor: request.actor,
      pid: process.pid,
    };
    appendFileSync(this.file, `${JSON.stringify(line)}\n`);
    if (request.dispatchId !== null) this.activeUntil.set(request.dispatchId, Date.now() + this.executionMs);
    return Promise.resolve({ executionId: ++this.executions, created: true });
  }

  hasActiveExecution(dispatchId: number): Promise<boolean> {
    return Promise.resolve((this.activeUntil.get(dispatchId) ?? 0) > Date.now());
  }
}

/** Every start() call recorded in a start log, in file order. */
export function readStartLog(file: string): RecordedStart[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as RecordedStart);
}

export interface PortalProcessOptions {
  /** Environment in testPortalEnv() shape (SC__… keys); PORT is chosen here. */
  env: Record<string, string>;
  /**
   * Where RecordingExecutionStarter writes. Without it the process is the real portal
   * (dist/src/main.js) with the real execution engine.
   */
  startLog?: string;
  /** Name used in error messages. */
  name?: string;
  startTimeoutMs?: number;
}

/** One portal process; start() again after stop() or kill9() restarts it with the same env and port. */
export class PortalProcess {
  /** Everything the process printed, across restarts. */
  output = '';
  private child: ChildProcess | null = null;
  private exited: Promise<number | null> = Promise.resolve(null);

  private constructor(
    readonly port: number,
    private readonly options: PortalProcessOptions,
  ) {}

  static async create(options: PortalProcessOptions): Promise<PortalProcess> {
    return new PortalProcess(await freePort(), options);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get name(): string {
    return this.options.name ?? `portal:${this.port}`;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Spawns the portal and resolves once /healthz answers 200 (the scheduler is running by then). */
  async start(): Promise<void> {
    if (this.running) throw new Error(`${this.name} already running`);
    const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...this.options.env };
    env.PORT = String(this.port);
    delete env.SC__SERVER__PORT;
    if (this.options.startLog !== undefined) env.MESHCRON_TEST_START_LOG = this.options.startLog;
    const main = this.options.startLog === undefined ? REAL_PORTAL_MAIN : PORTAL_PROCESS_MAIN;
    const child = spawn(process.execPath, [main], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    const collect = (chunk: Buffer) => (this.output += chunk.toString());
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    await this.waitHealthy(child, this.output.length);
  }

  private async waitHealthy(child: ChildProcess, from: number): Promise<void> {
    const deadline = Date.now() + (this.options.startTimeoutMs ?? 30_000);
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`${this.name} exited with ${child.exitCode ?? child.signalCode}: ${this.output.slice(from)}`);
      }
      const healthy = await fetch(`${this.url}/healthz`).then(
        (response) => response.status === 200,
        () => false,
      );
      if (healthy) return;
      await sleep(100);
    }
    child.kill('SIGKILL');
    throw new Error(`${this.name} not healthy in time: ${this.output.slice(from)}`);
  }

  /** SIGTERM and wait (the portal's clean shutdown); SIGKILL after 20 s. Resolves with the exit code. */
  async stop(): Promise<number | null> {
    if (!this.running) return this.exited;
    const child = this.child!;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    try {
      return await this.exited;
    } finally {
      clearTimeout(killer);
    }
  }

  /** SIGKILL and wait: a crash. */
  async kill9(): Promise<void> {
    if (this.running) this.child!.kill('SIGKILL');
    await this.exited;
  }
}

export async function startPortalProcess(options: PortalProcessOptions): Promise<PortalProcess> {
  const portal = await PortalProcess.create(options);
  await portal.start();
  return portal;
}

/** A connection to the database of portals started with `env` (which they have migrated). */
export async function openPortalDatabase(env: Record<string, string>): Promise<DataSource> {
  const dataSource = new DataSource(dataSourceOptions(AppConfig.load({ ...env, SC__DATABASE__POOLSIZE: '2' })));
  await dataSource.initialize();
  return dataSource;
}

export interface DispatchSeed {
  cron: string;
  timezone?: string;
  misfirePolicy?: MisfirePolicy;
  overlapPolicy?: OverlapPolicy;
  enabled?: boolean;
  dataDateOffsetDays?: number;
}

/** A dispatch on a fresh interface, written the way the dispatch pages will (updated_at = now). */
export async function insertDispatch(dataSource: DataSource, seed: DispatchSeed): Promise<number> {
  const now = new Date();
  const stamps = { createdAt: now, updatedAt: now, updatedBy: 'test' };
  const name = uniqueName('sched');
  const created = await dataSource.getRepository(InterfaceEntity).insert({ name, ...stamps });
  const interfaceId = Number((created.identifiers[0] as { id: number }).id);
  const dispatch = await dataSource.getRepository(DispatchEntity).insert({
    interfaceId,
    name,
    cron: seed.cron,
    timezone: seed.timezone ?? 'UTC',
    enabled: seed.enabled ?? true,
    misfirePolicy: seed.misfirePolicy ?? 'run_once',
    overlapPolicy: seed.overlapPolicy ?? 'parallel',
    dataDateOffsetDays: seed.dataDateOffsetDays ?? -1,
    lastFireAt: null,
    ...stamps,
  });
  return Number((dispatch.identifiers[0] as { id: number }).id);
}

/** Changes a dispatch and its updated_at, as an edit, pause or resume through the pages does. */
export async function updateDispatch(
  dataSource: DataSource,
  id: number,
  patch: Partial<Pick<DispatchEntity, 'cron' | 'timezone' | 'enabled'>>,
): Promise<void> {
  await dataSource.getRepository(DispatchEntity).update({ id }, { ...patch, updatedAt: new Date() });
}

/** The dispatch_fire rows of a dispatch, oldest first. */
export function fireRows(dataSource: DataSource, dispatchId: number): Promise<DispatchFireEntity[]> {
  return dataSource.getRepository(DispatchFireEntity).find({ where: { dispatchId }, order: { scheduledAt: 'ASC' } });
}

/** Polls `probe` every 200 ms until it returns something truthy. */
export async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | null | undefined | false>) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(200);
  }
}

async function runPortal(): Promise<void> {
  const { createPortal } = await import('../../src/portal.js');
  const config = AppConfig.load();
  const app = await createPortal(config);
  const startLog = process.env.MESHCRON_TEST_START_LOG;
  if (startLog) {
    const executionMs = Number(process.env.MESHCRON_TEST_EXECUTION_MS ?? 0);
    app.get(FireService).useStarter(new RecordingExecutionStarter(startLog, executionMs));
  }
  await app.listen(config.values.server.port, config.values.server.host);
}

if (process.argv[1] !== undefined && join(process.argv[1]) === PORTAL_PROCESS_MAIN) await runPortal();
