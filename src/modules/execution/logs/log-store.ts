/** One output line of a run attempt. */
export interface JobLogLine {
  runId: number;
  attempt: number;
  /** Per (run, attempt), from 1, strictly increasing (the exec node's numbering). */
  seq: number;
  stream: 'stdout' | 'stderr';
  time: Date;
  line: string;
}

/**
 * Where job output is kept: the SQL table `job_log` on the embedded default; MongoDB `job_logs`
 * when configured. Appending the same (runId, attempt, seq) twice keeps one line.
 */
export abstract class LogStore {
  abstract append(lines: readonly JobLogLine[]): Promise<void>;
  /** Lines with seq > afterSeq, in order, at most `limit`. */
  abstract page(runId: number, attempt: number, afterSeq: number, limit: number): Promise<JobLogLine[]>;
}
