import type { Journal, OutboxRow } from './journal.js';
import { errorText, type Logger } from './logger.js';
import type { PortalClient, PortalResponse } from './portal-client.js';
import { PERMANENT_PORTAL_ERRORS } from './rpc-errors.js';

export interface ReporterOptions {
  retryMaxMs: number;
  /** Rows per HTTP request; large `run.log` rows are additionally limited by maxBatchBytes. */
  maxBatchRows: number;
  maxBatchBytes: number;
  /**
   * How long `run.started` events wait when nothing else is pending. A short job's `run.finished`
   * follows within milliseconds, and the two then travel in one request (one portal transaction)
   * instead of two; a long job is shown running this much later. 0 sends them at once.
   */
  startedHoldMs: number;
}

/** What woke the reporter: a `run.started` may wait for company, anything else goes at once. */
export type WakeReason = 'started' | 'other';

const BASE_DELAY_MS = 250;

/**
 * Drains the journal outbox to the portal: oldest first, one JSON-RPC batch per HTTP request, one
 * request in flight. A row is deleted only when the portal answers it with a result (or with a
 * permanent error code); everything else is retried with capped exponential back-off, so a portal
 * that is down for hours loses nothing.
 */
export class OutboxReporter {
  private sending: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  /** Set while only young `run.started` rows are pending: fires when the oldest has waited long enough. */
  private holdTimer: NodeJS.Timeout | null = null;
  /** Stopping: everything pending goes now, held or not. */
  private flushing = false;
  private failures = 0;
  private blockedUntil = 0;
  private stopped = false;
  /** Set by wake(): new rows were committed since the last batch was taken. */
  private dirty = true;
  /** Rows waiting for a per-row retry exist: use the per-run FIFO query. */
  private deferred: boolean;
  private readonly abort = new AbortController();

  constructor(
    private readonly journal: Journal,
    private readonly client: PortalClient,
    private readonly logger: Logger,
    private readonly options: ReporterOptions,
  ) {
    this.deferred = journal.hasDeferredEvents();
  }

  /** Called after each commit that added events: sends soon, coalescing bursts into one batch. */
  wake(reason: WakeReason = 'other'): void {
    this.dirty = true;
    if (this.stopped || this.sending !== null) return;
    if (this.holdTimer !== null) {
      if (reason === 'started') return;
      clearTimeout(this.holdTimer);
      this.holdTimer = null;
    }
    const wait = Math.max(0, this.blockedUntil - Date.now());
    this.schedule(wait);
  }

  /** Stops after a last bounded attempt to deliver what is pending (in-flight requests are aborted at the deadline). */
  async stop(flushDeadlineMs: number): Promise<void> {
    this.flushing = true;
    this.clearTimer();
    const deadline = setTimeout(() => this.abort.abort(), flushDeadlineMs);
    if (this.sending !== null) await this.sending;
    this.clearTimer();
    while (!this.abort.signal.aborted && this.journal.dueEvents(Date.now(), 1, this.deferred).length > 0) {
      const failuresBefore = this.failures;
      await this.sendOnce();
      if (this.failures > failuresBefore) break;
    }
    clearTimeout(deadline);
    this.stopped = true;
    this.abort.abort();
    this.clearTimer();
  }

  private schedule(wait: number): void {
    if (this.timer !== null || this.immediate !== null) return;
    const run = (): void => {
      this.timer = null;
      this.immediate = null;
      if (this.stopped) return;
      this.sending = this.sendOnce().finally(() => {
        this.sending = null;
        this.afterSend();
      });
    };
    // setImmediate when due now: a 0 ms timer still waits for the next timers phase (≥ 1 ms).
    if (wait <= 0) this.immediate = setImmediate(run);
    else this.timer = setTimeout(run, wait);
  }

