import { Agent, request } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { ExecNodeError, rpcError, type ExecNodeTarget, type JobRunParams } from './exec-node.client.js';

const TIMEOUT_MS = 30_000;

/**
 * Idle keep-alive sockets are closed after this long, or one second before the node's announced
 * `Keep-Alive: timeout=` (5 s for exec nodes), whichever is sooner. Node's agent honours that hint
 * only when it has a timeout of its own; without one an idle socket was reused just as the node
 * closed it, and the whole batch failed with ECONNRESET.
 */
const IDLE_SOCKET_MS = 30_000;

/**
 * Many `job.run` calls in one JSON-RPC 2.0 batch (one HTTP exchange instead of one per run, on
 * both sides), over node:http with keep-alive. Each element resolves to the node's result or to the
 * same ExecNodeError subclasses the portal's ExecNodeClient uses, so callers classify them alike.
 */
export class JobRunBatchClient {
  private readonly url: URL;
  private readonly agent: Agent;

  constructor(private readonly target: ExecNodeTarget) {
    this.url = new URL(`${target.address.replace(/\/+$/, '')}/rpc`);
    const options = { keepAlive: true, timeout: IDLE_SOCKET_MS };
    this.agent = this.url.protocol === 'https:' ? new HttpsAgent(options) : new Agent(options);
  }

  /** One entry per call: the node's result, or an ExecNodeError. */
  async jobRuns(calls: readonly JobRunParams[]): Promise<unknown[]> {
    const body = JSON.stringify(
      calls.map((params, index) => ({ jsonrpc: '2.0', id: index + 1, method: 'job.run', params })),
    );
    let answer: { status: number; text: string };
    try {
      answer = await this.post(body);
    } catch (error) {
      const failure = error instanceof ExecNodeError ? error : new ExecNodeError('unreachable', String(error));
      return calls.map(() => failure);
    }
    if (answer.status === 401) {
      return calls.map(
        () => new ExecNodeError('unauthorized', `the exec node at ${this.url.href} refused the token (HTTP 401)`),
      );
    }
    return this.parse(answer, calls.length);
  }

  close(): void {
    this.agent.destroy();
  }

  private parse(answer: { status: number; text: string }, count: number): unknown[] {
    let items: unknown;
    try {
      items = JSON.parse(answer.text);
    } catch {
      items = null;
    }
    if (!Array.isArray(items)) {
      const failure = new ExecNodeError(
        'protocol',
        `${this.url.href} answered HTTP ${answer.status} without a batch response`,
      );
      return Array.from({ length: count }, () => failure);
    }
    const byId = new Map<number, { result?: unknown; error?: { code: number; message: string } }>();
    for (const item of items as { id?: unknown; result?: unknown; error?: { code: number; message: string } }[]) {
      if (typeof item?.id === 'number') byId.set(item.id, item);
    }
    return Array.from({ length: count }, (_, index) => {
      const item = byId.get(index + 1);
      if (!item) return new ExecNodeError('protocol', `${this.url.href} gave no answer for element ${index + 1}`);
      if (item.error) return rpcError(item.error.code, item.error.message);
      return item.result;
    });
  }

  /**
   * One POST. A request that fails with a reset on a reused keep-alive socket (the node closed it
   * while it sat idle) is sent once more on a fresh connection: safe, the node treats a repeated
   * `job.run` (same run and attempt) as a duplicate.
   */
  private async post(body: string): Promise<{ status: number; text: string }> {
    const payload = Buffer.from(body);
    try {
      return await this.postOnce(payload);
    } catch (error) {
      if (!(error instanceof StaleSocketError)) throw error;
      return this.postOnce(payload);
    }
  }

  private postOnce(payload: Buffer): Promise<{ status: number; text: string }> {
    const send = this.url.protocol === 'https:' ? httpsRequest : request;
    return new Promise((resolve, reject) => {
      const req = send(this.url, {
        method: 'POST',
        agent: this.agent,
        timeout: TIMEOUT_MS,
        headers: {
          'content-type': 'application/json',
          'content-length': payload.length,
          authorization: `Bearer ${this.target.token}`,
        },
      });
      req.on('timeout', () =>
        req.destroy(
          new ExecNodeError('timeout', `the exec node at ${this.url.href} did not answer within ${TIMEOUT_MS} ms`),
        ),
      );
      req.on('error', (error: NodeJS.ErrnoException) => {
        if (error instanceof ExecNodeError) return reject(error);
        const message = `cannot reach the exec node at ${this.url.href} (${error.code ?? error.message})`;
        const stale = req.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE');
        reject(stale ? new StaleSocketError('unreachable', message) : new ExecNodeError('unreachable', message));
      });
      req.on('response', (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', reject);
      });
      req.end(payload);
    });
  }
}

/** A reset on a reused keep-alive socket: most likely closed by the node while idle; a resend is safe either way. */
class StaleSocketError extends ExecNodeError {}
