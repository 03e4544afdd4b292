import { OutputCapture, type Outputs } from './job-outputs.js';
import type { RunProgress } from './journal.js';
import { collectYoungGeneration } from './memory.js';
import type { LogLine, OutputStream, RunKey } from './types.js';

/** Discarded output between two young-generation collections (see memory.ts). */
const COLLECT_EVERY_BYTES = 8 * 1024 * 1024;

/** Tail lines longer than this are shortened: the tail is a summary, the full line went to the log store. */
const TAIL_LINE_CHARS = 4096;

export interface RunMeta extends RunKey {
  executionId: string | null;
  jobId: string | null;
}

/** Receives a run's lines for batching; implemented by LogBatcher. */
export interface LineSink {
  noteLines(output: RunOutput, lines: number, bytes: number): void;
}

/**
 * Per-run output accounting: seq numbers (shared by lines and events), the log cap, the tail, and the
 * lines waiting for the next batch. After the cap only a counter moves, so memory stays flat.
 */
export class RunOutput {
  logBytes = 0;
  truncated = false;
  discardedBytes = 0;
  pending: LogLine[] = [];
  private tail: LogLine[] = [];
  private readonly captured: OutputCapture;

  constructor(
    readonly meta: RunMeta,
    private readonly cap: number,
    private readonly tailSize: number,
    private readonly sink: LineSink,
    public nextSeq = 1,
  ) {
    this.captured = new OutputCapture();
  }

  allocateSeq(): number {
    const seq = this.nextSeq;
    this.nextSeq += 1;
    return seq;
  }

  /** Output read after the cap: only counted, so memory stays flat however much the job prints. */
  discard(bytes: number): void {
    const before = Math.floor(this.discardedBytes / COLLECT_EVERY_BYTES);
    this.discardedBytes += bytes;
    if (Math.floor(this.discardedBytes / COLLECT_EVERY_BYTES) !== before) collectYoungGeneration();
  }

  /** A line of job output; `bytes` counts the newline too. */
  addLine(stream: OutputStream, text: string, bytes: number, time: number): void {
    // Output markers are taken from stdout (and still logged); a marker that cannot be taken logs why.
    const warning = stream === 'stdout' ? this.captured.take(text) : null;
    if (warning !== null) this.addNotice(warning);
    if (this.truncated) {
      this.discard(bytes);
      return;
    }
    if (this.logBytes + bytes > this.cap) {
      this.truncated = true;
      this.discard(bytes);
      this.push(
        {
          seq: this.allocateSeq(),
          stream,
          time,
          line: `[meshcron] log truncated after ${this.logBytes} bytes`,
        },
        0,
      );
      return;
    }
    this.logBytes += bytes;
    this.push({ seq: this.allocateSeq(), stream, time, line: text }, bytes);
  }

  /** A line written by the node itself (spawn errors, kill notices); not counted against the cap. */
  addNotice(text: string): void {
    this.push({ seq: this.allocateSeq(), stream: 'stderr', time: Date.now(), line: `[meshcron] ${text}` }, 0);
  }

  takePending(): LogLine[] {
    const lines = this.pending;
    this.pending = [];
    return lines;
  }

  outputs(): Outputs {
    return this.captured.values();
  }

  tailLines(): LogLine[] {
    return this.tail.slice();
  }

  progress(): RunProgress {
    return {
      runId: this.meta.runId,
      attempt: this.meta.attempt,
      nextSeq: this.nextSeq,
      logBytes: this.logBytes,
      truncated: this.truncated,
      tail: JSON.stringify(this.tail),
      outputs: JSON.stringify(this.captured.values()),
    };
  }

  private push(line: LogLine, bytes: number): void {
    this.pending.push(line);
    if (this.tailSize > 0) {
      const short =
        line.line.length > TAIL_LINE_CHARS ? { ...line, line: `${line.line.slice(0, TAIL_LINE_CHARS)}…` } : line;
      this.tail.push(short);
      if (this.tail.length > this.tailSize) this.tail.shift();
    }
    this.sink.noteLines(this, 1, bytes + line.line.length);
  }
}
