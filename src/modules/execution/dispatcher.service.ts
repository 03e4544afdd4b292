import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { Pump } from '../../common/pump.js';
import { EngineDb, placeholders, toNumber, toNumberOrNull, type Sql, toText } from './engine-db.js';
import { EngineHooks } from './engine-hooks.js';
import { EngineTransactionsService } from './engine-transactions.service.js';
import { HostRegistryService, type EngineHost } from './host-registry.service.js';
import { Broadcasts } from './broadcast.js';
import { DISPATCH_COLUMNS, mapDispatchRow } from './job-run-request.js';
import { storeInputs } from './run-outputs.js';
import { Router, type HostSlots, type RoutableRun } from './routing.js';
import { RunSenderService, type Assignment } from './run-sender.service.js';
import { SlotLedger, type SlotHolder } from './slot-ledger.js';
import { lockRuns } from './run-row.js';
import { ENGINE_ACTOR, type TransitionContext } from './transition-context.js';

/** What routing needs of a queued run (the full job.run request is read only for runs claimed). */
interface Candidate extends RoutableRun {
  id: number;
  executionId: number;
  jobId: number;
  attempt: number;
  /** A broadcast parent: expanded into children, never sent (broadcast.ts). */
  broadcast: boolean;
  parentRunId: number | null;
}

const CANDIDATE_COLUMNS =
  'id, execution_id, job_id, attempt, target_host_id, host_tag, routing_strategy, avoid_host_id, broadcast_spec, parent_run_id';

function mapCandidate(row: Record<string, unknown>): Candidate {
  return {
    id: toNumber(row.id),
    executionId: toNumber(row.execution_id),
    jobId: toNumber(row.job_id),
    attempt: toNumber(row.attempt),
    targetHostId: toNumberOrNull(row.target_host_id),
    hostTag: toText(row.host_tag, ''),
    routingStrategy: row.routing_strategy as RoutableRun['routingStrategy'],
    avoidHostId: toNumberOrNull(row.avoid_host_id),
    broadcast: row.broadcast_spec !== null && row.broadcast_spec !== undefined,
    parentRunId: toNumberOrNull(row.parent_run_id),
  };
}

/** Queued runs read for `capacity` free slots: more than fit, since some may have to wait (tags, limits). */
const queueLimit = (capacity: number) => Math.min(5000, capacity * 2 + 16);

/** The oldest queued runs that are due, in dispatch order. */
async function dueQueued(sql: Sql, limit: number): Promise<Candidate[]> {
  const rows = await sql.rows<Record<string, unknown>>(
    `SELECT ${CANDIDATE_COLUMNS} FROM job_run WHERE state = 'queued' AND not_before <= ? ORDER BY not_before, id LIMIT ?`,
    [Date.now(), limit],
  );
  return rows.map(mapCandidate);
}

interface Placement {
  hosts: EngineHost[];
  slots: HostSlots[];
  capacity: number;
}

/**
 * Moves queued runs to exec hosts: picks hosts (slots, health, strategy), claims each run with a
 * compare-and-set queued → dispatched before calling the node (so several portals never dispatch a
 * run twice), then sends `job.run` after the commit. Runs made ready by a callback are claimed in
 * that callback's own transaction (no extra round trip); a dispatch round picks up the rest. Runs
 * that no host can take stay queued until a slot frees.
 */
@Injectable()
export class DispatcherService implements OnApplicationShutdown {
  private readonly logger = new Logger(DispatcherService.name);
  private readonly router = new Router();
  private readonly ledger: SlotLedger;
  private readonly pump = new Pump(
    () => this.round(),
    (error) => this.logger.error(`dispatch round failed: ${error.message}`, error.stack),
  );
  /**
   * The last look at the queue found nothing due that this instance could not place. Until a run
   * becomes queued here again, callbacks skip the refill query; runs queued by other instances or
   * coming due later are picked up by the engine tick's round.
   */
  private queueEmpty = false;

  constructor(
    private readonly db: EngineDb,
    private readonly hosts: HostRegistryService,
    private readonly sender: RunSenderService,
    private readonly transactions: EngineTransactionsService,
    hooks: EngineHooks,
    private readonly config: AppConfig,
  ) {
    this.ledger = new SlotLedger(db);
    hooks.onQueued = () => {
      this.queueEmpty = false;
      this.wake();
    };
    hooks.onFreed = (freed) => this.ledger.freed(freed);
    hooks.beforeCommit = (ctx) => this.claimReady(ctx);
    hooks.onClaimed = (claimed) => {
      this.ledger.claimed(claimed.map(({ run, host }) => ({ runId: run.id, hostId: host.id })));
      this.sender.send(claimed);
    };
  }

  /** Asks for a dispatch round soon; rounds never overlap, requests during one trigger another. */
  wake(): void {
    this.pump.wake();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pump.stop();
  }

