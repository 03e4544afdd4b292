/**
 * The portal's JSON-RPC 2.0 client for exec nodes (docs/exec-node.md §1): `POST <address>/rpc` with
 * `Authorization: Bearer <token>`. Used by "test connection" and by the engine. Every failure is an
 * ExecNodeError with a `kind` saying what went wrong; the node's own codes map to subclasses.
 */

export type RunState = 'accepted' | 'running' | 'succeeded' | 'failed' | 'timed_out' | 'killed' | 'lost';

/** `job.run` params (docs/exec-node.md "job.run"). */
export interface JobRunParams {
  runId: string;
  attempt: number;
  executionId?: string | number;
  jobId?: string | number;
  command: string[] | { script: string; interpreter?: string | string[] };
  cwd?: string;
  env?: Record<string, string>;
  params?: { name: string; value: string }[];
  timeoutMs?: number;
  successExitCodes?: number[];
}

/** What `job.run`, `job.kill` and `job.list` say about one run; times ISO-8601 UTC. */
export interface RunView {
  runId: string;
  attempt: number;
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

export interface JobKillParams {
  runId: string;
  attempt?: number;
}

export interface JobListParams {
  runId?: string;
  state?: RunState;
  limit?: number;
}

/** `host.info` result. */
export interface HostInfo {
  nodeName: string;
  hostname: string;
  os: { type: string; platform: string; release: string };
  cpuCount: number;
  loadavg: number[];
  memory: { total: number; free: number };
  disk: { path: string; total: number; free: number } | null;
  nodeVersion: string;
  version: string;
  slots: { total: number; used: number };
  uptime: { host: number; process: number };
  draining: boolean;
  outboxPending: number;
}

export interface DrainResult {
  draining: boolean;
  running: number;
}

export type ExecNodeErrorKind = 'unreachable' | 'timeout' | 'unauthorized' | 'http' | 'protocol' | 'rpc';

export class ExecNodeError extends Error {
  constructor(
    readonly kind: ExecNodeErrorKind,
    message: string,
    readonly rpcCode?: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** -32001: every slot of the node is busy; route elsewhere or queue. */
export class NoSlotError extends ExecNodeError {}
/** -32002: the node is draining; route elsewhere. */
export class DrainingError extends ExecNodeError {}
/** -32004: the node does not know the run (never had it, or pruned it). */
export class RunNotFoundError extends ExecNodeError {}
/** -32602: the request does not validate; do not retry it as is. */
export class InvalidParamsError extends ExecNodeError {}

export const RPC_CODES = { noSlot: -32001, draining: -32002, runNotFound: -32004, invalidParams: -32602 } as const;

export interface ExecNodeTarget {
  /** Base URL, e.g. http://etl-01:7391 (a trailing slash is ignored). */
  address: string;
  token: string;
}

interface RpcResponse {
  jsonrpc: '2.0';
  id: number | string | null;
  result?: unknown;
  error?: { code: number; message: string };
}

/** The typed error for a JSON-RPC error answer of an exec node. */
export function rpcError(code: number, message: string): ExecNodeError {
  switch (code) {
    case RPC_CODES.noSlot:
      return new NoSlotError('rpc', message, code);
    case RPC_CODES.draining:
      return new DrainingError('rpc', message, code);
    case RPC_CODES.runNotFound:
      return new RunNotFoundError('rpc', message, code);
    case RPC_CODES.invalidParams:
      return new InvalidParamsError('rpc', message, code);
    default:
      return new ExecNodeError('rpc', message, code);
  }
}

function isRpcResponse(value: unknown, id: number): value is RpcResponse {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const body = value as Record<string, unknown>;
  if (body.jsonrpc !== '2.0') return false;
  // A request the node could not read at all is answered with id null (JSON-RPC 2.0 §5).
  if (body.id !== id && !(body.id === null && 'error' in body)) return false;
  if ('error' in body) {
    const error = body.error as Record<string, unknown> | null;
    return (
      typeof error === 'object' && error !== null && Number.isInteger(error.code) && typeof error.message === 'string'
    );
  }
  return 'result' in body;
}

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

function isHostInfo(value: unknown): value is HostInfo {
  if (typeof value !== 'object' || value === null) return false;
  const info = value as Record<string, unknown>;
  const slots = info.slots as Record<string, unknown> | undefined;
  const memory = info.memory as Record<string, unknown> | undefined;
  return (
    typeof info.nodeName === 'string' &&
    Array.isArray(info.loadavg) &&
    isNumber(memory?.total) &&
    isNumber(slots?.total) &&
    isNumber(slots?.used) &&
    typeof info.draining === 'boolean'
  );
}

function transportError(error: unknown, url: string, timeoutMs: number): ExecNodeError {
  if (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return new ExecNodeError('timeout', `the exec node at ${url} did not answer within ${timeoutMs} ms`);
  }
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const reason = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  return new ExecNodeError('unreachable', `cannot reach the exec node at ${url} (${reason})`);
}

export class ExecNodeClient {
  private nextId = 1;
  private readonly url: string;

  constructor(
    private readonly target: ExecNodeTarget,
    private readonly options: { timeoutMs?: number } = {},
  ) {
    this.url = `${target.address.replace(/\/+$/, '')}/rpc`;
  }

  async hostInfo(): Promise<HostInfo> {
    const result = await this.call('host.info');
    if (!isHostInfo(result))
      throw new ExecNodeError('protocol', `${this.url} answered host.info with an unexpected result`);
    return result;
  }

  jobRun(params: JobRunParams): Promise<RunView & { duplicate: boolean }> {
    return this.call('job.run', params) as Promise<RunView & { duplicate: boolean }>;
  }

  jobKill(params: JobKillParams): Promise<RunView & { stopping: boolean }> {
    return this.call('job.kill', params) as Promise<RunView & { stopping: boolean }>;
  }

  jobList(params: JobListParams = {}): Promise<{ runs: RunView[] }> {
    return this.call('job.list', params) as Promise<{ runs: RunView[] }>;
  }

  drain(): Promise<DrainResult> {
    return this.call('node.drain') as Promise<DrainResult>;
  }

  undrain(): Promise<DrainResult> {
    return this.call('node.undrain') as Promise<DrainResult>;
  }

  /** One JSON-RPC request; resolves with `result` or throws an ExecNodeError. */
  async call(method: string, params?: unknown): Promise<unknown> {
    const id = this.nextId++;
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    let response: Response;
    let text: string;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.target.token}` },
        body: JSON.stringify({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw transportError(error, this.url, timeoutMs);
    }
    if (response.status === 401) {
      throw new ExecNodeError('unauthorized', `the exec node at ${this.url} refused the token (HTTP 401)`);
    }
    return this.parse(response.status, text, id);
  }

  private parse(status: number, text: string, id: number): unknown {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      const kind = status >= 200 && status < 300 ? 'protocol' : 'http';
      throw new ExecNodeError(kind, `${this.url} answered HTTP ${status} with something that is not JSON-RPC`);
    }
    if (!isRpcResponse(body, id)) {
      throw new ExecNodeError(
        'protocol',
        `${this.url} answered HTTP ${status} with something that is not JSON-RPC 2.0`,
      );
    }
    if (body.error) throw rpcError(body.error.code, body.error.message);
    return body.result;
  }
}
