import fluentLogger from 'fluent-logger';

import type { FluentConfig } from './config.js';
import type { Logger } from './logger.js';
import type { RunMeta } from './run-output.js';
import type { LogLine } from './types.js';

/** The record shape stored in MongoDB `job_logs` (see deploy/fluentd/fluent.conf). */
export interface FluentLogRecord {
  runId: string;
  executionId: string | null;
  jobId: string | null;
  attempt: number;
  stream: 'stdout' | 'stderr';
  seq: number;
  time: string;
  line: string;
  node: string;
}

// The bundled typings declare EventTime as an instance; at run time it is the class with static helpers.
const eventTime = fluentLogger.EventTime as unknown as { fromDate(date: Date): unknown };

interface Sender {
  emit(label: string, data: FluentLogRecord, timestamp: unknown, callback: (error?: Error) => void): void;
  on(event: 'connect' | 'error', listener: (error?: Error) => void): void;
  end(label?: string, data?: unknown, callback?: () => void): void;
}

/**
 * Sends output lines to fluentd in PackedForward mode. fluent-logger queues without limit while fluentd
 * is down, so the sink bounds it itself: it stops handing lines over after a socket error until a
 * reconnect timer (ours, cleared on close) lets the next line try again, and it never keeps more than
 * maxPendingLines unwritten. Dropped lines are counted; the journal still has the run's tail.
 */
export class FluentSink {
  private readonly sender: Sender;
  private pending = 0;
  private down = false;
  private dropped = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly config: FluentConfig,
    private readonly nodeName: string,
    private readonly logger: Logger,
  ) {
    this.sender = fluentLogger.createFluentSender(
      undefined as unknown as string,
      {
        host: config.host,
        port: config.port,
        eventMode: 'PackedForward',
        flushInterval: 20,
        sendQueueSizeLimit: 1024 * 1024,
        enableReconnect: false,
        timeout: 3000,
        internalLogger: { info: () => undefined, error: () => undefined },
      } as fluentLogger.Options,
    ) as unknown as Sender;
    this.sender.on('error', (error) => this.onError(error));
    this.sender.on('connect', () => this.onConnect());
  }

  get droppedLines(): number {
    return this.dropped;
  }

  emitLines(meta: RunMeta, lines: LogLine[]): void {
    const label = `${this.config.tag}.log`;
    for (const line of lines) {
      if (this.closed || this.down || this.pending >= this.config.maxPendingLines) {
        this.dropped += 1;
        continue;
      }
      this.pending += 1;
      const time = new Date(line.time);
      this.sender.emit(label, this.record(meta, line, time), eventTime.fromDate(time), () => {
        this.pending -= 1;
      });
    }
  }

  close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    return new Promise((resolve) => {
      // Let the PackedForward flush interval pass so queued lines are written before the socket closes.
      setTimeout(() => this.sender.end(undefined, undefined, resolve), this.down ? 0 : 50);
    });
  }

  private record(meta: RunMeta, line: LogLine, time: Date): FluentLogRecord {
    return {
      runId: meta.runId,
      executionId: meta.executionId,
      jobId: meta.jobId,
      attempt: meta.attempt,
      stream: line.stream,
      seq: line.seq,
      time: time.toISOString(),
      line: line.line,
      node: this.nodeName,
    };
  }

  private onError(error?: Error): void {
    if (this.closed || this.down) return;
    this.down = true;
    this.logger.warn(
      `fluentd ${this.config.host}:${this.config.port} unavailable (${error?.message ?? 'error'}); ` +
        `retrying in ${this.config.reconnectMs} ms, lines dropped so far: ${this.dropped}`,
    );
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.down = false;
    }, this.config.reconnectMs);
  }

  private onConnect(): void {
    if (this.dropped > 0) this.logger.info(`fluentd connected; ${this.dropped} lines were dropped while it was down`);
  }
}
