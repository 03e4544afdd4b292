import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { ExecNodeError, type JobRunParams } from '../../infra/rpc/exec-node.client.js';
import { EngineTransactionsService } from './engine-transactions.service.js';
import type { EngineHost } from './host-registry.service.js';
import { classifySendError, jobRunParams, type DispatchRow } from './job-run-request.js';
import { NodeClientsService } from './node-clients.js';
import { lockRuns } from './run-row.js';
import { ENGINE_ACTOR } from './transition-context.js';

export interface Assignment {
  run: DispatchRow;
  host: EngineHost;
}

/** job.run calls per HTTP request (a JSON-RPC batch; the node runs the elements one after the other). */
const BATCH_SIZE = 100;
/** Estimated request size per batch, well below the node's default 1 MiB body limit. */
const BATCH_BYTES = 512 * 1024;
const REFUSAL_COOLDOWN_MS = 1000;

/**
 * Sends `job.run` for dispatched runs, batched per host with a few requests in flight per host (runs
 * claimed while they are out go together in the next one, so a busy engine sends few large
 * batches), and settles what the nodes answer:
 * a refusal (no slot, draining, connection refused) puts the run back in the queue for another
 * host, an invalid request fails it, anything uncertain leaves it dispatched (the same attempt is
 * sent again later; the node treats a repeat as a duplicate).
 */
@Injectable()
export class RunSenderService implements OnApplicationShutdown {
  private readonly logger = new Logger(RunSenderService.name);
  private readonly sends = new Set<Promise<void>>();
  private readonly cooldown = new Map<number, number>();
  /** Per host: runs waiting for a request slot to that host. */
  private readonly pending = new Map<number, Assignment[]>();
  /** Per host: job.run requests out now. */
  private readonly inFlight = new Map<number, number>();

  constructor(
    private readonly transactions: EngineTransactionsService,
    private readonly clients: NodeClientsService,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.sends]);
  }

  /** The host refused a run a moment ago: leave it alone for a second. */
  coolingDown(hostId: number, now = Date.now()): boolean {
    return (this.cooldown.get(hostId) ?? 0) > now;
  }

  /** Sends in the background (tracked, so shutdown waits for it). */
  send(items: readonly Assignment[]): void {
    for (const item of items) {
      const queue = this.pending.get(item.host.id);
      if (queue) queue.push(item);
      else this.pending.set(item.host.id, [item]);
    }
    for (const hostId of new Set(items.map((item) => item.host.id))) this.pump(hostId);
  }

  /**
   * Starts requests for a host's waiting runs while fewer than the host's request limit are out;
   * runs wait here rather than in NodeClientsService's line, so they join the next batch.
   */
  private pump(hostId: number): void {
    const queue = this.pending.get(hostId);
    while (queue && queue.length > 0 && (this.inFlight.get(hostId) ?? 0) < NodeClientsService.PER_HOST) {
      const batch = queue.splice(0, batchLength(queue));
      this.inFlight.set(hostId, (this.inFlight.get(hostId) ?? 0) + 1);
      this.track(
        this.sendBatch(batch)
          .catch((error: Error) =>
            this.logger.error(`job.run sending to ${batch[0].host.name} failed: ${error.message}`),
          )
          .finally(() => {
            this.inFlight.set(hostId, (this.inFlight.get(hostId) ?? 1) - 1);
            if (queue.length > 0) this.pump(hostId);
            else if (this.inFlight.get(hostId) === 0) {
              this.inFlight.delete(hostId);
              if (this.pending.get(hostId) === queue) this.pending.delete(hostId);
            }
          }),
      );
    }
  }

  private track(promise: Promise<void>): void {
    const tracked = promise.catch((error: Error) => this.logger.error(`job.run sending failed: ${error.message}`));
    this.sends.add(tracked);
    void tracked.finally(() => this.sends.delete(tracked));
  }

  private async sendBatch(items: Assignment[]): Promise<void> {
    const host = items[0].host;
    const ready: { item: Assignment; params: JobRunParams }[] = [];
    const broken: { run: DispatchRow; reason: string }[] = [];
    for (const item of items) {
      try {
        ready.push({ item, params: jobRunParams(item.run) });
      } catch (error) {
        broken.push({ run: item.run, reason: `cannot build the command: ${(error as Error).message}` });
      }
    }
    const results =
      ready.length === 0
        ? []
        : await this.clients.limited(host.id, () =>
            this.clients.batch(host).jobRuns(ready.map((entry) => entry.params)),
          );
    const refused: { run: DispatchRow; reason: string }[] = [];
    results.forEach((result, index) => {
      if (!(result instanceof ExecNodeError)) return;
      const { run } = ready[index].item;
      const outcome = classifySendError(result);
      if (outcome === 'refused') refused.push({ run, reason: result.message });
      else if (outcome === 'invalid') broken.push({ run, reason: result.message });
      else
        this.logger.warn(
          `execution ${run.executionId}: job.run of ${run.jobName} on ${host.name} uncertain: ${result.message}`,
        );
    });
    if (refused.length > 0) {
      this.cooldown.set(host.id, Date.now() + REFUSAL_COOLDOWN_MS);
      await this.requeue(host, refused);
    }
    if (broken.length > 0) await this.fail(broken);
  }

  /** dispatched → queued after a refusal; the next dispatch round routes the runs elsewhere (or waits). */
  private async requeue(host: EngineHost, refused: { run: DispatchRow; reason: string }[]): Promise<void> {
    await this.transactions.run(async (ctx) => {
      const rows = await lockRuns(
        ctx.sql,
        refused.map((item) => item.run.id),
      );
      for (const { run, reason } of refused) {
        const row = rows.find((item) => item.id === run.id);
        if (row?.state !== 'dispatched' || row.attempt !== run.attempt || row.hostId !== host.id) continue;
        await ctx.cas(row, 'queued', { host_id: null, dispatched_at: null }, ENGINE_ACTOR, `${host.name}: ${reason}`);
      }
    });
  }

  /** The request cannot run as it is: the run fails without automatic retry. */
  private async fail(broken: { run: DispatchRow; reason: string }[]): Promise<void> {
    await this.transactions.run(async (ctx) => {
      const rows = await lockRuns(
        ctx.sql,
        broken.map((item) => item.run.id),
      );
      for (const { run, reason } of broken) {
        const row = rows.find((item) => item.id === run.id);
        if (!row || row.attempt !== run.attempt || (row.state !== 'dispatched' && row.state !== 'queued')) continue;
        const fields = { error: reason.slice(0, 2000), finished_at: ctx.now.getTime(), retries_used: row.retryCount };
        if (await ctx.cas(row, 'failed', fields, ENGINE_ACTOR, reason)) row.retriesUsed = row.retryCount;
      }
    });
  }
}

/** How many of the waiting runs go in the next request: up to BATCH_SIZE and about BATCH_BYTES, at least one. */
function batchLength(queue: readonly Assignment[]): number {
  let bytes = 0;
  let count = 0;
  for (const { run } of queue) {
    bytes += 512 + run.command.length + run.params.length + run.inputs.length * 2;
    if (count > 0 && (count >= BATCH_SIZE || bytes > BATCH_BYTES)) break;
    count += 1;
  }
  return count;
}
