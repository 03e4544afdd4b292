import { Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Express, NextFunction, Request, Response } from 'express';
import { HostRegistryService } from '../execution/host-registry.service.js';
import { UNPARSABLE } from './node-caller.js';
import { NodeRpcService } from './node-rpc.service.js';

/** Largest callback body accepted (the node sends batches of up to 1 MiB, log lines up to 64 KiB each). */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

/**
 * POST /rpc/node: JSON-RPC 2.0 callbacks from exec nodes (docs/exec-node.md §2), answered here,
 * ahead of everything else registered on the application. Exec nodes are machines with a bearer
 * token (a host's own token or exec.token, 401 otherwise), not users: sessions, CSRF, the user
 * guards, static files and the router have nothing to do with them, and skipping them keeps the
 * busiest endpoint of the portal cheap (each job costs one or two of these requests).
 */
@Injectable()
export class NodeRpcEndpoint {
  private readonly logger = new Logger(NodeRpcEndpoint.name);

  constructor(
    adapterHost: HttpAdapterHost,
    private readonly hosts: HostRegistryService,
    private readonly rpc: NodeRpcService,
  ) {
    const app = adapterHost.httpAdapter.getInstance<Express>();
    app.use('/rpc/node', (request: Request, response: Response, next: NextFunction) => {
      if (request.method !== 'POST') return next();
      this.handle(request, response).catch((error: unknown) => this.fail(response, error));
    });
  }

  private async handle(request: Request, response: Response): Promise<void> {
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    const caller = match ? await this.hosts.authenticate(match[1]) : null;
    if (!caller) {
      request.resume();
      return send(response, 401, { code: 'UNAUTHENTICATED', message: 'exec node token required' });
    }
    const text = await this.readBody(request);
    if (text === null) {
      return send(response, 413, {
        jsonrpc: '2.0',
        id: null,
        error: { code: -32600, message: `Invalid Request: body larger than ${MAX_BODY_BYTES} bytes` },
      });
    }
    let body: unknown;
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      body = UNPARSABLE;
    }
    const answer = await this.rpc.handle(body, caller);
    if (answer === null) {
      response.writeHead(204);
      response.end();
    } else send(response, 200, answer);
  }

  /** Anything unexpected: HTTP 500, so the node keeps its events and sends them again later. */
  private fail(response: Response, error: unknown): void {
    this.logger.error(`callback failed: ${(error as Error).message}`, (error as Error).stack);
    if (response.headersSent) response.destroy();
    else send(response, 500, { code: 'INTERNAL', message: 'internal error' });
  }

  private readBody(request: Request): Promise<string | null> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let tooLarge = false;
      request.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) tooLarge = true;
        else chunks.push(chunk);
      });
      request.on('end', () => resolve(tooLarge ? null : Buffer.concat(chunks).toString('utf8')));
      request.on('error', (error) => {
        this.logger.warn(`callback body not read: ${error.message}`);
        reject(error);
      });
    });
  }
}

function send(response: Response, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  response.end(text);
}
