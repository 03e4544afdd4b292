import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';

import { LOG_LEVELS, type LogLevel } from './logger.js';

/** Fluentd forwarding of job output lines. */
export interface FluentConfig {
  enabled: boolean;
  host: string;
  port: number;
  /** Tag prefix; lines are emitted with tag `<tag>.log`. */
  tag: string;
  /** Lines handed to fluent-logger but not yet written to the socket; beyond this, lines are dropped. */
  maxPendingLines: number;
  reconnectMs: number;
}

/** The validated `execNode` section of superconf.json, after env overrides. */
export interface ExecNodeConfig {
  host: string;
  port: number;
  name: string;
  token: string;
  portalUrl: string;
  portalToken: string;
  dataDir: string;
  slots: number;
  logCapBytes: number;
  killGraceMs: number;
  heartbeatMs: number;
  maxBodyBytes: number;
  allowedWorkDirs: string[];
  tailLines: number;
  logBatchMs: number;
  logBatchLines: number;
  retryMaxMs: number;
  startedHoldMs: number;
  journalRetentionHours: number;
  /** Lowest level written: debug adds each run's start, warn drops the line per finished run. */
  logLevel: LogLevel;
  fluent: FluentConfig;
}

export class ConfigError extends Error {}

type Kind = 'string' | 'int' | 'bool' | 'list' | 'url' | 'choice';
type Raw = string | number | boolean | string[];

interface KeySpec {
  kind: Kind;
  fallback: Raw;
  min?: number;
  max?: number;
  /** For 'choice': the accepted values. */
  choices?: readonly string[];
}

const MAX_INT = 2 ** 31 - 1;

/** Every accepted key, by dotted path below `execNode`. Secrets are not here: they come from env or files. */
const KEYS: Record<string, KeySpec> = {
  host: { kind: 'string', fallback: '127.0.0.1' },
  port: { kind: 'int', fallback: 7890, min: 0, max: 65535 },
  name: { kind: 'string', fallback: '' },
  tokenFile: { kind: 'string', fallback: '' },
  portalUrl: { kind: 'url', fallback: '' },
  portalTokenFile: { kind: 'string', fallback: '' },
  dataDir: { kind: 'string', fallback: './data/exec-node' },
  slots: { kind: 'int', fallback: 4, min: 1, max: 10000 },
  logCapBytes: { kind: 'int', fallback: 50 * 1024 * 1024, min: 1024, max: MAX_INT },
  killGraceMs: { kind: 'int', fallback: 5000, min: 0, max: 3_600_000 },
  heartbeatMs: { kind: 'int', fallback: 10_000, min: 100, max: 3_600_000 },
  maxBodyBytes: { kind: 'int', fallback: 1024 * 1024, min: 1024, max: 64 * 1024 * 1024 },
  allowedWorkDirs: { kind: 'list', fallback: [] },
  tailLines: { kind: 'int', fallback: 50, min: 0, max: 10_000 },
  logBatchMs: { kind: 'int', fallback: 10, min: 1, max: 10_000 },
  logBatchLines: { kind: 'int', fallback: 2000, min: 1, max: 100_000 },
  retryMaxMs: { kind: 'int', fallback: 30_000, min: 10, max: 3_600_000 },
  startedHoldMs: { kind: 'int', fallback: 50, min: 0, max: 10_000 },
  journalRetentionHours: { kind: 'int', fallback: 168, min: 1, max: 87_600 },
  logLevel: { kind: 'choice', fallback: 'info', choices: LOG_LEVELS },
  'fluent.enabled': { kind: 'bool', fallback: false },
  'fluent.host': { kind: 'string', fallback: '127.0.0.1' },
  'fluent.port': { kind: 'int', fallback: 24224, min: 1, max: 65535 },
  'fluent.tag': { kind: 'string', fallback: 'meshcron' },
  'fluent.maxPendingLines': { kind: 'int', fallback: 100_000, min: 1, max: 10_000_000 },
  'fluent.reconnectMs': { kind: 'int', fallback: 5000, min: 10, max: 3_600_000 },
};

const SECRETS = ['token', 'portalToken'];
const ENV_PREFIX = 'SC__EXECNODE__';

interface Source {
  value: unknown;
  origin: string;
}

/** Loads superconf.json (path from env SUPERCONF) and env overrides; throws ConfigError naming the key. */
export function loadConfig(env: NodeJS.ProcessEnv, cwd: string): ExecNodeConfig {
  const sources = new Map<string, Source>();
  collectFile(env, cwd, sources);
  collectEnv(env, sources);
  const values = new Map<string, Raw>();
  for (const [path, spec] of Object.entries(KEYS)) {
    const source = sources.get(path);
    values.set(path, source === undefined ? spec.fallback : coerce(path, spec, source));
  }
  return assemble(values, readSecrets(env, values, cwd), cwd);
}

