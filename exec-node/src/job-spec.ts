import { isAbsolute, resolve, sep } from 'node:path';

import { isRecord, ParamReader, rejectUnknownFields, stringArray } from './params.js';
import { invalidParams } from './rpc-errors.js';
import type { JobCommand, JobParam, JobSpec } from './types.js';

const JOB_RUN_FIELDS = [
  'runId',
  'attempt',
  'executionId',
  'jobId',
  'command',
  'cwd',
  'env',
  'params',
  'timeoutMs',
  'successExitCodes',
];
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_TIMEOUT_MS = 30 * 24 * 3600 * 1000;

/** Validates `job.run` params into a JobSpec; `allowedWorkDirs` (absolute) restricts cwd when not empty. */
export function parseJobSpec(params: Record<string, unknown>, allowedWorkDirs: string[]): JobSpec {
  const reader = new ParamReader(params, JOB_RUN_FIELDS);
  return {
    runId: reader.string('runId', 200),
    attempt: reader.integer('attempt', 1, 1_000_000),
    executionId: optionalId(reader, 'executionId'),
    jobId: optionalId(reader, 'jobId'),
    command: parseCommand(reader.raw('command')),
    cwd: parseCwd(reader.optionalString('cwd', 4096), allowedWorkDirs),
    env: parseEnv(reader.raw('env')),
    params: parseParams(reader.raw('params')),
    timeoutMs: reader.optionalInteger('timeoutMs', 1, MAX_TIMEOUT_MS),
    successExitCodes: parseExitCodes(reader.raw('successExitCodes')),
  };
}

function optionalId(reader: ParamReader, field: string): string | null {
  const value = reader.raw(field);
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return reader.optionalString(field, 200);
}

function parseCommand(value: unknown): JobCommand {
  if (Array.isArray(value)) {
    const argv = stringArray('command', value, { min: 1, max: 1000 });
    if (argv[0] === '') throw invalidParams('command[0]: expected the program to run');
    return { kind: 'argv', argv };
  }
  if (!isRecord(value)) throw invalidParams('command: expected an argv array or {script, interpreter}');
  rejectUnknownFields(value, ['script', 'interpreter'], 'command.');
  if (typeof value.script !== 'string') throw invalidParams('command.script: expected a string');
  const interpreter = value.interpreter ?? '/bin/sh';
  const argv =
    typeof interpreter === 'string'
      ? [interpreter]
      : stringArray('command.interpreter', interpreter, { min: 1, max: 20 });
  if (argv[0] === '') throw invalidParams('command.interpreter: expected a program');
  return { kind: 'script', script: value.script, interpreter: argv };
}

function parseCwd(cwd: string | null, allowedWorkDirs: string[]): string | null {
  if (cwd === null) {
    if (allowedWorkDirs.length > 0) throw invalidParams('cwd: required because the node restricts allowedWorkDirs');
    return null;
  }
  if (!isAbsolute(cwd)) throw invalidParams('cwd: expected an absolute path');
  const resolved = resolve(cwd);
  const allowed = allowedWorkDirs.some(
    (dir) => resolved === dir || resolved.startsWith(dir.endsWith(sep) ? dir : dir + sep),
  );
  if (allowedWorkDirs.length > 0 && !allowed) throw invalidParams(`cwd: ${resolved} is not under allowedWorkDirs`);
  return resolved;
}

function parseEnv(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) throw invalidParams('env: expected an object of strings');
  for (const [key, item] of Object.entries(value)) {
    if (!NAME.test(key)) throw invalidParams(`env.${key}: not a valid environment variable name`);
    if (typeof item !== 'string') throw invalidParams(`env.${key}: expected a string`);
    if (item.includes('\0')) throw invalidParams(`env.${key}: contains a NUL byte`);
  }
  return value as Record<string, string>;
}

function parseParams(value: unknown): JobParam[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.length > 1000) throw invalidParams('params: expected an array of {name, value}');
  const seen = new Set<string>();
  return value.map((item: unknown, index) => {
    if (!isRecord(item)) throw invalidParams(`params[${index}]: expected {name, value}`);
    rejectUnknownFields(item, ['name', 'value'], `params[${index}].`);
    const { name, value: paramValue } = item;
    if (typeof name !== 'string' || !NAME.test(name))
      throw invalidParams(`params[${index}].name: expected [A-Za-z_][A-Za-z0-9_]*`);
    if (typeof paramValue !== 'string') throw invalidParams(`params[${index}].value: expected a string`);
    if (paramValue.includes('\0')) throw invalidParams(`params[${index}].value: contains a NUL byte`);
    if (seen.has(name.toUpperCase())) throw invalidParams(`params[${index}].name: duplicate ${name}`);
    seen.add(name.toUpperCase());
    return { name, value: paramValue };
  });
}

function parseExitCodes(value: unknown): number[] {
  if (value === undefined || value === null) return [0];
  if (!Array.isArray(value) || value.length === 0 || value.length > 256) {
    throw invalidParams('successExitCodes: expected a non-empty array of integers 0-255');
  }
  value.forEach((code: unknown, index) => {
    if (typeof code !== 'number' || !Number.isInteger(code) || code < 0 || code > 255) {
      throw invalidParams(`successExitCodes[${index}]: expected an integer 0-255`);
    }
  });
  return value as number[];
}
