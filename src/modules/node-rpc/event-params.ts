import { RPC_ERRORS, RpcFailure } from './json-rpc.js';

/** Run events from exec nodes (docs/exec-node.md §2), validated. */
interface RunEventBase {
  nodeName: string;
  runId: string;
  attempt: number;
  seq: number;
}

export interface LogLineParams {
  seq: number;
  stream: 'stdout' | 'stderr';
  time: Date;
  line: string;
}

export type RunEvent =
  | (RunEventBase & { kind: 'started'; pid: number; startedAt: Date })
  | (RunEventBase & { kind: 'log'; lines: LogLineParams[] })
  | (RunEventBase & {
      kind: 'finished';
      state: 'succeeded' | 'failed' | 'timed_out' | 'killed' | 'lost';
      exitCode: number | null;
      signal: string | null;
      error: string | null;
      startedAt: Date | null;
      finishedAt: Date;
      tail: { seq: number; stream: string; line: string }[];
      /** `::meshcron::output` values; absent from older nodes (null). */
      outputs: Record<string, string> | null;
    });

export interface PresenceParams {
  nodeName: string;
  host: Record<string, unknown>;
  runs: { runId: string; attempt: number; state: string }[];
  draining: boolean;
  slotsTotal: number;
}

const FINAL_STATES = ['succeeded', 'failed', 'timed_out', 'killed', 'lost'] as const;

function invalid(message: string): never {
  throw new RpcFailure(RPC_ERRORS.invalidParams, `Invalid params: ${message}`);
}

function record(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) invalid(`${path}: expected an object`);
  return value as Record<string, unknown>;
}

function text(value: unknown, path: string, max = 100_000): string {
  if (typeof value !== 'string' || value.length > max) invalid(`${path}: expected a string`);
  return value;
}

function nullableText(value: unknown, path: string): string | null {
  return value === null || value === undefined ? null : text(value, path);
}

function integer(value: unknown, path: string, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    invalid(`${path}: expected an integer ≥ ${min}`);
  }
  return value;
}

function time(value: unknown, path: string): Date {
  const date = typeof value === 'string' ? new Date(value) : new Date(NaN);
  if (Number.isNaN(date.getTime())) invalid(`${path}: expected an ISO-8601 time`);
  return date;
}

function array(value: unknown, path: string, max: number): unknown[] {
  if (!Array.isArray(value) || value.length > max) invalid(`${path}: expected an array`);
  return value;
}

function base(params: Record<string, unknown>): RunEventBase {
  const runId = text(params.runId, 'runId', 200);
  if (runId === '') invalid('runId: expected 1-200 characters');
  return {
    nodeName: text(params.nodeName, 'nodeName', 200),
    runId,
    attempt: integer(params.attempt, 'attempt', 1),
    seq: integer(params.seq, 'seq', 1),
  };
}

function logLines(value: unknown): LogLineParams[] {
  return array(value, 'lines', 100_000).map((item, index) => {
    const line = record(item, `lines[${index}]`);
    const stream = line.stream;
    if (stream !== 'stdout' && stream !== 'stderr') invalid(`lines[${index}].stream: expected stdout or stderr`);
    return {
      seq: integer(line.seq, `lines[${index}].seq`, 1),
      stream,
      time: time(line.time, `lines[${index}].time`),
      line: text(line.line, `lines[${index}].line`, 1_000_000),
    };
  });
}

const OUTPUT_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** Optional `outputs` of run.finished: at most 65 names (64 + result), values up to 4 KiB each. */
function outputs(value: unknown): Record<string, string> | null {
  if (value === null || value === undefined) return null;
  const entries = Object.entries(record(value, 'outputs'));
  if (entries.length > 65) invalid('outputs: at most 65 entries');
  for (const [name, item] of entries) {
    if (!OUTPUT_NAME.test(name)) invalid(`outputs.${name.slice(0, 80)}: not a valid output name`);
    text(item, `outputs.${name}`, 4096);
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

function finished(params: Record<string, unknown>) {
  const state = params.state as (typeof FINAL_STATES)[number];
  if (!FINAL_STATES.includes(state)) invalid(`state: expected one of ${FINAL_STATES.join(', ')}`);
  const exitCode =
    params.exitCode === null || params.exitCode === undefined ? null : integer(params.exitCode, 'exitCode', -1);
  return {
    kind: 'finished' as const,
    state,
    exitCode,
    signal: nullableText(params.signal, 'signal'),
    error: nullableText(params.error, 'error'),
    startedAt: params.startedAt === null || params.startedAt === undefined ? null : time(params.startedAt, 'startedAt'),
    finishedAt: time(params.finishedAt, 'finishedAt'),
    outputs: outputs(params.outputs),
    tail: array(params.tail ?? [], 'tail', 10_000).map((item, index) => {
      const line = record(item, `tail[${index}]`);
      return {
        seq: Number(line.seq),
        stream: String(line.stream),
        line: text(line.line, `tail[${index}].line`, 1_000_000),
      };
    }),
  };
}

/** Validates the params of run.started / run.log / run.finished; throws an RpcFailure (-32602). */
export function parseRunEvent(method: string, raw: unknown): RunEvent {
  const params = record(raw, 'params');
  const common = base(params);
  switch (method) {
    case 'run.started':
      return {
        ...common,
        kind: 'started',
        pid: integer(params.pid, 'pid', 0),
        startedAt: time(params.startedAt, 'startedAt'),
      };
    case 'run.log':
      return { ...common, kind: 'log', lines: logLines(params.lines) };
    default:
      return { ...common, ...finished(params) };
  }
}

/** Validates node.register / node.heartbeat params. */
export function parsePresence(raw: unknown): PresenceParams {
  const params = record(raw, 'params');
  const host = record(params.host, 'host');
  const slots = typeof host.slots === 'object' && host.slots !== null ? (host.slots as Record<string, unknown>) : {};
  return {
    nodeName: text(params.nodeName, 'nodeName', 200),
    host,
    runs: array(params.runs ?? [], 'runs', 1_000_000).map((item, index) => {
      const run = record(item, `runs[${index}]`);
      return {
        runId: text(run.runId, `runs[${index}].runId`, 200),
        attempt: integer(run.attempt, `runs[${index}].attempt`, 1),
        state: text(run.state, `runs[${index}].state`, 32),
      };
    }),
    draining: host.draining === true,
    slotsTotal: typeof slots.total === 'number' ? slots.total : 0,
  };
}