function collectFile(env: NodeJS.ProcessEnv, cwd: string, sources: Map<string, Source>): void {
  const explicit = env.SUPERCONF !== undefined && env.SUPERCONF !== '';
  const file = resolve(cwd, explicit ? (env.SUPERCONF as string) : './superconf.json');
  if (!existsSync(file)) {
    if (explicit) throw new ConfigError(`SUPERCONF: file ${file} does not exist`);
    return;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`superconf.json: ${file} is not valid JSON (${(error as Error).message})`);
  }
  if (!isPlainObject(parsed)) throw new ConfigError(`superconf.json: expected a JSON object in ${file}`);
  const section = parsed.execNode;
  if (section === undefined) return;
  if (!isPlainObject(section)) throw new ConfigError('execNode: expected an object');
  flatten(section, '', sources);
}

function flatten(object: Record<string, unknown>, prefix: string, sources: Map<string, Source>): void {
  for (const [key, value] of Object.entries(object)) {
    const path = prefix + key;
    if (SECRETS.includes(path)) {
      throw new ConfigError(
        `execNode.${path}: secrets may not be written inline in superconf.json; ` +
          `set env ${envName(path)} or execNode.${path}File (a file path)`,
      );
    }
    if (path === 'fluent') {
      if (!isPlainObject(value)) throw new ConfigError('execNode.fluent: expected an object');
      flatten(value, 'fluent.', sources);
      continue;
    }
    if (KEYS[path] === undefined) throw new ConfigError(`execNode.${path}: unknown key`);
    sources.set(path, { value, origin: 'superconf.json' });
  }
}

function collectEnv(env: NodeJS.ProcessEnv, sources: Map<string, Source>): void {
  const byEnvName = new Map(Object.keys(KEYS).map((path) => [envName(path), path]));
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || value === undefined) continue;
    if (SECRETS.some((secret) => envName(secret) === name)) continue;
    const path = byEnvName.get(name);
    if (path === undefined) throw new ConfigError(`${name}: unknown key (no execNode setting has this name)`);
    sources.set(path, { value, origin: name });
  }
  // Shortcuts lose to the explicit SC__ names.
  if (
    env.EXEC_NODE_PORT !== undefined &&
    env.EXEC_NODE_PORT !== '' &&
    !sources.get('port')?.origin.startsWith(ENV_PREFIX)
  ) {
    sources.set('port', { value: env.EXEC_NODE_PORT, origin: 'EXEC_NODE_PORT' });
  }
}

export function envName(path: string): string {
  return ENV_PREFIX + path.split('.').join('__').toUpperCase();
}

function coerce(path: string, spec: KeySpec, source: Source): Raw {
  const fromEnv = typeof source.value === 'string' && source.origin !== 'superconf.json';
  const where = source.origin === 'superconf.json' ? '' : ` (from ${source.origin})`;
  const fail = (expected: string): never => {
    throw new ConfigError(`execNode.${path}: expected ${expected}, got ${describe(source.value)}${where}`);
  };
  switch (spec.kind) {
    case 'string':
      return typeof source.value === 'string' ? source.value : fail('a string');
    case 'url':
      return coerceUrl(source.value, fail);
    case 'bool':
      return coerceBool(source.value, fromEnv, fail);
    case 'int':
      return coerceInt(source.value, fromEnv, spec, fail);
    case 'list':
      return coerceList(source.value, fromEnv, fail);
    case 'choice': {
      const choices = spec.choices ?? [];
      return typeof source.value === 'string' && choices.includes(source.value)
        ? source.value
        : fail(`one of ${choices.join(', ')}`);
    }
  }
}

function coerceUrl(value: unknown, fail: (expected: string) => never): string {
  if (typeof value !== 'string') return fail('an http(s) URL string');
  if (value === '') return value;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail('an http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') fail('an http(s) URL');
  return value.replace(/\/+$/, '');
}

function coerceBool(value: unknown, fromEnv: boolean, fail: (expected: string) => never): boolean {
  if (typeof value === 'boolean') return value;
  if (fromEnv && value === 'true') return true;
  if (fromEnv && value === 'false') return false;
  return fail('a boolean (true or false)');
}

