import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedCall {
  method: string;
  params: Record<string, unknown>;
  /** Which HTTP request (1-based, counting every request) carried the call. */
  request: number;
  /** Date.now() when that request arrived. */
  receivedAt: number;
}

export interface PortalDoubleOptions {
  token: string;
  /** The first N HTTP requests are answered 503 (to exercise retries). */
  failFirst?: number;
  /** Called for every received call (after recording it). */
  onCall?: (call: ReceivedCall) => void;
  /** Return a JSON-RPC error for a call instead of a result. */
  errorFor?: (call: ReceivedCall) => { code: number; message: string } | undefined;
}

/** The portal's `/rpc/node` endpoint as a small JSON-RPC 2.0 server that records what it receives. */
export class PortalDouble {
  readonly calls: ReceivedCall[] = [];
  requests = 0;
  unauthorized = 0;
  /** While true every request is answered 503, as a portal that is down or restarting. */
  failAll = false;
  private server: Server | null = null;
  port = 0;

  constructor(private readonly options: PortalDoubleOptions) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(port = 0): Promise<this> {
    this.server = createServer((request, response) => {
      void this.handle(request).then(({ status, body }) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(body === null ? undefined : JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server === null) return;
    this.server = null;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Events of one method, deduplicated by (runId, attempt, seq) as the real portal does. */
  unique(method: string): Record<string, unknown>[] {
    const seen = new Map<string, Record<string, unknown>>();
    for (const call of this.calls) {
      if (call.method !== method) continue;
      const key = `${String(call.params.runId)}|${String(call.params.attempt)}|${String(call.params.seq)}`;
      if (!seen.has(key)) seen.set(key, call.params);
    }
    return [...seen.values()];
  }

  of(method: string, runId?: string): Record<string, unknown>[] {
    return this.calls
      .filter((call) => call.method === method && (runId === undefined || call.params.runId === runId))
      .map((call) => call.params);
  }

  private async handle(request: IncomingMessage): Promise<{ status: number; body: unknown }> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const receivedAt = Date.now();
    this.requests += 1;
    if (request.headers.authorization !== `Bearer ${this.options.token}`) {
      this.unauthorized += 1;
      return { status: 401, body: { error: 'unauthorized' } };
    }
    if (this.failAll || this.requests <= (this.options.failFirst ?? 0))
      return { status: 503, body: { error: 'starting' } };
    const payload = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
    const items = (Array.isArray(payload) ? payload : [payload]) as {
      id: number;
      method: string;
      params: Record<string, unknown>;
    }[];
    const responses = items.map((item) => {
      const call = { method: item.method, params: item.params, request: this.requests, receivedAt };
      this.calls.push(call);
      this.options.onCall?.(call);
      const error = this.options.errorFor?.(call);
      return error === undefined
        ? { jsonrpc: '2.0', id: item.id, result: { ok: true } }
        : { jsonrpc: '2.0', id: item.id, error };
    });
    return { status: 200, body: Array.isArray(payload) ? responses : responses[0] };
  }
}
