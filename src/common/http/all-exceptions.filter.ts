import { Catch, HttpException, HttpStatus, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppException, type ErrorCode } from './app.exception.js';
import { isApiRequest } from './is-api.js';

interface ErrorBody {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

const CODE_BY_STATUS: Partial<Record<number, ErrorCode>> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'BAD_REQUEST',
  429: 'RATE_LIMITED',
};

function fromHttpException(exception: HttpException): ErrorBody {
  const status = exception.getStatus();
  const response = exception.getResponse();
  let message = exception.message;
  if (typeof response === 'object' && response !== null && 'message' in response) {
    const raw = response.message;
    message = Array.isArray(raw) ? raw.join('; ') : String(raw);
  }
  return { code: CODE_BY_STATUS[status] ?? (status >= 500 ? 'INTERNAL' : 'BAD_REQUEST'), message };
}

/** One filter for everything: `{code, message, details}` JSON for the API, an error page for pages. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger(AllExceptionsFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const context = host.switchToHttp();
    const request = context.getRequest<Request>();
    const response = context.getResponse<Response>();
    const { status, body } = this.describe(exception, request);
    if (response.headersSent) return;
    if (isApiRequest(request)) {
      response.status(status).json(body);
    } else if (body.code === 'UNAUTHENTICATED') {
      const next = request.method === 'GET' ? `?next=${encodeURIComponent(request.originalUrl)}` : '';
      response.redirect(302, `/login${next}`);
    } else {
      response.status(status).render('error', { title: String(status), status, error: body });
    }
  }

  private describe(exception: unknown, request: Request): { status: number; body: ErrorBody } {
    if (exception instanceof AppException) {
      const body: ErrorBody = { code: exception.code, message: exception.message };
      if (exception.details !== undefined) body.details = exception.details;
      return { status: exception.status, body };
    }
    if (exception instanceof HttpException) {
      return { status: exception.getStatus(), body: fromHttpException(exception) };
    }
    // Body-parser errors carry a status; anything else is a bug: log it, never show the stack.
    const withStatus = exception as { status?: number; type?: string; message?: string };
    if (typeof withStatus.status === 'number' && withStatus.status >= 400 && withStatus.status < 500) {
      return { status: withStatus.status, body: { code: 'BAD_REQUEST', message: withStatus.message ?? 'bad request' } };
    }
    this.logger.error(`${request.method} ${request.path} failed`, (exception as Error)?.stack ?? String(exception));
    return {
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      body: { code: 'INTERNAL', message: 'internal error; see the portal log' },
    };
  }
}
