import type { FluentSink } from './fluent-sink.js';
import type { Journal } from './journal.js';
import type { LineSink, RunOutput } from './run-output.js';
import type { LogLine, OutboxEvent } from './types.js';

export interface LogBatcherOptions {
  nodeName: string;
  batchMs: number;
  batchLines: number;
  /** Flush early past this many pending bytes so one outbox row stays small. */
  batchBytes: number;
  /** Write `run.log` outbox events (portal reporting on and fluentd off). */
  emitEvents: boolean;
}

/**
 * Collects output lines of all runs for a few ms (or up to N lines / bytes) and commits them in one
 * journal transaction: progress of every touched run plus one `run.log` event per run. Lines go to
 * fluentd only after that commit, so no line carries a seq the journal could hand out again.
 */
export class LogBatcher implements LineSink {
  private readonly dirty = new Set<RunOutput>();
  private pendingLines = 0;
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly journal: Journal,
    private readonly options: LogBatcherOptions,
    private readonly fluent: FluentSink | null,
    private readonly onCommitted: () => void,
  ) {}

  noteLines(output: RunOutput, lines: number, bytes: number): void {
    this.dirty.add(output);
    this.pendingLines += lines;
    this.pendingBytes += bytes;
    if (this.pendingLines >= this.options.batchLines || this.pendingBytes >= this.options.batchBytes) {
      this.flush();
    } else {
      this.timer ??= setTimeout(() => this.flush(), this.options.batchMs);
    }
  }

  /** Commits everything pending now (also called before a run's final state is written). */
  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.dirty.size === 0) return;
    const outputs = [...this.dirty];
    this.dirty.clear();
    this.pendingLines = 0;
    this.pendingBytes = 0;
    const batches = outputs.map((output) => ({ output, lines: output.takePending() }));
    const events = this.options.emitEvents ? batches.filter((b) => b.lines.length > 0).map((b) => this.event(b)) : [];
    this.journal.recordOutput(
      outputs.map((output) => output.progress()),
      events,
    );
    if (this.fluent !== null) for (const batch of batches) this.fluent.emitLines(batch.output.meta, batch.lines);
    if (events.length > 0) this.onCommitted();
  }

  close(): void {
    this.flush();
  }

  private event(batch: { output: RunOutput; lines: LogLine[] }): OutboxEvent {
    const meta = batch.output.meta;
    const first = batch.lines[0];
    return {
      method: 'run.log',
      runId: meta.runId,
      attempt: meta.attempt,
      seq: first.seq,
      params: {
        nodeName: this.options.nodeName,
        runId: meta.runId,
        attempt: meta.attempt,
        seq: first.seq,
        executionId: meta.executionId,
        jobId: meta.jobId,
        lines: batch.lines.map((line) => ({
          seq: line.seq,
          stream: line.stream,
          time: new Date(line.time).toISOString(),
          line: line.line,
        })),
      },
    };
  }
}
