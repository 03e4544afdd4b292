import {
  Injectable,
  SetMetadata,
  UseGuards,
  applyDecorators,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AccessService, type AccessAction } from './access.service.js';

export type OwnedKind = 'interface' | 'job' | 'dispatch' | 'execution' | 'run' | 'backfill';

interface OwnedMeta {
  kind: OwnedKind;
  param: string;
}

const OWNED_KEY = 'meshcron:owned-by';
const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Checks the route's `:id` (or `param`) against the caller's access before the handler runs:
 * reads (GET) need "view", everything else "act". Not visible → 404, as if it did not exist.
 * Put it on a controller class, or on a handler to override the class's kind or param.
 */
export const OwnedBy = (kind: OwnedKind, param = 'id') =>
  applyDecorators(SetMetadata(OWNED_KEY, { kind, param } satisfies OwnedMeta), UseGuards(OwnershipGuard));

@Injectable()
export class OwnershipGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly access: AccessService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const meta = this.reflector.getAllAndOverride<OwnedMeta | undefined>(OWNED_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    const request = context.switchToHttp().getRequest<Request>();
    const raw = meta ? request.params[meta.param] : undefined;
    if (!meta || !request.principal || typeof raw !== 'string' || !/^\d{1,10}$/.test(raw)) return true;
    const action: AccessAction = READS.has(request.method) ? 'view' : 'act';
    const id = Number(raw);
    const user = request.principal;
    switch (meta.kind) {
      case 'interface':
        await this.access.assertInterface(user, id, action);
        break;
      case 'job':
        await this.access.assertJob(user, id, action);
        break;
      case 'dispatch':
        await this.access.assertDispatch(user, id, action);
        break;
      case 'execution':
        await this.access.assertExecution(user, id, action);
        break;
      case 'run':
        await this.access.assertRun(user, id, action);
        break;
      case 'backfill':
        await this.access.assertBackfill(user, id, action);
        break;
    }
    return true;
  }
}
