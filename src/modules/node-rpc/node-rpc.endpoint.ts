import { Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Express, NextFunction, Request, Response } from 'express';
import { HostRegistryService } from '../execution/host-registry.service.js';

/** Largest callback body accepted (the node sends batches of up to 1 MiB, log lines up to 64 KiB each). */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

import { UNPARSABLE } from './node-caller.js';

/**
 * Runs before everything else on POST /rpc/node (registered while the application is built, ahead
 * of the global body parser and the login guard): authenticates the exec node by its bearer token
 * (a host's own token or exec.token, 401 otherwise), takes the token off the request so the
 * user-token check never sees it, and reads the body with a limit fit for callback batches.
 */
@Injectable()
export class NodeRpcGate {
  private readonly logger = new Logger(NodeRpcGate.name);

  constructor(
    adapterHost: HttpAdapterHost,
    private readonly hosts: HostRegistryService,
  ) {
    const app = adapterHost.httpAdapter.getInstance<Express>();
    app.use('/rpc/node', (request: Request, response: Response, next: NextFunction) => {
      this.handle(request, response, next).catch((error: unknown) => next(error));
    });
  }

  private async handle(request: Request, response: Response, next: NextFunction): Promise<void> {
    if (request.method !== 'POST') return next();
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    const caller = match ? await this.hosts.authenticate(match[1]) : null;
    if (!caller) {
      response.status(401).json({ code: 'UNAUTHENTICATED', message: 'exec node token required' });
      return;
    }
    delete request.headers.authorization;
    const text = await this.readBody(request);
    if (text === null) {
      response.status(413).json({
        jsonrpc: '2.0',
        id: null,
        error: { code: -32600, message: `Invalid Request: body larger than ${MAX_BODY_BYTES} bytes` },
      });
      return;
    }
    try {
      request.body = JSON.parse(text) as unknown;
    } catch {
      request.body = UNPARSABLE;
    }
    request.nodeCaller = caller;
    next();
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
