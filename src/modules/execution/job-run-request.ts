import {
  DrainingError,
  ExecNodeError,
  InvalidParamsError,
  NoSlotError,
  type JobRunParams,
} from '../../infra/rpc/exec-node.client.js';
import { splitShellWords } from '../job/shell-words.js';
import { toNumber, toNumberOrNull, toText } from './engine-db.js';
import { inputEnv, parseInputs, resolveInput, type RunInputs } from './run-outputs.js';
import type { RoutingStrategy } from '../job/job.entity.js';

/** What the dispatcher needs of a queued run: routing and the job.run request. */
export interface DispatchRow {
  id: number;
  executionId: number;
  nodeRunId: string;
  attempt: number;
  jobId: number;
  jobName: string;
  commandType: string;
  command: string;
  interpreter: string;
  workingDir: string;
  params: string;
  successExitCodes: string;
  timeoutFailSeconds: number;
  targetHostId: number | null;
  hostTag: string;
  routingStrategy: RoutingStrategy;
  avoidHostId: number | null;
  hostId: number | null;
  /** JSON of the upstream outputs stored when the run was claimed (run-outputs.ts). */
  inputs: string;
}

export const DISPATCH_COLUMNS =
  'id, execution_id, node_run_id, attempt, job_id, job_name, command_type, command, interpreter, working_dir, params, ' +
  'success_exit_codes, timeout_fail_seconds, target_host_id, host_tag, routing_strategy, avoid_host_id, host_id, inputs';

export function mapDispatchRow(raw: Record<string, unknown>): DispatchRow {
  return {
    id: toNumber(raw.id),
    executionId: toNumber(raw.execution_id),
    nodeRunId: String(raw.node_run_id),
    attempt: toNumber(raw.attempt),
    jobId: toNumber(raw.job_id),
    jobName: String(raw.job_name),
    commandType: String(raw.command_type),
    command: String(raw.command),
    interpreter: toText(raw.interpreter, ''),
    workingDir: toText(raw.working_dir, ''),
    params: toText(raw.params, '[]'),
    successExitCodes: toText(raw.success_exit_codes, '0'),
    timeoutFailSeconds: toNumber(raw.timeout_fail_seconds),
    targetHostId: toNumberOrNull(raw.target_host_id),
    hostTag: toText(raw.host_tag, ''),
    routingStrategy: raw.routing_strategy as RoutingStrategy,
    avoidHostId: toNumberOrNull(raw.avoid_host_id),
    hostId: toNumberOrNull(raw.host_id),
    inputs: toText(raw.inputs, '{}'),
  };
}

/** The `job.run` request of the run's current attempt; throws with a message when the snapshot cannot run. */
export function jobRunParams(row: DispatchRow): JobRunParams {
  const command: JobRunParams['command'] =
    row.commandType === 'script'
      ? { script: row.command, ...(row.interpreter ? { interpreter: splitShellWords(row.interpreter) } : {}) }
      : splitShellWords(row.command);
  if (Array.isArray(command) && command.length === 0) throw new Error('the command is empty');
  const successExitCodes = row.successExitCodes
    .split(',')
    .map((code) => code.trim())
    .filter(Boolean)
    .map(Number);
  const inputs = parseInputs(row.inputs);
  const env = inputEnv(inputs);
  return {
    runId: row.nodeRunId,
    attempt: row.attempt,
    executionId: row.executionId,
    jobId: row.jobId,
    command,
    ...(row.workingDir ? { cwd: row.workingDir } : {}),
    ...(Object.keys(env).length > 0 ? { env } : {}),
    params: resolvedParams(row.params, inputs),
    ...(row.timeoutFailSeconds > 0 ? { timeoutMs: row.timeoutFailSeconds * 1000 } : {}),
    ...(successExitCodes.length > 0 ? { successExitCodes } : {}),
  };
}

/** The snapshot's params with `input` params filled in from the run's inputs; throws naming the param. */
function resolvedParams(text: string, inputs: RunInputs): { name: string; value: string }[] {
  return (JSON.parse(text) as { name: string; value: string; input?: string }[]).map((param) => {
    if (param.input === undefined) return { name: param.name, value: param.value };
    try {
      return { name: param.name, value: resolveInput(param.input, inputs) };
    } catch (error) {
      throw new Error(`param ${param.name}: ${(error as Error).message}`, { cause: error });
    }
  });
}

/**
 * What a failed `job.run` means for the run: `refused` (the node certainly did not take it: route
 * elsewhere), `invalid` (fail the run, do not retry as is), `uncertain` (it may have been taken:
 * keep it dispatched and send the same attempt again later; the node treats it as a duplicate).
 */
export function classifySendError(error: unknown): 'refused' | 'invalid' | 'uncertain' {
  if (error instanceof NoSlotError || error instanceof DrainingError) return 'refused';
  if (error instanceof InvalidParamsError) return 'invalid';
  if (error instanceof ExecNodeError) {
    if (error.kind === 'unauthorized') return 'refused';
    if (error.kind === 'unreachable' && /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH/.test(error.message)) return 'refused';
  }
  return 'uncertain';
}