  private afterSend(): void {
    if (this.stopped) return;
    const now = Date.now();
    if (this.blockedUntil > now) return this.schedule(this.blockedUntil - now);
    if (this.dirty) return this.schedule(0);
    const due = this.deferred ? this.journal.nextDueAt() : null;
    if (due !== null) this.schedule(Math.max(0, due - now));
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.holdTimer !== null) clearTimeout(this.holdTimer);
    this.holdTimer = null;
    if (this.immediate !== null) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
  }

  private async sendOnce(): Promise<void> {
    const rows = this.takeBatch();
    if (rows.length === 0) return;
    const hold = this.holdFor(rows);
    if (hold > 0) {
      this.dirty = false;
      this.holdTimer = setTimeout(() => {
        this.holdTimer = null;
        this.dirty = true;
        this.schedule(0);
      }, hold);
      return;
    }
    // Params are stored as JSON text: splice them in instead of parsing and re-serialising large batches.
    const body = `[${rows.map((row) => `{"jsonrpc":"2.0","id":${row.id},"method":${JSON.stringify(row.method)},"params":${row.params}}`).join(',')}]`;
    try {
      const responses = await this.client.sendBody(body, this.abort.signal);
      this.settle(rows, responses);
      if (this.failures > 0) this.logger.info(`portal reachable again after ${this.failures} failed attempt(s)`);
      this.failures = 0;
      this.blockedUntil = 0;
    } catch (error) {
      this.failures += 1;
      this.dirty = true;
      const delay = backoff(this.failures, this.options.retryMaxMs);
      this.blockedUntil = Date.now() + delay;
      this.logger.warn(`cannot deliver ${rows.length} event(s): ${errorText(error)}; retry in ${delay} ms`);
    }
  }

  /** Milliseconds to wait before sending `rows`: > 0 only when all are first tries of young `run.started`. */
  private holdFor(rows: OutboxRow[]): number {
    if (this.flushing || this.options.startedHoldMs <= 0) return 0;
    let oldest = Infinity;
    for (const row of rows) {
      if (row.method !== 'run.started' || row.tries > 0) return 0;
      oldest = Math.min(oldest, row.created_at);
    }
    return Math.max(0, oldest + this.options.startedHoldMs - Date.now());
  }

  private takeBatch(): OutboxRow[] {
    this.dirty = false;
    const rows = this.journal.dueEvents(Date.now(), this.options.maxBatchRows, this.deferred);
    let bytes = 0;
    const batch: OutboxRow[] = [];
    for (const row of rows) {
      if (batch.length > 0 && bytes + row.params.length > this.options.maxBatchBytes) break;
      bytes += row.params.length;
      batch.push(row);
    }
    // More rows may be waiting behind this batch: take the next one right away.
    if (rows.length === this.options.maxBatchRows || batch.length < rows.length) this.dirty = true;
    return batch;
  }

  private settle(rows: OutboxRow[], responses: Map<number, PortalResponse>): void {
    const done: number[] = [];
    for (const row of rows) {
      const response = responses.get(row.id);
      if (response?.ok === true) done.push(row.id);
      else if (response?.error !== undefined && PERMANENT_PORTAL_ERRORS.includes(response.error.code)) {
        this.logger.warn(
          `portal rejected ${row.method} for run ${row.run_id}#${row.attempt} seq ${row.seq} permanently ` +
            `(${response.error.code} ${response.error.message}); event dropped`,
        );
        done.push(row.id);
      } else {
        this.deferred = true;
        const reason =
          response?.error === undefined
            ? 'no response for this id'
            : `${response.error.code} ${response.error.message}`;
        this.journal.retryLater(row.id, Date.now() + backoff(row.tries + 1, this.options.retryMaxMs), reason);
      }
    }
    this.journal.acknowledge(done);
    if (this.deferred) {
      this.deferred = this.journal.hasDeferredEvents();
      this.dirty = true;
    }
  }
}

/** Capped exponential back-off with jitter (so many nodes do not retry in lockstep). */
export function backoff(failures: number, maxMs: number): number {
  const exponential = Math.min(maxMs, BASE_DELAY_MS * 2 ** Math.min(failures - 1, 20));
  return Math.round(exponential * (0.75 + Math.random() * 0.25));
}
