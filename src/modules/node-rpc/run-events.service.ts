import { Injectable } from '@nestjs/common';
import { placeholders, toNumber, type SqlValue } from '../execution/engine-db.js';
import { EngineTransactionsService } from '../execution/engine-transactions.service.js';
import { HostRegistryService } from '../execution/host-registry.service.js';
import { LogNotifier } from '../execution/logs/log-notifier.js';
import { LogStore, type JobLogLine } from '../execution/logs/log-store.js';
import { NodeReconcileService } from '../execution/node-reconcile.service.js';
import { recordDurations, successDurations } from '../execution/run-estimate.js';
import { mapRun, RUN_COLUMNS, type RunRow } from '../execution/run-row.js';
import { parseOutputs } from '../execution/run-outputs.js';
import type { CasChange, TransitionContext } from '../execution/transition-context.js';
import type { RunEvent } from './event-params.js';
import { RPC_ERRORS } from './json-rpc.js';

export type EventOutcome = { ok: true; duplicate: boolean } | { ok: false; code: number; message: string };

/** What the events of one batch say about one run, applied as one compare-and-set. */
interface Folded {
  run: RunRow;
  started?: Extract<RunEvent, { kind: 'started' }>;
  finished?: Extract<RunEvent, { kind: 'finished' }>;
}

const TAIL_KEPT = 50;

/** What one request body amounts to, gathered while its events are read. */
interface Batch {
  folded: Map<number, Folded>;
  /** (run, attempt, seq) of events applied now. */
  fresh: [number, number, number][];
  lines: JobLogLine[];
  orphans: RunRow[];
}

const newBatch = (): Batch => ({ folded: new Map(), fresh: [], lines: [], orphans: [] });

/**
 * Applies run.started / run.log / run.finished from exec nodes: one transaction per request body,
 * events in array order, duplicates (run, attempt, seq) acknowledged and ignored, events of any
 * other attempt than the run's current one rejected (-32010), state changes by compare-and-set.
 */
@Injectable()
export class RunEventsService {
  constructor(
    private readonly transactions: EngineTransactionsService,
    private readonly logs: LogStore,
    private readonly logNotifier: LogNotifier,
    private readonly hosts: HostRegistryService,
    private readonly reconcile: NodeReconcileService,
  ) {}

  async apply(events: readonly RunEvent[], hostId: number | null): Promise<EventOutcome[]> {
    if (events.length === 0) return [];
    let batch: Batch = newBatch();
    const outcomes = await this.transactions.run(async (ctx) => {
      batch = newBatch(); // a transaction retried after a deadlock starts over
      const runs = await this.lockRuns(ctx, events);
      const applied = await this.appliedKeys(ctx, [...runs.values()]);
      const result = events.map((event) => this.take(event, runs.get(event.runId), hostId, applied, batch));
      const changes = [...batch.folded.values()]
        .map((entry) => this.change(entry, events[0].nodeName))
        .filter((change): change is CasChange => change !== null);
      // What the stored column will read back as: edges on these runs are decided without a re-read.
      for (const { run, set } of changes)
        if ('outputs' in set) ctx.reportedOutputs.set(run.id, parseOutputs(set.outputs));
      await ctx.casLocked(changes);
      await recordDurations(ctx.sql, successDurations(batch.folded.values()));
      const received = ctx.now.getTime();
      await ctx.sql.insertMany(
        'node_event',
        ['run_id', 'attempt', 'seq', 'received_at'],
        batch.fresh.map((key) => [...key, received]),
        true,
      );
      // Before the commit: once a run's end is visible, all of its lines reported with it are stored.
      await this.logs.append(batch.lines, ctx.sql);
      return result;
    });
    this.logNotifier.notify(batch.lines.map((line) => line.runId));
    for (const run of batch.orphans) await this.stopOrphan(run);
    return outcomes;
  }

