import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { RunNotFoundError } from '../../infra/rpc/exec-node.client.js';
import { RunSenderService } from './run-sender.service.js';
import { EngineDb, placeholders, toNumber, toNumberOrNull, type Sql } from './engine-db.js';
import { EngineTransactionsService } from './engine-transactions.service.js';
import { HostRegistryService, type EngineHost } from './host-registry.service.js';
import { DISPATCH_COLUMNS, mapDispatchRow, type DispatchRow } from './job-run-request.js';
import { NodeClientsService } from './node-clients.js';
import { lockRuns } from './run-row.js';
import { ENGINE_ACTOR } from './transition-context.js';

/** What a node says it holds (heartbeat / register). */
export interface HeldRun {
  runId: string;
  attempt: number;
  state: string;
}

/** A run dispatched this recently may not show in a node's run list yet (job.run still in flight). */
const IN_FLIGHT_GRACE_MS = 15_000;
/** How much older than its arrival a node's run list may be (it races the node's own run reports). */
const LISTING_SKEW_MS = 5_000;

/**
 * Keeps the portal's view of dispatched/running runs in line with the exec nodes: from the run lists
 * in heartbeats, after a portal restart (job.list), and when a node stops heartbeating. A dispatched
 * run the node does not have gets the same attempt again (the node treats a repeat as a duplicate);
 * a running run it does not have, or the runs of a node gone silent, become lost.
 */
@Injectable()
export class NodeReconcileService {
  private readonly logger = new Logger(NodeReconcileService.name);

  constructor(
    private readonly db: EngineDb,
    private readonly transactions: EngineTransactionsService,
    private readonly sender: RunSenderService,
    private readonly hosts: HostRegistryService,
    private readonly clients: NodeClientsService,
    private readonly config: AppConfig,
  ) {}

  /** The node listed what it holds (heartbeat/register): compare with what the portal believes. */
  async fromNodeRuns(host: EngineHost, held: readonly HeldRun[], at: Date): Promise<void> {
    const keys = new Set(held.map((run) => `${run.runId}#${run.attempt}`));
    const active = await this.activeRuns(host.id);
    const missing = active.filter(
      (run) =>
        !keys.has(`${run.nodeRunId}#${run.attempt}`) && (run.dispatchedAt ?? 0) < at.getTime() - IN_FLIGHT_GRACE_MS,
    );
    await this.settleMissing(host, missing, 'not in the exec node run list');
    await this.stopOutdated(host, held, at);
  }

  /**
   * Processes the node still runs for an attempt the portal has ended or replaced (a host back after
   * its runs were marked lost and retried elsewhere, a kill that could not reach it): stop them. A
   * run that ended within LISTING_SKEW_MS of the listing is left for the next heartbeat: the node's
   * list was taken before its own report of that end overtook the heartbeat.
   */
  async stopOutdated(host: EngineHost, held: readonly HeldRun[], at: Date): Promise<void> {
    const running = held.filter((run) => run.state === 'accepted' || run.state === 'running');
    if (running.length === 0) return;
    const rows = await this.db.read((sql) =>
      sql.rows<{ node_run_id: string; attempt: unknown; state: string; finished_at: unknown }>(
        `SELECT node_run_id, attempt, state, finished_at FROM job_run WHERE node_run_id IN (${placeholders(running.length)})`,
        running.map((run) => run.runId),
      ),
    );
    const current = new Map(rows.map((row) => [row.node_run_id, row]));
    for (const run of running) {
      const row = current.get(run.runId);
      if (!row) continue;
      const sameAttempt = toNumber(row.attempt) === run.attempt;
      const ended = !['dispatched', 'running'].includes(row.state);
      if (sameAttempt && !ended) continue;
      const justEnded = row.finished_at !== null && toNumber(row.finished_at) >= at.getTime() - LISTING_SKEW_MS;
      if (sameAttempt && justEnded) continue;
      this.logger.warn(`stopping ${run.runId}#${run.attempt} on ${host.name}: no longer the run's current attempt`);
      await this.killOnNode(host, run.runId, run.attempt);
    }
  }