  /** One round over the queue; true when more queued runs may be waiting behind the ones taken. */
  private async round(): Promise<boolean> {
    const placement = await this.placement();
    if (placement.capacity <= 0) return false;
    const limit = queueLimit(placement.capacity);
    const candidates = await this.db.read((sql) => dueQueued(sql, limit));
    if (candidates.length === 0) {
      this.queueEmpty = true;
      return false;
    }
    const claimed = await this.transactions.run(async (ctx) =>
      this.placeAndClaim(ctx, await this.expandBroadcasts(ctx, candidates, placement), placement),
    );
    this.queueEmpty = candidates.length < limit && claimed === candidates.length;
    return candidates.length === limit || claimed < candidates.length ? claimed > 0 : false;
  }

  /**
   * Inside a callback's transaction: claims at once the runs it made ready (the DAG hand-off), then
   * (SQLite) refills the slots its ended runs freed from the queue, oldest first, so a busy queue
   * moves on with each callback instead of waiting for a separate dispatch round and its own
   * transaction.
   */
  private async claimReady(ctx: TransitionContext): Promise<void> {
    const ids = ctx.queuedIds;
    if (ids.length === 0 && ctx.freed.length === 0) return;
    // A request for a round made by other work of the transaction (a broadcast expanded) stands.
    const requested = ids.length === 0 && ctx.queuedSome;
    const placement = await this.placement(ctx.sql, ctx.freed);
    let claimed = 0;
    let left = false;
    if (ids.length > 0) {
      const candidates =
        placement.capacity <= 0
          ? []
          : (
              await ctx.sql.rows<Record<string, unknown>>(
                `SELECT ${CANDIDATE_COLUMNS} FROM job_run WHERE id IN (${placeholders(ids.length)}) AND state = 'queued' ` +
                  'AND not_before <= ? ORDER BY id',
                [...ids, Date.now()], // due now (the transaction began a moment ago)
              )
            )
              .map(mapCandidate)
              .filter((run) => !run.broadcast); // broadcast parents expand in a dispatch round
      claimed = candidates.length === 0 ? 0 : await this.placeAndClaim(ctx, candidates, placement);
      // Whatever could not be placed here is left to a dispatch round.
      left = claimed < ids.length;
    }
    const room = placement.capacity - claimed;
    // On SQLite every engine transaction runs alone anyway, so refilling here saves a whole one. On
    // MySQL callbacks of one execution queue on its row lock, held from the state update to the
    // commit: a refill would hold it longer, and a separate dispatch round does the same work
    // without it.
    if (this.db.dialect !== 'sqlite' || ctx.freed.length === 0 || room <= 0) {
      ctx.queuedSome = left || requested;
      return;
    }
    if (this.queueEmpty) ctx.queueServed = true;
    else {
      const limit = queueLimit(room);
      const queued = await dueQueued(ctx.sql, limit);
      const plain = queued.filter((run) => !run.broadcast);
      const refilled = plain.length === 0 ? 0 : await this.placeAndClaim(ctx, plain, { ...placement, capacity: room });
      ctx.queueServed = true;
      if (queued.length === limit || refilled < queued.length) left = true;
      else this.queueEmpty = true;
    }
    ctx.queuedSome = left || requested;
  }

  /**
   * Hosts and free slots; inside a transaction (`sql` given) from what is already known, counting
   * the slots `freed` by runs ended in that transaction as free already.
   */
  private async placement(sql?: Sql, freed: readonly SlotHolder[] = []): Promise<Placement> {
    const hosts = sql ? this.hosts.cached() : await this.hosts.hosts();
    const { used, inFlight } = await this.ledger.current(sql, freed);
    const slots = this.slots(hosts, used);
    const free = slots.reduce((sum, host) => sum + (host.available ? Math.max(0, host.slots - host.used) : 0), 0);
    return { hosts, slots, capacity: Math.min(this.config.values.schedule.concurrency - inFlight, free) };
  }

