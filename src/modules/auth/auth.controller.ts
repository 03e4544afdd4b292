import { Body, Controller, Get, Post, Query, Render, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ensureCsrfToken } from '../../common/auth/auth.guard.js';
import { Public } from '../../common/auth/decorators.js';
import { AppException } from '../../common/http/app.exception.js';
import { AuditService } from '../audit/audit.service.js';
import { AuthService } from './auth.service.js';

/** Only same-site paths may be a post-login target (no open redirect). */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])/.test(next) && !next.startsWith('/login') ? next : '/';
}

const regenerate = (request: Request) =>
  new Promise<void>((resolve, reject) =>
    request.session.regenerate((error: Error | undefined) => (error ? reject(error) : resolve())),
  );
const destroy = (request: Request) => new Promise<void>((resolve) => request.session.destroy(() => resolve()));

@Controller()
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly audit: AuditService,
  ) {}

  @Public()
  @Get('login')
  @Render('auth/login')
  loginPage(@Req() request: Request, @Query('next') next?: string) {
    return { layout: 'layouts/bare', csrfToken: ensureCsrfToken(request), next: safeNext(next), title: 'login.title' };
  }

  @Public()
  @Post('login')
  async login(
    @Req() request: Request,
    @Res() response: Response,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    // The guard has already matched the token when the session carries one; a session without
    // one (a forged cross-site login) is refused here.
    if (!request.session.csrfToken) throw new AppException('CSRF', 'missing CSRF token; reload the login page');
    const username = typeof body.username === 'string' ? body.username.trim() : '';
    const password = typeof body.password === 'string' ? body.password : '';
    const next = safeNext(body.next);
    const result = await this.auth.login(username, password, request.ip ?? '');
    if (!result.ok) {
      const message = {
        failed: 'login.failed',
        locked: 'login.locked',
        throttled: 'login.locked',
        disabled: 'login.disabled',
      }[result.reason];
      response.status(result.reason === 'throttled' ? 429 : 401).render('auth/login', {
        layout: 'layouts/bare',
        csrfToken: ensureCsrfToken(request),
        next,
        username,
        error: message,
        title: 'login.title',
      });
      return;
    }
    // A fresh session id on login prevents session fixation.
    await regenerate(request);
    request.session.userId = result.user.id;
    request.session.loginAt = Date.now();
    ensureCsrfToken(request);
    response.redirect(303, next);
  }

  @Post('logout')
  async logout(@Req() request: Request, @Res() response: Response): Promise<void> {
    if (request.principal) await this.audit.record({ actor: request.principal, action: 'logout', ip: request.ip });
    await destroy(request);
    response.clearCookie('meshcron.sid');
    response.redirect(303, '/login');
  }
}
