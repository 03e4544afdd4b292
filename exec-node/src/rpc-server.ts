import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { errorText, type Logger } from './logger.js';
import { RpcErrorCode } from './rpc-errors.js';
import type { JsonRpcDispatcher } from './rpc-protocol.js';

export interface RpcServerOptions {
  token: string;
  maxBodyBytes: number;
  health: () => Record<string, unknown>;
}

/**
 * HTTP front of the node: `POST /rpc` (bearer token, size-limited body, JSON-RPC 2.0) and
 * `GET /healthz` (no auth). A request without the right token is answered 401 before its body is read.
 */
export class RpcServer {
  private readonly server: Server;
  private readonly tokenDigest: Buffer;

  constructor(
    private readonly dispatcher: JsonRpcDispatcher,
    private readonly options: RpcServerOptions,
    private readonly logger: Logger,
  ) {
    this.tokenDigest = digest(options.token);
    this.server = createServer((request, response) => {
      this.route(request, response).catch((error) => {
        this.logger.error(`request failed: ${errorText(error)}`);
        if (!response.headersSent) sendJson(response, 500, { error: 'internal error' });
      });
    });
    this.server.keepAliveTimeout = 5000;
  }

  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
    });
  }

  private async route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/healthz' && request.method === 'GET') return sendJson(response, 200, this.options.health());
    if (path !== '/rpc') return sendJson(response, 404, { error: 'not found' });
    if (request.method !== 'POST') {
      response.setHeader('allow', 'POST');
      return sendJson(response, 405, { error: 'use POST' });
    }
    const limit = this.options.maxBodyBytes;
    if (!this.authorized(request.headers.authorization)) return refuse(request, response, 401, limit);
    const body = await readBody(request, limit);
    if (body === null) return refuse(request, response, 413, limit);
    const reply = await this.dispatcher.dispatchText(body);
    if (reply === null) {
      response.writeHead(204).end();
      return;
    }
    sendJson(response, 200, reply);
  }

  /** Compares SHA-256 digests in constant time, so neither content nor length leaks through timing. */
  private authorized(header: string | undefined): boolean {
    const match = /^Bearer (.+)$/.exec(header ?? '');
    return match !== null && timingSafeEqual(digest(match[1]), this.tokenDigest);
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Reads the body up to `limit` bytes; null when it is larger (the rest is not read). */
function readBody(request: IncomingMessage, limit: number): Promise<string | null> {
  const declared = Number(request.headers['content-length'] ?? '0');
  if (declared > limit) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.removeAllListeners('data');
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks, size).toString('utf8')));
    request.on('error', reject);
  });
}

/**
 * Answers without looking at the body. The body is read and thrown away (so the client sees the
 * answer rather than a connection reset), and the connection is closed once the limit is passed.
 */
function refuse(request: IncomingMessage, response: ServerResponse, status: 401 | 413, limit: number): void {
  let discarded = 0;
  request.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > limit) request.destroy();
  });
  if (status === 401) {
    response.setHeader('www-authenticate', 'Bearer');
    return sendJson(response, 401, { error: 'unauthorized', message: 'missing or wrong bearer token' });
  }
  response.setHeader('connection', 'close');
  sendJson(response, 413, {
    jsonrpc: '2.0',
    id: null,
    error: {
      code: RpcErrorCode.INVALID_REQUEST,
      message: `Invalid Request: body larger than ${limit} bytes`,
    },
  });
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}
