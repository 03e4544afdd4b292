/** Job run states as the node reports them; the portal's state machine uses the same words. */
export type RunState = 'accepted' | 'running' | 'succeeded' | 'failed' | 'timed_out' | 'killed' | 'lost';

export type TerminalState = Exclude<RunState, 'accepted' | 'running'>;

export type OutputStream = 'stdout' | 'stderr';

export interface RunKey {
  runId: string;
  attempt: number;
}

export type JobCommand = { kind: 'argv'; argv: string[] } | { kind: 'script'; script: string; interpreter: string[] };

export interface JobParam {
  name: string;
  value: string;
}

/** A validated `job.run` request. */
export interface JobSpec extends RunKey {
  executionId: string | null;
  jobId: string | null;
  command: JobCommand;
  cwd: string | null;
  env: Record<string, string>;
  params: JobParam[];
  timeoutMs: number | null;
  successExitCodes: number[];
}

/** One output line as stored in the tail and sent in `run.log` / to fluentd. */
export interface LogLine {
  seq: number;
  stream: OutputStream;
  /** Epoch milliseconds. */
  time: number;
  line: string;
}

/** What `job.run` and `job.list` return for one run. Times are ISO-8601 UTC. */
export interface RunView extends RunKey {
  executionId: string | null;
  jobId: string | null;
  state: RunState;
  pid: number | null;
  pgid: number | null;
  acceptedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  exitCode: number | null;
  signal: string | null;
  error: string | null;
  logBytes: number;
  truncated: boolean;
}

/** A row destined for the portal, written in the same transaction as the state change it describes. */
export interface OutboxEvent extends RunKey {
  method: 'run.started' | 'run.log' | 'run.finished';
  seq: number;
  params: Record<string, unknown>;
}

export function runKeyText(key: RunKey): string {
  return `${key.runId}#${key.attempt}`;
}

export function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
