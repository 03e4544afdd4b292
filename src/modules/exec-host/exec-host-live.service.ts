import { Injectable, Logger } from '@nestjs/common';
import type { Principal } from '../../common/auth/permissions.js';
import { ExecNodeClient, type DrainResult } from '../../infra/rpc/exec-node.client.js';
import { AuditService } from '../audit/audit.service.js';
import { DispatcherService } from '../execution/dispatcher.service.js';
import { EngineDb, toDateOrNull, toNumber } from '../execution/engine-db.js';
import { HostRegistryService } from '../execution/host-registry.service.js';
import type { HostState } from './exec-host.entity.js';
import { ExecHostService } from './exec-host.service.js';
import { callNode } from './node-action.js';
import type { ExecHostView } from './exec-host.view.js';

const DRAIN_TIMEOUT_MS = 5_000;
/** Runs listed per host at most (the count is exact). */
const RUNS_SHOWN = 200;

export interface LiveRun {
  runId: number;
  executionId: number;
  jobId: number;
  jobName: string;
  interfaceName: string;
  state: string;
  attempt: number;
  dispatchedAt: Date | null;
  startedAt: Date | null;
  logUrl: string;
}

export interface LiveHost extends ExecHostView {
  /** Milliseconds since the last heartbeat, as of `at`; null if never seen. */
  heartbeatAgeMs: number | null;
  /** Runs the portal has dispatched to or running on the host. */
  slotsUsed: number;
  runs: LiveRun[];
}

/** The exec host live page: every host's status and runs in flight, and drain / undrain. */
@Injectable()
export class ExecHostLiveService {
  private readonly logger = new Logger(ExecHostLiveService.name);

  constructor(
    private readonly hosts: ExecHostService,
    private readonly db: EngineDb,
    private readonly registry: HostRegistryService,
    private readonly dispatcher: DispatcherService,
    private readonly audit: AuditService,
  ) {}

  async live(now = new Date()): Promise<{ at: Date; hosts: LiveHost[] }> {
    const { rows } = await this.hosts.list({ page: 1, pageSize: 10_000, search: '', sort: 'name', order: 'ASC' });
    const runs = await this.db.read((sql) =>
      sql.rows<Record<string, unknown>>(
        'SELECT id, execution_id, job_id, job_name, interface_name, state, attempt, host_id, dispatched_at, started_at ' +
          "FROM job_run WHERE state IN ('dispatched','running') AND host_id IS NOT NULL ORDER BY host_id, id",
      ),
    );
    const byHost = new Map<number, LiveRun[]>();
    for (const row of runs) {
      const hostId = toNumber(row.host_id);
      const list = byHost.get(hostId) ?? [];
      list.push(liveRun(row));
      byHost.set(hostId, list);
    }
    const hosts = rows.map((host): LiveHost => {
      const inFlight = byHost.get(host.id) ?? [];
      const seen = host.status.lastSeenAt;
      return {
        ...host,
        heartbeatAgeMs: seen === null ? null : Math.max(0, now.getTime() - seen.getTime()),
        slotsUsed: inFlight.length,
        runs: inFlight.slice(0, RUNS_SHOWN),
      };
    });
    return { at: now, hosts };
  }

  /**
   * Asks the node to stop taking runs (runs in flight finish) or to take them again, and records the
   * host state at once so this portal's dispatcher stops (or starts) sending it runs before the next
   * heartbeat. A node that cannot be reached → 503 UNAVAILABLE, nothing recorded but the audit entry.
   */
  async setDraining(id: number, draining: boolean, actor: Principal, ip = ''): Promise<LiveHost> {
    const target = await this.hosts.target(id);
    const action = draining ? 'drain' : 'undrain';
    const client = new ExecNodeClient(target, { timeoutMs: DRAIN_TIMEOUT_MS });
    const result: DrainResult = await callNode(
      { audit: this.audit, actor, action, host: { id, name: target.name }, ip },
      () => (draining ? client.drain() : client.undrain()),
    );
    const state: HostState = result.draining ? 'draining' : 'online';
    const now = new Date();
    await this.db.transaction(async (sql) => {
      const updated = await sql.exec('UPDATE exec_host_status SET state = ?, last_seen_at = ? WHERE host_id = ?', [
        state,
        now.getTime(),
        id,
      ]);
      if (updated === 0) {
        await sql.insertMany(
          'exec_host_status',
          ['host_id', 'state', 'last_seen_at', 'running_count', 'slots_total'],
          [[id, state, now.getTime(), result.running, 0]],
          true,
        );
      }
      const detail = { ok: true, draining: result.draining, running: result.running };
      await this.audit.record(
        { actor, action, targetType: 'exec_host', targetId: id, targetName: target.name, detail, ip },
        sql.manager,
      );
    });
    this.registry.noteStatus(id, state, now);
    this.registry.invalidate();
    if (state === 'online') this.dispatcher.wake();
    this.logger.log(`exec host ${target.name}: ${action} by ${actor.username} (${result.running} running)`);
    return (await this.live()).hosts.find((host) => host.id === id)!;
  }
}

function liveRun(row: Record<string, unknown>): LiveRun {
  const runId = toNumber(row.id);
  return {
    runId,
    executionId: toNumber(row.execution_id),
    jobId: toNumber(row.job_id),
    jobName: String(row.job_name),
    interfaceName: String(row.interface_name),
    state: String(row.state),
    attempt: toNumber(row.attempt),
    dispatchedAt: toDateOrNull(row.dispatched_at),
    startedAt: toDateOrNull(row.started_at),
    logUrl: `/runs/${runId}/log`,
  };
}