function coerceInt(value: unknown, fromEnv: boolean, spec: KeySpec, fail: (expected: string) => never): number {
  const range = `an integer ${spec.min ?? 0}-${spec.max ?? MAX_INT}`;
  let number: number;
  if (typeof value === 'number') number = value;
  else if (fromEnv && typeof value === 'string' && /^-?\d+$/.test(value.trim())) number = Number(value);
  else return fail(range);
  if (!Number.isInteger(number) || number < (spec.min ?? 0) || number > (spec.max ?? MAX_INT)) fail(range);
  return number;
}

function coerceList(value: unknown, fromEnv: boolean, fail: (expected: string) => never): string[] {
  const expected = 'a list of absolute directory paths';
  let list: unknown = value;
  if (fromEnv && typeof value === 'string') {
    list = value.trim().startsWith('[') ? parseJson(value) : value.split(':').filter((part) => part !== '');
  }
  if (!Array.isArray(list)) return fail(expected);
  for (const item of list) if (typeof item !== 'string' || !item.startsWith('/')) fail(expected);
  return list as string[];
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

interface Secrets {
  token: string;
  portalToken: string;
}

function readSecrets(env: NodeJS.ProcessEnv, values: Map<string, Raw>, cwd: string): Secrets {
  const token = secret(env, 'token', ['SC__EXECNODE__TOKEN', 'EXEC_NODE_TOKEN'], values, cwd);
  if (token === undefined) {
    throw new ConfigError(
      'execNode.token: required; set env EXEC_NODE_TOKEN or SC__EXECNODE__TOKEN, or execNode.tokenFile',
    );
  }
  const portalToken = secret(env, 'portalToken', ['SC__EXECNODE__PORTALTOKEN'], values, cwd) ?? token;
  return { token, portalToken };
}

const MIN_TOKEN_LENGTH = 16;

function secret(
  env: NodeJS.ProcessEnv,
  key: string,
  envNames: string[],
  values: Map<string, Raw>,
  cwd: string,
): string | undefined {
  const fromEnv = envNames.map((name) => env[name]).find((value) => value !== undefined && value !== '');
  const file = values.get(`${key}File`) as string;
  let value = fromEnv;
  if (value === undefined && file !== '') value = readSecretFile(key, resolve(cwd, file));
  if (value !== undefined && value.length < MIN_TOKEN_LENGTH) {
    throw new ConfigError(`execNode.${key}: expected at least ${MIN_TOKEN_LENGTH} characters`);
  }
  return value;
}

function readSecretFile(key: string, file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`execNode.${key}File: cannot read ${file} (${(error as NodeJS.ErrnoException).code})`);
  }
  const value = text.replace(/\r?\n$/, '');
  if (value === '' || /[\r\n]/.test(value)) {
    throw new ConfigError(`execNode.${key}File: expected one non-empty line in ${file}`);
  }
  return value;
}

function assemble(values: Map<string, Raw>, secrets: Secrets, cwd: string): ExecNodeConfig {
  const get = <T extends Raw>(path: string): T => values.get(path) as T;
  return {
    host: get<string>('host'),
    port: get<number>('port'),
    name: get<string>('name') === '' ? hostname() : get<string>('name'),
    token: secrets.token,
    portalUrl: get<string>('portalUrl'),
    portalToken: secrets.portalToken,
    dataDir: resolve(cwd, get<string>('dataDir')),
    slots: get<number>('slots'),
    logCapBytes: get<number>('logCapBytes'),
    killGraceMs: get<number>('killGraceMs'),
    heartbeatMs: get<number>('heartbeatMs'),
    maxBodyBytes: get<number>('maxBodyBytes'),
    allowedWorkDirs: get<string[]>('allowedWorkDirs').map((dir) => resolve(dir)),
    tailLines: get<number>('tailLines'),
    logBatchMs: get<number>('logBatchMs'),
    logBatchLines: get<number>('logBatchLines'),
    retryMaxMs: get<number>('retryMaxMs'),
    startedHoldMs: get<number>('startedHoldMs'),
    journalRetentionHours: get<number>('journalRetentionHours'),
    logLevel: get<LogLevel>('logLevel'),
    fluent: {
      enabled: get<boolean>('fluent.enabled'),
      host: get<string>('fluent.host'),
      port: get<number>('fluent.port'),
      tag: get<string>('fluent.tag'),
      maxPendingLines: get<number>('fluent.maxPendingLines'),
      reconnectMs: get<number>('fluent.reconnectMs'),
    },
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Env names that carry node secrets or config; they are removed from every job's environment. */
export function isNodeEnvName(name: string): boolean {
  return name.startsWith('SC__') || name.startsWith('EXEC_NODE_') || name === 'SUPERCONF';
}
