import { Controller, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Public } from '../../common/auth/decorators.js';
import { AppException } from '../../common/http/app.exception.js';
import { NodeRpcService } from './node-rpc.service.js';

/**
 * POST /rpc/node: JSON-RPC 2.0 callbacks from exec nodes (docs/exec-node.md §2). No user login:
 * the node's bearer token was checked by NodeRpcGate before the request got here.
 */
@Controller('rpc')
export class NodeRpcController {
  constructor(private readonly rpc: NodeRpcService) {}

  @Public()
  @Post('node')
  async receive(@Req() request: Request, @Res() response: Response): Promise<void> {
    const caller = request.nodeCaller;
    if (!caller) throw new AppException('UNAUTHENTICATED', 'exec node token required');
    const body = await this.rpc.handle(request.body, caller);
    if (body === null) response.status(204).end();
    else response.status(200).json(body);
  }
}
