import { HttpStatus } from '@nestjs/common';

/** Codes clients can rely on, in the `code` field of every API error. */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'CSRF'
  | 'VALIDATION'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'HAS_DEPENDENTS'
  | 'CYCLE'
  | 'LOCKED'
  | 'RATE_LIMITED'
  | 'BAD_REQUEST'
  | 'UNAVAILABLE'
  | 'INTERNAL';

const STATUS: Record<ErrorCode, HttpStatus> = {
  UNAUTHENTICATED: HttpStatus.UNAUTHORIZED,
  FORBIDDEN: HttpStatus.FORBIDDEN,
  CSRF: HttpStatus.FORBIDDEN,
  VALIDATION: HttpStatus.BAD_REQUEST,
  NOT_FOUND: HttpStatus.NOT_FOUND,
  CONFLICT: HttpStatus.CONFLICT,
  HAS_DEPENDENTS: HttpStatus.CONFLICT,
  CYCLE: HttpStatus.BAD_REQUEST,
  LOCKED: HttpStatus.LOCKED,
  RATE_LIMITED: HttpStatus.TOO_MANY_REQUESTS,
  BAD_REQUEST: HttpStatus.BAD_REQUEST,
  UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
  INTERNAL: HttpStatus.INTERNAL_SERVER_ERROR,
};

/** A domain error: a stable code, a message for people, and optional structured details. */
export class AppException extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  get status(): HttpStatus {
    return STATUS[this.code];
  }
}

/** Field-level validation errors: details is `{ field: message }`. */
export class ValidationException extends AppException {
  constructor(readonly fields: Record<string, string>) {
    const first = Object.entries(fields)[0];
    super('VALIDATION', first ? `${first[0]}: ${first[1]}` : 'invalid input', { fields });
  }
}

export const notFound = (what: string) => new AppException('NOT_FOUND', `${what} not found`);
