import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { JobSpec } from './types.js';

export interface PreparedProcess {
  argv: string[];
  cwd: string | undefined;
  env: Record<string, string>;
  scriptPath: string | null;
}

/**
 * Builds argv and env for a run. Params are appended as separate argv elements and exported as
 * MC_PARAM_<NAME>; nothing is ever joined into a shell string, so `; rm -rf /` stays one argument.
 */
export function prepareProcess(spec: JobSpec, baseEnv: Record<string, string>, scriptDir: string): PreparedProcess {
  const env: Record<string, string> = { ...baseEnv, ...spec.env };
  env.MC_RUN_ID = spec.runId;
  env.MC_ATTEMPT = String(spec.attempt);
  if (spec.executionId !== null) env.MC_EXECUTION_ID = spec.executionId;
  if (spec.jobId !== null) env.MC_JOB_ID = spec.jobId;
  for (const param of spec.params) env[`MC_PARAM_${param.name.toUpperCase()}`] = param.value;
  const values = spec.params.map((param) => param.value);
  const cwd = spec.cwd ?? undefined;
  if (spec.command.kind === 'argv') return { argv: [...spec.command.argv, ...values], cwd, env, scriptPath: null };
  const scriptPath = writeScript(spec, scriptDir);
  return { argv: [...spec.command.interpreter, scriptPath, ...values], cwd, env, scriptPath };
}

function writeScript(spec: JobSpec, scriptDir: string): string {
  mkdirSync(scriptDir, { recursive: true, mode: 0o700 });
  const name = `${createHash('sha256').update(spec.runId).digest('hex').slice(0, 24)}-${spec.attempt}`;
  const path = join(scriptDir, name);
  writeFileSync(path, spec.command.kind === 'script' ? spec.command.script : '', { mode: 0o700 });
  return path;
}

export function removeScript(path: string | null): void {
  if (path !== null) rmSync(path, { force: true });
}

/** Why the working directory cannot be used, or null when it can. */
export function cwdProblem(cwd: string | undefined): string | null {
  if (cwd === undefined) return null;
  try {
    return statSync(cwd).isDirectory() ? null : `working directory ${cwd} is not a directory`;
  } catch (error) {
    return `working directory ${cwd} is not usable (${(error as NodeJS.ErrnoException).code ?? 'error'})`;
  }
}

/** Own process group (detached), no shell, stdin closed. */
export function spawnJob(prepared: PreparedProcess): ChildProcess {
  const [file, ...args] = prepared.argv;
  return spawn(file, args, {
    cwd: prepared.cwd,
    env: prepared.env,
    detached: true,
    shell: false,
    stdio: ['ignore', 'pipe', 'pipe'],
    windowsHide: true,
  });
}
