import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { ValidationException } from './app.exception.js';

function flatten(errors: ValidationError[], prefix = '', out: Record<string, string> = {}): Record<string, string> {
  for (const error of errors) {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const messages = Object.values(error.constraints ?? {});
    if (messages.length > 0 && out[field] === undefined) {
      // class-validator starts messages with the property name; keep only what is said of it.
      out[field] = messages[0].startsWith(`${error.property} `)
        ? messages[0].slice(error.property.length + 1)
        : messages[0];
    }
    if (error.children?.length) flatten(error.children, field, out);
  }
  return out;
}

/** The one global pipe: whitelist, refuse unknown fields, explicit conversion, errors named by field. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: (errors) => new ValidationException(flatten(errors)),
  });
}
