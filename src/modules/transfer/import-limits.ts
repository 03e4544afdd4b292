import { PayloadTooLargeException } from '@nestjs/common';
import type { HttpServer } from '@nestjs/common';
import express, { type NextFunction, type Request, type Response } from 'express';

/** The largest import accepted, as a JSON body or an uploaded file. */
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;
export const MAX_IMPORT_MB = MAX_IMPORT_BYTES / 1024 / 1024;

export const tooLarge = (what: string) =>
  new PayloadTooLargeException(`${what} is larger than the ${MAX_IMPORT_MB} MB import limit`);

const isTooLarge = (error: unknown) => (error as { type?: string } | undefined)?.type === 'entity.too.large';

/**
 * Gives `POST /api/transfer/import` (and only it) a JSON body limit of 20 MB; every other route
 * keeps Nest's default. It has to run before Nest's own parser, which Nest adds at init, so it is
 * registered while the application is being created. Its name must not be "jsonParser": Nest
 * skips adding its own parser when it finds a middleware of that name.
 */
export function installImportBodyParser(server: HttpServer): void {
  const parse = express.json({ limit: MAX_IMPORT_BYTES });
  function transferImportBody(request: Request, response: Response, next: NextFunction): void {
    if (request.method !== 'POST' || (request.path !== '/' && request.path !== '')) {
      next();
      return;
    }
    parse(request, response, (error?: unknown) => next(isTooLarge(error) ? tooLarge('the import') : error));
  }
  server.use('/api/transfer/import', transferImportBody);
}
