import 'reflect-metadata';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Logger, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { getRepositoryToken } from '@nestjs/typeorm';
import type { NextFunction, Request, Response } from 'express';
import session from 'express-session';
import type { Repository } from 'typeorm';
import { AppModule } from './app.module.js';
import { setupApiDocs } from './common/http/api-docs.js';
import { PUBLIC_DIR, VIEWS_DIR } from './common/paths.js';
import { registerPartials, registerViewHelpers } from './common/view/view-helpers.js';
import type { AppConfig } from './config/app-config.js';
import { AuthService } from './modules/auth/auth.service.js';
import { SessionEntity } from './modules/auth/session.entity.js';
import { DatabaseSessionStore } from './modules/auth/session.store.js';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

export const SESSION_COOKIE = 'meshcron.sid';

function securityHeaders(_request: Request, response: Response, next: NextFunction): void {
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('X-Frame-Options', 'DENY');
  response.setHeader('Referrer-Policy', 'same-origin');
  // layui compiles its templates with new Function, hence 'unsafe-eval'; inline scripts stay blocked.
  response.setHeader(
    'Content-Security-Policy',
    "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
      "font-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
  );
  next();
}

/** Builds the portal application (not yet listening): used by main.ts and by the tests. */
export async function createPortal(config: AppConfig): Promise<NestExpressApplication> {
  const level = config.values.log.level;
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    logger: LEVELS.slice(0, LEVELS.indexOf(level) + 1),
  });
  app.disable('x-powered-by');
  if (config.values.server.trustProxy) app.set('trust proxy', true);
  app.use(securityHeaders);
  app.useStaticAssets(PUBLIC_DIR, { prefix: '/public/', maxAge: '1h' });
  app.useStaticAssets(join(packageDir('layui-src'), 'dist'), { prefix: '/vendor/layui/', maxAge: '7d' });
  app.useStaticAssets(join(packageDir('echarts'), 'dist'), { prefix: '/vendor/echarts/', maxAge: '7d' });
  app.setBaseViewsDir(VIEWS_DIR);
  app.setViewEngine('hbs');
  registerPartials(join(VIEWS_DIR, 'partials'));
  registerViewHelpers();
  app.set('view options', { layout: 'layouts/main' });

  const lifetimeMs = config.values.auth.sessionHours * 3600_000;
  const store = new DatabaseSessionStore(
    app.get<Repository<SessionEntity>>(getRepositoryToken(SessionEntity)),
    lifetimeMs,
  );
  app.use(
    session({
      name: SESSION_COOKIE,
      secret: await app.get(AuthService).sessionSecret(),
      store,
      resave: false,
      saveUninitialized: false,
      rolling: true,
      cookie: {
        httpOnly: true,
        sameSite: 'lax',
        secure: config.baseUrl.startsWith('https://'),
        maxAge: lifetimeMs,
      },
    }),
  );
  setupApiDocs(app);
  app.enableShutdownHooks();
  new Logger('Portal').debug(`views ${VIEWS_DIR}`);
  return app;
}
