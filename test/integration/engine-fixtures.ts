// Fixtures of the engine tests and benchmarks: definitions written straight into the database
// (the definition pages have their own tests), executions read through the API as a user sees them.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { SecretBox } from '../../src/infra/crypto/secret-box.js';
import { AlertChannelEntity } from '../../src/modules/alert/alert-channel.entity.js';
import { DispatchAlertEntity, DispatchEntity, type AlertEvent } from '../../src/modules/dispatch/dispatch.entity.js';
import { ExecHostEntity, ExecHostTagEntity } from '../../src/modules/exec-host/exec-host.entity.js';
import { InterfaceDependencyEntity, InterfaceEntity } from '../../src/modules/interface/interface.entity.js';
import { JobDependencyEntity, JobEntity, JobParamEntity } from '../../src/modules/job/job.entity.js';
import { startExecNode, type TestExecNode } from '../support/exec-node.js';
import type { HttpClient } from '../support/http-client.js';
import { startTestPortal, type TestPortal, type TestPortalOptions } from '../support/portal.js';
import { uniqueName, type SmtpSink } from '../support/services.js';

export const stamps = () => ({ createdAt: new Date(), updatedAt: new Date(), updatedBy: 'test' });

export interface RunInfo {
  id: number;
  jobName: string;
  interfaceName: string;
  state: string;
  attempt: number;
  hostName: string | null;
  exitCode: number | null;
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface ExecutionInfo {
  execution: { id: number; state: string };
  interfaces: { interfaceName: string; state: string }[];
  runs: RunInfo[];
}

export class Definitions {
  constructor(
    readonly ds: DataSource,
    readonly box: SecretBox,
  ) {}

  async host(name: string, address: string, token: string, slots: number, tags: string[]): Promise<number> {
    const result = await this.ds.getRepository(ExecHostEntity).insert({
      name,
      address,
      tokenEncrypted: this.box.encrypt(token),
      slots,
      enabled: true,
      description: '',
      ...stamps(),
    });
    const id = Number((result.identifiers[0] as { id: number }).id);
    for (const tag of tags) await this.ds.getRepository(ExecHostTagEntity).insert({ hostId: id, tag });
    return id;
  }

  async interface(name: string, parents: number[] = []): Promise<number> {
    const result = await this.ds.getRepository(InterfaceEntity).insert({ name: uniqueName(name), ...stamps() });
    const id = Number((result.identifiers[0] as { id: number }).id);
    for (const parentId of parents) {
      await this.ds.getRepository(InterfaceDependencyEntity).insert({ interfaceId: id, parentId });
    }
    return id;
  }

  /** A /bin/sh script job on the "etl" tag. */
  async job(
    interfaceId: number,
    name: string,
    script: string,
    options: Partial<JobEntity> & { prerequisites?: number[]; params?: { name: string; value: string }[] } = {},
  ): Promise<number> {
    const { prerequisites = [], params = [], ...fields } = options;
    const result = await this.ds.getRepository(JobEntity).insert({
      interfaceId,
      name,
      commandType: 'script',
      command: script,
      interpreter: '/bin/sh',
      hostTag: 'etl',
      routingStrategy: 'round_robin',
      retryCount: 0,
      ...fields,
      ...stamps(),
    });
    const id = Number((result.identifiers[0] as { id: number }).id);
    for (const prerequisiteId of prerequisites) {
      await this.ds.getRepository(JobDependencyEntity).insert({ jobId: id, prerequisiteId });
    }
    for (const [position, param] of params.entries()) {
      await this.ds.getRepository(JobParamEntity).insert({ jobId: id, position, kind: 'context', ...param });
    }
    return id;
  }

  async dispatch(interfaceId: number, runDownstream: boolean): Promise<number> {
    const result = await this.ds.getRepository(DispatchEntity).insert({
      interfaceId,
      name: uniqueName('dispatch'),
      cron: '0 0 2 * * ?',
      enabled: false,
      runDownstream,
      ...stamps(),
    });
    return Number((result.identifiers[0] as { id: number }).id);
  }