  /**
   * After a portal start: dispatched runs get their attempt sent again (a duplicate for the node if
   * it had it); each running run is looked up on its node and is lost when the node does not know it.
   */
  async afterStart(): Promise<void> {
    for (const host of await this.hosts.hosts(0)) {
      const active = await this.activeRuns(host.id);
      if (active.length === 0) continue;
      const missing: typeof active = active.filter((run) => run.state === 'dispatched');
      try {
        for (const run of active.filter((item) => item.state === 'running')) {
          const { runs } = await this.clients.limited(host.id, () =>
            this.clients.client(host).jobList({ runId: run.nodeRunId, limit: 100 }),
          );
          if (!runs.some((item) => item.attempt === run.attempt)) missing.push(run);
        }
      } catch (error) {
        this.logger.warn(`cannot reconcile with ${host.name}: ${(error as Error).message}; its heartbeats will`);
        continue;
      }
      await this.settleMissing(host, missing, 'unknown to the exec node after a portal restart');
      this.logger.log(`reconciled ${active.length} run(s) with ${host.name}`);
    }
  }

  /** Hosts silent for exec.offlineSeconds: offline, and their runs lost (retried elsewhere when allowed). */
  async offlineHosts(): Promise<void> {
    const limit = Date.now() - this.config.values.exec.offlineSeconds * 1000;
    const stale = await this.db.read((sql) =>
      sql.rows<{ host_id: unknown; state: string }>(
        "SELECT host_id, state FROM exec_host_status WHERE state IN ('online','draining') AND last_seen_at < ?",
        [limit],
      ),
    );
    for (const row of stale) {
      const hostId = toNumber(row.host_id);
      const marked = await this.transactions.run(async (ctx) => {
        const changed = await ctx.sql.exec(
          "UPDATE exec_host_status SET state = 'offline' WHERE host_id = ? AND state = ? AND last_seen_at < ?",
          [hostId, row.state, limit],
        );
        if (changed === 0) return null;
        const runs = await lockRuns(ctx.sql, await this.activeIds(ctx.sql, hostId));
        const seconds = this.config.values.exec.offlineSeconds;
        for (const run of runs) {
          await ctx.cas(
            run,
            'lost',
            { finished_at: ctx.now.getTime(), error: `exec host silent for ${seconds} s` },
            ENGINE_ACTOR,
            `host offline (no heartbeat for ${seconds} s)`,
          );
        }
        return runs.length;
      });
      this.hosts.invalidate();
      if (marked !== null) this.logger.warn(`exec host ${hostId} is offline; ${marked} run(s) lost`);
    }
  }

  private async activeIds(sql: Sql, hostId: number): Promise<number[]> {
    const rows = await sql.rows<{ id: unknown }>(
      "SELECT id FROM job_run WHERE state IN ('dispatched','running') AND host_id = ? ORDER BY id",
      [hostId],
    );
    return rows.map((row) => toNumber(row.id));
  }

  private async activeRuns(hostId: number): Promise<(DispatchRow & { state: string; dispatchedAt: number | null })[]> {
    const rows = await this.db.read((sql) =>
      sql.rows<Record<string, unknown>>(
        `SELECT ${DISPATCH_COLUMNS}, state, dispatched_at FROM job_run WHERE state IN ('dispatched','running') AND host_id = ?`,
        [hostId],
      ),
    );
    return rows.map((row) => ({
      ...mapDispatchRow(row),
      state: String(row.state),
      dispatchedAt: toNumberOrNull(row.dispatched_at),
    }));
  }

  private async settleMissing(
    host: EngineHost,
    missing: (DispatchRow & { state: string })[],
    reason: string,
  ): Promise<void> {
    const resend = missing.filter((run) => run.state === 'dispatched');
    this.sender.send(resend.map((run) => ({ run, host })));
    const gone = missing.filter((run) => run.state === 'running');
    if (gone.length === 0) return;
    await this.transactions.run(async (ctx) => {
      const runs = await lockRuns(
        ctx.sql,
        gone.map((run) => run.id),
        " AND state = 'running' AND host_id = ?",
        [host.id],
      );
      const attempts = new Map(gone.map((run) => [run.id, run.attempt]));
      for (const run of runs) {
        if (attempts.get(run.id) !== run.attempt) continue;
        await ctx.cas(run, 'lost', { finished_at: ctx.now.getTime(), error: `lost: ${reason}` }, ENGINE_ACTOR, reason);
      }
    });
    this.logger.warn(`${gone.length} run(s) on ${host.name} lost: ${reason}`);
  }

  /** Kill on the node; a run the node never had is simply ended here. */
  async killOnNode(
    host: EngineHost,
    nodeRunId: string,
    attempt: number,
  ): Promise<'stopping' | 'not_found' | 'unreachable'> {
    try {
      await this.clients.limited(host.id, () => this.clients.client(host).jobKill({ runId: nodeRunId, attempt }));
      return 'stopping';
    } catch (error) {
      if (error instanceof RunNotFoundError) return 'not_found';
      this.logger.warn(`job.kill on ${host.name} failed: ${(error as Error).message}`);
      return 'unreachable';
    }
  }
}