  /** Picks hosts and claims (queued → dispatched); the claimed runs are sent after the commit. */
  private async placeAndClaim(ctx: TransitionContext, candidates: Candidate[], placement: Placement): Promise<number> {
    const perJob = await this.runningPerJob(ctx.sql, candidates);
    const maxRunningPerJob = this.config.values.schedule.maxRunningPerJob;
    const groups = new Map<string, { run: Candidate; host: EngineHost }[]>();
    let placed = 0;
    for (const run of candidates) {
      if (placed >= placement.capacity) break;
      if (run.parentRunId === null && (perJob.get(run.jobId) ?? 0) >= maxRunningPerJob) continue;
      const chosen = this.router.choose(run, placement.slots);
      if (!chosen) continue;
      chosen.used += 1;
      placed += 1;
      perJob.set(run.jobId, (perJob.get(run.jobId) ?? 0) + 1);
      const host = placement.hosts.find((item) => item.id === chosen.id) as EngineHost;
      const key = `${host.id}:${run.attempt}`;
      groups.set(key, [...(groups.get(key) ?? []), { run, host }]);
    }
    const mine: { id: number; host: EngineHost }[] = [];
    for (const group of groups.values()) mine.push(...(await this.claimGroup(ctx, group)));
    if (mine.length === 0) return 0;
    await storeInputs(
      ctx.sql,
      mine.map((item) => item.id),
    );
    const rows = await ctx.sql.rows<Record<string, unknown>>(
      `SELECT ${DISPATCH_COLUMNS} FROM job_run WHERE id IN (${placeholders(mine.length)})`,
      mine.map((item) => item.id),
    );
    const hostOf = new Map(mine.map((item) => [item.id, item.host]));
    ctx.claimed.push(
      ...rows.map(mapDispatchRow).map((run): Assignment => ({ run, host: hostOf.get(run.id) as EngineHost })),
    );
    return mine.length;
  }

  /** Broadcast parents among the candidates expand into their children, which are routed like any run. */
  private async expandBroadcasts(
    ctx: TransitionContext,
    candidates: Candidate[],
    placement: Placement,
  ): Promise<Candidate[]> {
    const parents = candidates.filter((run) => run.broadcast);
    if (parents.length === 0) return candidates;
    const online = new Set(placement.slots.filter((slot) => slot.available).map((slot) => slot.id));
    const childIds = await new Broadcasts(ctx).expand(
      parents.map((run) => run.id),
      placement.hosts.filter((host) => online.has(host.id)),
    );
    const children =
      childIds.length === 0
        ? []
        : (
            await ctx.sql.rows<Record<string, unknown>>(
              `SELECT ${CANDIDATE_COLUMNS} FROM job_run WHERE id IN (${placeholders(childIds.length)}) ORDER BY id`,
              childIds,
            )
          ).map(mapCandidate);
    return [...candidates.filter((run) => !run.broadcast), ...children];
  }

  private async claimGroup(
    ctx: TransitionContext,
    group: { run: Candidate; host: EngineHost }[],
  ): Promise<{ id: number; host: EngineHost }[]> {
    const { host } = group[0];
    const ids = group.map((item) => item.run.id);
    const stamp = ctx.now.getTime();
    const affected = await ctx.sql.exec(
      "UPDATE job_run SET state = 'dispatched', host_id = ?, dispatched_at = ?, updated_at = ?, warned = 0 " +
        `WHERE id IN (${placeholders(ids.length)}) AND state = 'queued' AND attempt = ?`,
      [host.id, stamp, stamp, ...ids, group[0].run.attempt],
    );
    const reason = `to ${host.name}`;
    if (affected === group.length) {
      // Every row changed as read: the candidates say all the transition rows need.
      for (const { run } of group) ctx.recordClaim(run, ENGINE_ACTOR, reason);
      return ids.map((id) => ({ id, host }));
    }
    const runs = await lockRuns(ctx.sql, ids, " AND state = 'dispatched' AND host_id = ? AND dispatched_at = ?", [
      host.id,
      stamp,
    ]);
    for (const run of runs) ctx.record(run, 'queued', 'dispatched', ENGINE_ACTOR, reason);
    return runs.map((run) => ({ id: run.id, host }));
  }

  private async runningPerJob(sql: Sql, runs: Candidate[]): Promise<Map<number, number>> {
    const jobIds = [...new Set(runs.map((run) => run.jobId))];
    // The parent test sits in the count, not the WHERE: as a filter, SQLite would pick the
    // (parent_run_id) index and walk every top-level run ever made.
    const rows = await sql.rows<{ job_id: unknown; n: unknown }>(
      'SELECT job_id, COUNT(CASE WHEN parent_run_id IS NULL THEN 1 END) AS n FROM job_run ' +
        `WHERE job_id IN (${placeholders(jobIds.length)}) AND state IN ('dispatched','running') GROUP BY job_id`,
      jobIds,
    );
    return new Map(rows.map((row) => [toNumber(row.job_id), toNumber(row.n)]));
  }

  private slots(hosts: EngineHost[], used: Map<number, number>): HostSlots[] {
    const now = Date.now();
    const offlineMs = this.config.values.exec.offlineSeconds * 1000;
    return hosts.map((host) => ({
      id: host.id,
      tags: host.tags,
      slots: host.slots,
      used: used.get(host.id) ?? 0,
      available:
        host.enabled &&
        host.state === 'online' &&
        host.lastSeenAt !== null &&
        now - host.lastSeenAt.getTime() < offlineMs &&
        !this.sender.coolingDown(host.id, now),
    }));
  }
}
