import { Agent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** A JSON-RPC 2.0 request the node sends to the portal. */
export interface PortalRequest {
  jsonrpc: '2.0';
  id: number;
  method: string;
  params: unknown;
}

export interface PortalResponse {
  id: number;
  ok: boolean;
  error?: { code: number; message: string };
}

/** Network, HTTP status or protocol failure: the whole request is retried later. */
export class PortalTransportError extends Error {}

/** A reset on a reused keep-alive socket: most likely closed by the portal while idle. */
class StaleSocketError extends PortalTransportError {}

const REQUEST_TIMEOUT_MS = 15_000;

/**
 * Idle keep-alive sockets close after this long, or one second before the portal's announced
 * `Keep-Alive: timeout=` (5 s by default), whichever is sooner: node's agent honours the hint only
 * when it has a timeout of its own, and a socket reused just as the portal closed it fails.
 */
const IDLE_SOCKET_MS = 30_000;

/**
 * Sends JSON-RPC 2.0 batches to `<portalUrl>/rpc/node` with the portal bearer token. Plain node:http
 * rather than fetch: loading undici adds ~15 MB of RSS, and every MB of RSS makes each fork() of a job
 * slower.
 */
export class PortalClient {
  private readonly url: URL;
  private readonly agent: Agent;

  constructor(
    portalUrl: string,
    private readonly token: string,
  ) {
    this.url = new URL(`${portalUrl}/rpc/node`);
    const options = { keepAlive: true, maxSockets: 2, timeout: IDLE_SOCKET_MS };
    this.agent = this.url.protocol === 'https:' ? new HttpsAgent(options) : new Agent(options);
  }

  /** Sends the requests as one batch; returns one entry per request id the portal answered. */
  send(requests: PortalRequest[], signal?: AbortSignal): Promise<Map<number, PortalResponse>> {
    return this.sendBody(JSON.stringify(requests), signal);
  }

  /** Sends an already serialised JSON-RPC batch (the outbox keeps params as JSON text). */
  async sendBody(body: string, signal?: AbortSignal): Promise<Map<number, PortalResponse>> {
    const { status, text } = await this.post(body, signal);
    if (status < 200 || status > 299) throw new PortalTransportError(`portal answered HTTP ${status}`);
    return parseResponses(text);
  }

  close(): void {
    this.agent.destroy();
  }

  /**
   * One POST; a reset on a reused keep-alive socket (closed by the portal while idle) is sent once
   * more on a fresh connection. Safe: the portal drops events it already has (run, attempt, seq).
   */
  private async post(body: string, signal?: AbortSignal): Promise<{ status: number; text: string }> {
    const payload = Buffer.from(body, 'utf8');
    try {
      return await this.postOnce(payload, signal);
    } catch (error) {
      if (!(error instanceof StaleSocketError)) throw error;
      return this.postOnce(payload, signal);
    }
  }

  private postOnce(payload: Buffer, signal?: AbortSignal): Promise<{ status: number; text: string }> {
    const send = this.url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const fail = (error: NodeJS.ErrnoException): void => {
        const message = `portal unreachable: ${describeError(error)}`;
        const stale = request.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE');
        reject(stale ? new StaleSocketError(message) : new PortalTransportError(message));
      };
      const request = send(this.url, {
        method: 'POST',
        agent: this.agent,
        timeout: REQUEST_TIMEOUT_MS,
        signal,
        headers: {
          'content-type': 'application/json',
          'content-length': payload.length,
          authorization: `Bearer ${this.token}`,
        },
      });
      request.on('timeout', () => request.destroy(new Error('timeout')));
      request.on('error', fail);
      request.on('response', (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', fail);
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
      });
      request.end(payload);
    });
  }
}

function parseResponses(text: string): Map<number, PortalResponse> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new PortalTransportError('portal answered with invalid JSON');
  }
  const items = Array.isArray(body) ? body : [body];
  const responses = new Map<number, PortalResponse>();
  for (const item of items) {
    if (typeof item !== 'object' || item === null) continue;
    const { id, result, error } = item as { id?: unknown; result?: unknown; error?: unknown };
    if (typeof id !== 'number') continue;
    if (error !== undefined) responses.set(id, { id, ok: false, error: normaliseError(error) });
    else if (result !== undefined) responses.set(id, { id, ok: true });
  }
  return responses;
}

function normaliseError(error: unknown): { code: number; message: string } {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return {
    code: typeof code === 'number' ? code : 0,
    message: typeof message === 'string' ? message : 'error',
  };
}

function describeError(error: Error): string {
  return (error as NodeJS.ErrnoException).code ?? error.message;
}
