import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { UsersService, toPrincipal } from '../../modules/users/users.service.js';
import { AppException } from '../http/app.exception.js';
import { isApiRequest } from '../http/is-api.js';
import { pickLanguage, translate } from '../i18n/i18n.js';
import { PERMISSION_KEY, PUBLIC_KEY } from './decorators.js';
import { can, type Permission, type Principal } from './permissions.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Gives the session a CSRF token (login page, and after login); never creates sessions elsewhere. */
export function ensureCsrfToken(request: Request): string {
  request.session.csrfToken ??= randomBytes(24).toString('base64url');
  return request.session.csrfToken;
}

function sameToken(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * The global guard: identifies the caller (session cookie, or a bearer token on /api), enforces
 * login, CSRF on state-changing session requests, and the route's permission. It also puts what
 * every page needs (user, language, CSRF token, translator) into res.locals.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly users: UsersService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<Request>();
    const response = context.switchToHttp().getResponse<Response>();
    const targets = [context.getHandler(), context.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets) ?? false;
    const principal = await this.identify(request);
    if (principal) request.principal = principal;
    this.exposeToViews(request, response, principal);
    if (!isPublic && !principal) throw new AppException('UNAUTHENTICATED', 'login required');
    // Ambient authority comes only with a session cookie, so that is what CSRF protects; callers
    // with their own credentials (bearer tokens, exec-node RPC) carry no session.
    const hasSession = request.session?.csrfToken !== undefined || request.session?.userId !== undefined;
    if (principal?.via !== 'token' && hasSession && !SAFE_METHODS.has(request.method)) this.checkCsrf(request);
    const permission = this.reflector.getAllAndOverride<Permission | undefined>(PERMISSION_KEY, targets);
    if (permission && !can(principal, permission)) {
      throw new AppException('FORBIDDEN', `your role lacks the "${permission}" permission`);
    }
    return true;
  }

  private async identify(request: Request): Promise<Principal | undefined> {
    const header = request.headers.authorization;
    if (header !== undefined && isApiRequest(request)) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      const user = match ? await this.users.authenticateToken(match[1]) : null;
      if (!user) throw new AppException('UNAUTHENTICATED', 'invalid or revoked API token');
      return toPrincipal(user, 'token');
    }
    const userId = request.session?.userId;
    if (userId === undefined) return undefined;
    const user = await this.users.findById(userId);
    if (!user || !user.enabled) {
      delete request.session.userId;
      return undefined;
    }
    return toPrincipal(user, 'session');
  }

  private checkCsrf(request: Request): void {
    const expected = request.session?.csrfToken;
    const body = request.body as Record<string, unknown> | undefined;
    const given = request.get('x-csrf-token') ?? (typeof body?._csrf === 'string' ? body._csrf : undefined);
    if (!expected || !given || !sameToken(expected, given)) {
      throw new AppException('CSRF', 'missing or invalid CSRF token; reload the page and try again');
    }
    if (body && '_csrf' in body) delete body._csrf;
  }

  private exposeToViews(request: Request, response: Response, principal: Principal | undefined): void {
    const lang = pickLanguage(principal?.language, request.get('accept-language'));
    response.locals.lang = lang;
    response.locals.t = (key: string) => translate(lang, key);
    response.locals.csrfToken = request.session?.csrfToken ?? '';
    response.locals.user = principal;
    response.locals.can = Object.fromEntries(
      ['write', 'execute', 'schedule', 'admin'].map((p) => [p, can(principal, p as Permission)]),
    );
    response.locals.path = request.path;
  }
}
