import type { Sql } from '../engine-db.js';
/** One output line of a run attempt. */
export interface JobLogLine {
  runId: number;
  attempt: number;
  /** Per (run, attempt), from 1, strictly increasing (the exec node's numbering). */
  seq: number;
  stream: 'stdout' | 'stderr';
  time: Date;
  line: string;
  /** Exec node that printed it (kept by the Mongo store, as fluentd does). */
  node?: string;
}

/** Most lines one read returns; callers page by seq for more. */
export const MAX_PAGE_LINES = 10_000;

/**
 * Substrings (case-insensitive) that mark a line as an error for "jump to first error", besides any
 * stderr line. The same on every store (SQL LIKE, Mongo regex); see docs/observe.md.
 */
export const ERROR_PATTERNS: readonly string[] = ['error', 'exception', 'fatal', 'panic', 'traceback'];

export const clampLimit = (limit: number): number => Math.max(1, Math.min(Math.floor(limit), MAX_PAGE_LINES));

/**
 * Where job output is kept: the SQL table `job_log` on the embedded default; MongoDB `job_logs`
 * when configured. Appending the same (runId, attempt, seq) twice keeps one line. Every read pages
 * by seq with a limit, so a log of any size is read piece by piece.
 */
export abstract class LogStore {
  /**
   * Stores lines. `within`: the engine transaction that applies the same node request, so a run's
   * lines are stored before its end becomes visible (SQL: same transaction; Mongo: written before
   * the commit, repeats ignored if the transaction is retried).
   */
  abstract append(lines: readonly JobLogLine[], within?: Sql): Promise<void>;
  /** Lines with seq > afterSeq, in order, at most `limit`. */
  abstract page(runId: number, attempt: number, afterSeq: number, limit: number): Promise<JobLogLine[]>;
  /** The last `limit` lines with seq < beforeSeq, in order. */
  abstract pageBefore(runId: number, attempt: number, beforeSeq: number, limit: number): Promise<JobLogLine[]>;
  /** Highest seq stored for the attempt; 0 when it has no lines. */
  abstract lastSeq(runId: number, attempt: number): Promise<number>;
  /** Lines with seq > afterSeq containing `text` (case-insensitive), in order, at most `limit`. */
  abstract search(runId: number, attempt: number, text: string, afterSeq: number, limit: number): Promise<JobLogLine[]>;
  /** The first stderr line or the first line containing one of ERROR_PATTERNS, whichever comes first. */
  abstract firstError(runId: number, attempt: number): Promise<JobLogLine | null>;
  /** Attempts of the run that have lines, ascending. */
  abstract attempts(runId: number): Promise<number[]>;
  /** Creates what the store needs (indexes); called once at start. */
  abstract prepare(): Promise<void>;
  /** Deletes lines past retention (when the database does not do it itself); returns how many. */
  abstract sweepExpired(now: Date): Promise<number>;
}
