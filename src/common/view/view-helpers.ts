import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import hbs from 'hbs';
import { translate, type Language } from '../i18n/i18n.js';

type HelperOptions = {
  data?: { root?: { lang?: Language } };
  hash?: Record<string, unknown>;
  fn?: (ctx: unknown) => string;
  inverse?: (ctx: unknown) => string;
};

/** JSON for a <script type="application/json"> block: `<`, `>` and `&` can never close the tag. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value ?? null)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export function formatTime(value: unknown): string {
  if (value === null || value === undefined || value === '') return '';
  const date = value instanceof Date ? value : new Date(value as string | number);
  if (Number.isNaN(date.getTime())) return '';
  return date.toISOString().replace('T', ' ').slice(0, 19) + 'Z';
}

/** Registers the handlebars helpers every view may use. All output stays HTML-escaped except jsonScript. */
export function registerViewHelpers(): void {
  hbs.registerHelper('t', (key: string, options: HelperOptions) => translate(options.data?.root?.lang ?? 'en', key));
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b || String(a) === String(b));
  hbs.registerHelper('not', (a: unknown) => !a);
  hbs.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).map(String).join(''));
  hbs.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).some(Boolean));
  hbs.registerHelper('and', (...args: unknown[]) => args.slice(0, -1).every(Boolean));
  hbs.registerHelper('time', (value: unknown) => formatTime(value));
  hbs.registerHelper('jsonScript', (value: unknown) => new hbs.handlebars.SafeString(jsonForScript(value)));
  hbs.registerHelper(
    'startsWith',
    (value: unknown, prefix: string) => typeof value === 'string' && value.startsWith(prefix),
  );
  hbs.registerHelper(
    'fieldError',
    (errors: Record<string, string> | undefined, field: string) => errors?.[field] ?? '',
  );
}

/** Registers views/partials/*.hbs synchronously (hbs.registerPartials is async and renames dashes). */
export function registerPartials(dir: string): void {
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.hbs'))) {
    hbs.registerPartial(basename(file, '.hbs'), readFileSync(join(dir, file), 'utf8'));
  }
}
