import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AlertOutboxService } from '../alert-delivery/alert-outbox.service.js';
import { childrenToKill } from './broadcast.js';
import { DependencyRelease } from './dependency-release.js';
import { DispatcherService } from './dispatcher.service.js';
import { RunSenderService } from './run-sender.service.js';
import { EngineDb, placeholders, toNumber } from './engine-db.js';
import { EngineTransactionsService } from './engine-transactions.service.js';
import { HostRegistryService } from './host-registry.service.js';
import { DISPATCH_COLUMNS, mapDispatchRow } from './job-run-request.js';
import { NodeReconcileService } from './node-reconcile.service.js';
import { dueLateRuns, RunEstimateService } from './run-estimate.js';

const TICK_MS = 1000;
/** Backstop checks (cross-execution prerequisites, doubtful dispatches) every this many ticks. */
const SLOW_EVERY = 5;
/** A run still `dispatched` this long after job.run gets the same attempt sent again. */
const RESEND_AFTER_MS = 20_000;

/**
 * The engine's periodic work, safe on several portal instances at once (every change is a
 * compare-and-set): due retries, warn timeouts, silent hosts, and backstops for what callbacks
 * normally drive. On start it reconciles dispatched/running runs with their nodes.
 */
@Injectable()
export class EngineTickService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(EngineTickService.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private ticks = 0;

  constructor(
    private readonly db: EngineDb,
    private readonly transactions: EngineTransactionsService,
    private readonly dispatcher: DispatcherService,
    private readonly sender: RunSenderService,
    private readonly reconcile: NodeReconcileService,
    private readonly hosts: HostRegistryService,
    private readonly alerts: AlertOutboxService,
    private readonly estimates: RunEstimateService,
  ) {}

  onApplicationBootstrap(): void {
    this.running = this.reconcile
      .afterStart()
      .catch((error: Error) => this.logger.error(`start-up reconciliation failed: ${error.message}`))
      .finally(() => (this.running = null));
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  private tick(): void {
    if (this.running) return;
    this.ticks += 1;
    this.running = this.work(this.ticks % SLOW_EVERY === 0)
      .catch((error: Error) => this.logger.error(`engine tick failed: ${error.message}`, error.stack))
      .finally(() => (this.running = null));
  }

  private async work(slow: boolean): Promise<void> {
    this.dispatcher.wake();
    await this.reconcile.offlineHosts();
    await this.warnTimeouts();
    await this.lateRuns();
    await this.overBudgetKills();
    if (!slow) return;
    await this.externalPrerequisites();
    await this.resendDoubtful();
  }

  /** Running past the job's warn timeout: one timeout alert per attempt. */
  private async warnTimeouts(): Promise<void> {
    const now = Date.now();
    const due = await this.db.read((sql) =>
      sql.rows<{ id: unknown; attempt: unknown; execution_id: unknown }>(
        "SELECT id, attempt, execution_id FROM job_run WHERE state = 'running' AND warned = 0 AND timeout_warn_seconds > 0 " +
          'AND started_at + timeout_warn_seconds * 1000 <= ?',
        [now],
      ),
    );
    for (const row of due) {
      const [id, attempt, executionId] = [toNumber(row.id), toNumber(row.attempt), toNumber(row.execution_id)];
      await this.transactions.run(async (ctx) => {
        const first = await ctx.sql.exec(
          "UPDATE job_run SET warned = 1 WHERE id = ? AND attempt = ? AND warned = 0 AND state = 'running'",
          [id, attempt],
        );
        if (first === 0) return;
        const queued = await this.alerts.enqueue(ctx.sql, {
          event: 'timeout',
          executionId,
          runIds: [id],
          key: `${id}:${attempt}`,
        });
        if (queued > 0) ctx.alertsQueued = true;
      });
    }
  }

  /** Running well past the job's usual duration (schedule.lateFactorPercent): one "late" alert per attempt. */
  private async lateRuns(): Promise<void> {
    const due = await this.db.read((sql) => dueLateRuns(sql, this.estimates.lateSettings, Date.now()));
    for (const { id, attempt, executionId } of due) {
      await this.transactions.run(async (ctx) => {
        const first = await ctx.sql.exec(
          "UPDATE job_run SET late_alerted_attempt = ? WHERE id = ? AND attempt = ? AND late_alerted_attempt < ? AND state = 'running'",
          [attempt, id, attempt, attempt],
        );
        if (first === 0) return;
        const queued = await this.alerts.enqueue(ctx.sql, {
          event: 'late',
          executionId,
          runIds: [id],
          key: `${id}:${attempt}`,
        });
        if (queued > 0) ctx.alertsQueued = true;
      });
    }
  }

  /** Broadcast runs over their failure budget with killOnBudgetExceeded: their hosts' runs still running are killed. */
  private async overBudgetKills(): Promise<void> {
    const runs = await this.db.read((sql) => childrenToKill(sql));
    for (const run of runs) {
      const host = await this.hosts.host(run.hostId);
      if (host) await this.reconcile.killOnNode(host, run.nodeRunId, run.attempt);
    }
  }

  /** Backstop: a prerequisite in another execution succeeded while this run's snapshot was being taken. */
  private async externalPrerequisites(): Promise<void> {
    const rows = await this.db.read((sql) =>
      sql.rows<{ id: unknown }>(
        "SELECT d.id FROM job_run r JOIN job_run_dependency d ON d.run_id = r.id WHERE r.state = 'waiting' " +
          // Other edge conditions are decided when the prerequisite's run ends (edge-release.ts).
          "AND d.satisfied = 0 AND d.prerequisite_run_id IS NULL AND d.edge_condition = 'succeeded' AND EXISTS (SELECT 1 FROM job_run p " +
          "WHERE p.job_id = d.prerequisite_job_id AND p.data_date = d.data_date AND p.state = 'succeeded')",
      ),
    );
    if (rows.length === 0) return;
    const ids = rows.map((row) => toNumber(row.id));
    await this.transactions.run(async (ctx) => {
      const fresh = await ctx.sql.rows<{ id: unknown; run_id: unknown }>(
        `SELECT id, run_id FROM job_run_dependency WHERE id IN (${placeholders(ids.length)}) AND satisfied = 0 ORDER BY id${ctx.sql.forUpdate}`,
        ids,
      );
      await new DependencyRelease(ctx).satisfy(
        fresh.map((row) => ({ id: toNumber(row.id), runId: toNumber(row.run_id) })),
      );
    });
    this.logger.log(`${ids.length} cross-execution prerequisite(s) found satisfied by the periodic check`);
  }

  /** Dispatched long ago and never started: send the same attempt again (a duplicate for the node if it had it). */
  private async resendDoubtful(): Promise<void> {
    const rows = await this.db.read((sql) =>
      sql.rows<Record<string, unknown>>(
        `SELECT ${DISPATCH_COLUMNS} FROM job_run WHERE state = 'dispatched' AND dispatched_at < ? ORDER BY id LIMIT 1000`,
        [Date.now() - RESEND_AFTER_MS],
      ),
    );
    const items = [];
    for (const run of rows.map(mapDispatchRow)) {
      const host = run.hostId === null ? undefined : await this.hosts.host(run.hostId);
      if (host) items.push({ run, host });
    }
    this.sender.send(items);
  }
}
