import type { Response } from 'express';
import type { JobLogLine, LogStore } from '../execution/logs/log-store.js';
import type { LogNotifier } from '../execution/logs/log-notifier.js';
import { lineView } from './log-params.js';
import { sseEvent, writeChunk } from './response-writer.js';
import { isEnded, type RunLogQuery } from './run-log-query.js';

export interface LogTailOptions {
  /** How often the store is read when no notification came (lines from fluentd or another instance). */
  pollMs: number;
  heartbeatMs: number;
  /** After the run ended, how long lines may still arrive (fluentd's buffer flush); 0 without fluentd. */
  endGraceMs: number;
}

export interface LogTailDeps {
  logs: LogStore;
  notifier: LogNotifier;
  runs: RunLogQuery;
}

const PAGE = 1000;
/** Pages sent per wake-up before the loop yields (a client far behind catches up over several turns). */
const PAGES_PER_TURN = 20;

/**
 * One live tail over server-sent events: `lines` events (id = last seq sent, so a reconnect resumes
 * with Last-Event-ID), heartbeat comments, and one `end` event once the attempt is over and every
 * line was sent. Wakes on the in-process append notification or after pollMs; stops when the client
 * goes away.
 */
export class LogTail {
  private closed = false;
  private pending = false;
  private wake?: () => void;
  private lastBeat = Date.now();
  private endSeenAt: number | null = null;

  constructor(
    private readonly deps: LogTailDeps,
    private readonly options: LogTailOptions,
    private readonly runId: number,
    private readonly attempt: number,
    private afterSeq: number,
  ) {}

  async run(response: Response): Promise<void> {
    response.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      'X-Accel-Buffering': 'no',
      Connection: 'keep-alive',
    });
    response.flushHeaders();
    const unsubscribe = this.deps.notifier.subscribe(this.runId, () => this.signal());
    response.on('close', () => {
      this.closed = true;
      this.signal();
    });
    try {
      await this.loop(response);
    } finally {
      unsubscribe();
      response.end();
    }
  }

  private async loop(response: Response): Promise<void> {
    if (!(await writeChunk(response, 'retry: 2000\n: tail\n\n'))) return;
    while (!this.closed) {
      this.pending = false;
      const sent = await this.drain(response);
      if (this.closed) return;
      if (sent < PAGE * PAGES_PER_TURN && (await this.over())) {
        // Lines stored between the last read and the end check.
        if ((await this.drain(response)) === 0) {
          await writeChunk(response, sseEvent('end', { lastSeq: this.afterSeq }));
          return;
        }
        continue;
      }
      if (Date.now() - this.lastBeat >= this.options.heartbeatMs) {
        this.lastBeat = Date.now();
        if (!(await writeChunk(response, ': heartbeat\n\n'))) return;
      }
      if (sent === 0) await this.sleep();
    }
  }

  /** Sends what is stored after afterSeq (a bounded number of pages); returns how many lines. */
  private async drain(response: Response): Promise<number> {
    let sent = 0;
    for (let turn = 0; turn < PAGES_PER_TURN && !this.closed; turn += 1) {
      const lines: JobLogLine[] = await this.deps.logs.page(this.runId, this.attempt, this.afterSeq, PAGE);
      if (lines.length === 0) break;
      this.afterSeq = lines[lines.length - 1].seq;
      sent += lines.length;
      this.lastBeat = Date.now();
      if (!(await writeChunk(response, sseEvent('lines', lines.map(lineView), this.afterSeq)))) this.closed = true;
      if (lines.length < PAGE) break;
    }
    return sent;
  }

  /**
   * The attempt can print nothing more: the run moved to a later attempt, or it ended at least one
   * poll ago (and endGraceMs after its finish time, for lines still in fluentd's buffer).
   */
  private async over(): Promise<boolean> {
    const run = await this.deps.runs.header(this.runId);
    if (run.attempt > this.attempt) return true;
    if (!isEnded(run.state)) return false;
    // The final lines are stored just after the transaction that ended the run: look once more later.
    this.endSeenAt ??= Date.now();
    if (Date.now() - this.endSeenAt < this.options.pollMs) return false;
    const endedAt = run.finishedAt?.getTime() ?? 0;
    return Date.now() - endedAt >= this.options.endGraceMs;
  }

  private signal(): void {
    this.pending = true;
    this.wake?.();
  }

  private sleep(): Promise<void> {
    if (this.pending || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.wake?.(), this.options.pollMs);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }
}
