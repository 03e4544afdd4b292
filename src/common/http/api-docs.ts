import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { UsersService } from '../../modules/users/users.service.js';
import { PROJECT_ROOT } from '../paths.js';

/**
 * The OpenAPI document at /api/docs/openapi.json and Swagger UI at /api/docs, both behind login:
 * Swagger registers plain Express routes that bypass Nest's guard, so a middleware checks first.
 */
export function setupApiDocs(app: NestExpressApplication): void {
  const { version } = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string };
  const config = new DocumentBuilder()
    .setTitle('Meshcron API')
    .setDescription(
      'Every call needs a session cookie (with X-CSRF-Token for writes) or `Authorization: Bearer <API token>`.',
    )
    .setVersion(version)
    .addBearerAuth()
    .build();
  const users = app.get(UsersService);
  app.use('/api/docs', (request: Request, response: Response, next: NextFunction) => {
    const userId = request.session?.userId;
    const deny = () => response.status(401).json({ code: 'UNAUTHENTICATED', message: 'login required' });
    if (userId === undefined) return deny();
    users.findById(userId).then((user) => (user?.enabled ? next() : deny()), next);
  });
  const document = SwaggerModule.createDocument(app, config);
  // Page routes render HTML; only the JSON API belongs in the document.
  document.paths = Object.fromEntries(Object.entries(document.paths).filter(([path]) => path.startsWith('/api/')));
  SwaggerModule.setup('api/docs', app, document, {
    jsonDocumentUrl: 'api/docs/openapi.json',
    yamlDocumentUrl: 'api/docs/openapi.yaml',
  });
}
