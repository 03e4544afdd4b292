import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isField, type Field, type Section } from './schema.js';

/** A configuration problem, reported as one line naming the key. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export interface LoadOptions {
  env: Record<string, string | undefined>;
  /** Top-level sections this process does not own (left to other processes). */
  foreignSections?: string[];
  /** Env names that map straight to a config path, e.g. PORT → server.port. */
  shortcuts?: Record<string, string>;
  /** Used when env SUPERCONF is not set. */
  defaultPath?: string;
}

export interface Loaded<T> {
  config: T;
  path: string | null;
  foreign: Record<string, unknown>;
}

const ENV_PREFIX = 'SC__';

/** `server.port` → `SC__SERVER__PORT`. */
export function envName(path: string): string {
  return ENV_PREFIX + path.split('.').join('__').toUpperCase();
}

function describe(field: Field): string {
  switch (field.kind) {
    case 'int':
      return `an integer from ${field.min} to ${field.max}`;
    case 'bool':
      return 'true or false';
    case 'enum':
      return `one of ${field.values.join(', ')}`;
    case 'string':
      return field.patternDoc ?? 'a string';
    case 'secret':
      return 'a secret';
  }
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function fail(key: string, field: Field, value: unknown): never {
  throw new ConfigError(`superconf: ${key}: expected ${describe(field)}, got ${show(value)}`);
}

/** Checks a value that already has a JSON type. */
function checkValue(key: string, field: Field, value: unknown): unknown {
  switch (field.kind) {
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < field.min || value > field.max) {
        fail(key, field, value);
      }
      return value;
    case 'bool':
      if (typeof value !== 'boolean') fail(key, field, value);
      return value;
    case 'enum':
      if (typeof value !== 'string' || !field.values.includes(value)) fail(key, field, value);
      return value;
    case 'string':
    case 'secret':
      if (typeof value !== 'string') fail(key, field, value);
      if (field.kind === 'string' && field.pattern && value !== '' && !field.pattern.test(value)) {
        fail(key, field, value);
      }
      return value;
  }
}

/** Env values are strings; convert them by the field's kind, never implicitly. */
function fromEnv(key: string, field: Field, raw: string): unknown {
  switch (field.kind) {
    case 'int':
      return /^-?\d+$/.test(raw.trim()) ? checkValue(key, field, Number(raw.trim())) : fail(key, field, raw);
    case 'bool':
      if (raw === 'true' || raw === '1') return true;
      if (raw === 'false' || raw === '0') return false;
      return fail(key, field, raw);
    case 'enum':
    case 'string':
    case 'secret':
      return checkValue(key, field, raw);
  }
}

function readSecretFile(key: string, path: string): string {
  try {
    return readFileSync(resolve(path), 'utf8').trim();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError(`superconf: ${key}File: cannot read secret file (${code})`);
  }
}

interface Walk {
  env: Record<string, string | undefined>;
  byEnv: Map<string, string>;
  usedEnv: Set<string>;
}

function resolveField(key: string, field: Field, fileValue: unknown, walk: Walk): unknown {
  const fromEnvName = walk.byEnv.get(key) ?? envName(key);
  const raw = walk.env[fromEnvName];
  if (raw !== undefined) {
    walk.usedEnv.add(fromEnvName);
    return fromEnv(key, field, raw);
  }
  if (fileValue === undefined) return field.default;
  return checkValue(key, field, fileValue);
}

function resolveSecret(key: string, field: Field, file: Record<string, unknown>, name: string, walk: Walk) {
  if (file[name] !== undefined) {
    throw new ConfigError(
      `superconf: ${key}: secrets may not be written in superconf.json; set env ${envName(key)} or ${key}File`,
    );
  }
  const direct = resolveField(key, field, undefined, walk) as string;
  const pathValue = resolveField(`${key}File`, pathField, file[`${name}File`], walk) as string;
  if (direct !== '') return direct;
  return pathValue === '' ? '' : readSecretFile(key, pathValue);
}
const pathField: Field = { kind: 'string', default: '', doc: 'path of a file holding the secret' };

function walkSection(schema: Section, file: unknown, prefix: string, walk: Walk): Record<string, unknown> {
  if (file !== undefined && (typeof file !== 'object' || file === null || Array.isArray(file))) {
    throw new ConfigError(`superconf: ${prefix || '(root)'}: expected an object, got ${show(file)}`);
  }
  const given = (file ?? {}) as Record<string, unknown>;
  const allowed = new Set<string>();
  const out: Record<string, unknown> = {};
  for (const [name, node] of Object.entries(schema)) {
    const key = prefix ? `${prefix}.${name}` : name;
    allowed.add(name);
    if (!isField(node)) {
      out[name] = walkSection(node, given[name], key, walk);
    } else if (node.kind === 'secret') {
      allowed.add(`${name}File`);
      out[name] = resolveSecret(key, node, given, name, walk);
    } else {
      out[name] = resolveField(key, node, given[name], walk);
    }
  }
  for (const name of Object.keys(given)) {
    if (!allowed.has(name) && !(prefix === '' && walk.byEnv.has(`#foreign:${name}`))) {
      const key = prefix ? `${prefix}.${name}` : name;
      throw new ConfigError(`superconf: ${key}: unknown key (allowed: ${[...allowed].join(', ')})`);
    }
  }
  return out;
}

function readConfigFile(path: string, explicit: boolean): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (!explicit && (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(`superconf: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ConfigError(`superconf: ${path} is not valid JSON: ${(error as Error).message.split('\n')[0]}`);
  }
}

/**
 * Loads superconf.json (path from env SUPERCONF), applies `SC__…` env overrides and shortcuts,
 * validates everything and fails with one line naming the first bad key.
 */
export function loadConfig<T>(schema: Section, options: LoadOptions): Loaded<T> {
  const explicitPath = options.env.SUPERCONF;
  const path = resolve(explicitPath ?? options.defaultPath ?? 'superconf.json');
  const file = readConfigFile(path, explicitPath !== undefined);
  const walk: Walk = { env: options.env, byEnv: new Map(), usedEnv: new Set() };
  const foreign = options.foreignSections ?? [];
  for (const section of foreign) walk.byEnv.set(`#foreign:${section}`, section);
  const config = walkShortcuts(schema, file, walk, options.shortcuts ?? {});
  checkUnknownEnv(options.env, walk.usedEnv, foreign);
  const given = (file ?? {}) as Record<string, unknown>;
  const foreignValues = Object.fromEntries(foreign.map((name) => [name, given[name]]));
  return { config: config as T, path: file === undefined ? null : path, foreign: foreignValues };
}

function walkShortcuts(schema: Section, file: unknown, walk: Walk, shortcuts: Record<string, string>) {
  // A shortcut such as PORT counts unless the full SC__ name is set too (the explicit name wins).
  for (const [name, key] of Object.entries(shortcuts)) {
    if (walk.env[name] !== undefined && walk.env[envName(key)] === undefined) walk.byEnv.set(key, name);
  }
  return walkSection(schema, file, '', walk);
}

function checkUnknownEnv(env: Record<string, string | undefined>, used: Set<string>, foreign: string[]) {
  const foreignPrefixes = foreign.map((section) => envName(section) + '__');
  for (const name of Object.keys(env)) {
    if (!name.startsWith(ENV_PREFIX) || used.has(name)) continue;
    if (foreignPrefixes.some((prefix) => name.startsWith(prefix))) continue;
    throw new ConfigError(`superconf: env ${name}: does not name a configuration key`);
  }
}