  async mailAlerts(dispatchId: number, sink: SmtpSink, events: AlertEvent[]): Promise<void> {
    const channel = await this.ds.getRepository(AlertChannelEntity).insert({
      name: uniqueName('mail'),
      type: 'smtp',
      settings: JSON.stringify({ host: sink.host, port: sink.port, tls: 'none', user: '', from: 'meshcron@test' }),
      secretEncrypted: '',
      enabled: true,
      ...stamps(),
    });
    const channelId = Number((channel.identifiers[0] as { id: number }).id);
    for (const event of events) {
      await this.ds.getRepository(DispatchAlertEntity).insert({ dispatchId, event, channelId, recipients: 'ops@test' });
    }
  }
}

export async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | null | undefined | false>) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

export async function execution(client: HttpClient, id: number): Promise<ExecutionInfo> {
  const response = await client.api('GET', `/api/executions/${id}`);
  assert.equal(response.status, 200, response.text);
  return response.json<{ data: ExecutionInfo }>().data;
}

export async function ended(client: HttpClient, id: number, timeoutMs = 30_000): Promise<ExecutionInfo> {
  return waitFor(`execution ${id} to end`, timeoutMs, async () => {
    const info = await execution(client, id);
    return info.execution.state === 'running' ? null : info;
  });
}

export async function runDispatch(
  client: HttpClient,
  dispatchId: number,
  body: Record<string, unknown>,
): Promise<number> {
  const response = await client.api('POST', `/api/dispatches/${dispatchId}/run`, body);
  assert.equal(response.status, 201, response.text);
  return response.json<{ data: { executionId: number } }>().data.executionId;
}

export function byJob(info: ExecutionInfo): Map<string, RunInfo> {
  return new Map(info.runs.map((run) => [run.jobName, run]));
}

/** Each run started after every one of its prerequisites finished. */
export function assertOrder(info: ExecutionInfo, edges: [string, string][]): void {
  const runs = byJob(info);
  for (const [prerequisite, job] of edges) {
    const before = runs.get(prerequisite)!;
    const later = runs.get(job)!;
    assert.ok(
      Date.parse(later.startedAt!) >= Date.parse(before.finishedAt!),
      `${job} started ${later.startedAt} before ${prerequisite} finished ${before.finishedAt}`,
    );
  }
}

/** Exec nodes reporting to the portal, registered as hosts with the "etl" tag, once all are online. */
export async function startHostNodes(
  defs: Definitions,
  portalUrl: string,
  names: string[],
  options: { slots?: number; env?: Record<string, string> } = {},
): Promise<{ node: TestExecNode; hostId: number }[]> {
  const started: { node: TestExecNode; hostId: number }[] = [];
  for (const name of names) {
    const token = uniqueName('node_token');
    const node = await startExecNode({
      name,
      token,
      env: {
        SC__EXECNODE__PORTALURL: portalUrl,
        SC__EXECNODE__HEARTBEATMS: '300',
        SC__EXECNODE__SLOTS: String(options.slots ?? 100),
        SC__EXECNODE__KILLGRACEMS: '300',
        SC__EXECNODE__RETRYMAXMS: '500',
        ...options.env,
      },
    });
    started.push({ node, hostId: await defs.host(name, node.url, token, options.slots ?? 100, ['etl']) });
  }
  await waitFor(`${names.length} exec host(s) online`, 15_000, async () => {
    const rows: { n: unknown }[] = await defs.ds.query(
      "SELECT COUNT(*) AS n FROM exec_host_status WHERE state = 'online'",
    );
    return Number(rows[0].n) >= names.length;
  });
  return started;
}

/**
 * The setup most engine tests share: a test portal, the admin's client, definitions written
 * through its data source, real exec nodes registered as hosts, and a scratch directory.
 */
export class EngineScenario {
  private constructor(
    readonly portal: TestPortal,
    readonly defs: Definitions,
    readonly admin: HttpClient,
    readonly hosts: { node: TestExecNode; hostId: number }[],
    readonly work: string,
  ) {}

  static async start(
    name: string,
    hostNames: string[],
    portalOptions: TestPortalOptions = {},
  ): Promise<EngineScenario> {
    const portal = await startTestPortal(portalOptions);
    const defs = new Definitions(portal.app.get(DataSource), portal.app.get(SecretBox));
    const admin = await portal.admin();
    const work = mkdtempSync(join(tmpdir(), `meshcron-${name}-`));
    const hosts = await startHostNodes(defs, portal.url, hostNames);
    return new EngineScenario(portal, defs, admin, hosts, work);
  }

  get nodes(): TestExecNode[] {
    return this.hosts.map((host) => host.node);
  }

  async close(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.close()));
    await this.portal.close();
    rmSync(this.work, { recursive: true, force: true });
  }
}