  /** One event: refused (unknown run, other attempt), a repeat, or folded into its run's change. */
  private take(
    event: RunEvent,
    run: RunRow | undefined,
    hostId: number | null,
    applied: Set<string>,
    batch: Batch,
  ): EventOutcome {
    if (!run || (hostId !== null && run.hostId !== null && run.hostId !== hostId)) {
      return { ok: false, code: RPC_ERRORS.unknownRun, message: `unknown run ${event.runId}` };
    }
    if (event.attempt !== run.attempt) {
      return {
        ok: false,
        code: RPC_ERRORS.staleAttempt,
        message: `attempt ${event.attempt} is not current (${run.attempt})`,
      };
    }
    if (event.kind === 'log') {
      batch.lines.push(
        ...event.lines.map((line) => ({ runId: run.id, attempt: run.attempt, node: event.nodeName, ...line })),
      );
      return { ok: true, duplicate: false };
    }
    const key = `${run.id}:${event.attempt}:${event.seq}`;
    if (applied.has(key)) return { ok: true, duplicate: true };
    applied.add(key);
    batch.fresh.push([run.id, event.attempt, event.seq]);
    const entry = batch.folded.get(run.id) ?? { run };
    if (event.kind === 'started') {
      entry.started = event;
      // Started after the portal ended it (killed before the node had it): stop the process.
      if (run.state === 'killed' || run.state === 'lost') batch.orphans.push(run);
    } else {
      entry.finished = event;
    }
    batch.folded.set(run.id, entry);
    return { ok: true, duplicate: false };
  }

  private async stopOrphan(run: RunRow): Promise<void> {
    const host = run.hostId === null ? undefined : await this.hosts.host(run.hostId);
    if (host) await this.reconcile.killOnNode(host, run.nodeRunId, run.attempt);
  }

  private async lockRuns(ctx: TransitionContext, events: readonly RunEvent[]): Promise<Map<string, RunRow>> {
    const nodeRunIds = [...new Set(events.map((event) => event.runId))];
    const rows = await ctx.sql.rows<Record<string, unknown>>(
      `SELECT ${RUN_COLUMNS} FROM job_run WHERE node_run_id IN (${placeholders(nodeRunIds.length)}) ORDER BY id${ctx.sql.forUpdate}`,
      nodeRunIds,
    );
    return new Map(rows.map((row) => [String(row.node_run_id), mapRun(row)]));
  }

  private async appliedKeys(ctx: TransitionContext, runs: RunRow[]): Promise<Set<string>> {
    if (runs.length === 0) return new Set();
    const rows = await ctx.sql.rows<{ run_id: unknown; attempt: unknown; seq: unknown }>(
      `SELECT run_id, attempt, seq FROM node_event WHERE run_id IN (${placeholders(runs.length)})`,
      runs.map((run) => run.id),
    );
    return new Set(rows.map((row) => `${toNumber(row.run_id)}:${toNumber(row.attempt)}:${toNumber(row.seq)}`));
  }

  /** dispatched → running, and/or → the final state; a run already ended is left alone. */
  private change({ run, started, finished }: Folded, nodeName: string): CasChange | null {
    const actor = `node:${nodeName}`;
    const canStart = run.state === 'dispatched' || run.state === 'queued';
    const startFields: Record<string, SqlValue> = started
      ? { pid: started.pid, started_at: started.startedAt.getTime() }
      : {};
    if (finished && (canStart || run.state === 'running')) {
      const tail = finished.tail
        .slice(-TAIL_KEPT)
        .map((line) => ({ seq: line.seq, stream: line.stream, line: line.line }));
      const startedAt = started?.startedAt ?? finished.startedAt;
      return {
        run,
        to: finished.state,
        set: {
          ...startFields,
          ...(started || !startedAt ? {} : { started_at: startedAt.getTime() }),
          exit_code: finished.exitCode,
          exit_signal: finished.signal?.slice(0, 16) ?? null,
          error: finished.error?.slice(0, 2000) ?? null,
          tail: JSON.stringify(tail),
          outputs: finished.outputs === null ? null : JSON.stringify(finished.outputs),
          finished_at: finished.finishedAt.getTime(),
        },
        actor,
        reason: finished.error ?? (finished.exitCode === null ? '' : `exit code ${finished.exitCode}`),
        via: started && canStart ? 'running' : undefined,
      };
    }
    if (started && canStart) return { run, to: 'running', set: startFields, actor, reason: '' };
    return null;
  }
}
