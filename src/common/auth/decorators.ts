import { SetMetadata, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { Permission, Principal } from './permissions.js';

export const PUBLIC_KEY = 'meshcron:public';
export const PERMISSION_KEY = 'meshcron:permission';

/** The route needs no login (login page, health). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** The route needs this permission on top of a login. */
export const RequirePermission = (permission: Permission) => SetMetadata(PERMISSION_KEY, permission);

/** The authenticated user of the request. */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const request = context.switchToHttp().getRequest<Request>();
  if (!request.principal) throw new Error('CurrentUser used on a public route');
  return request.principal;
});
