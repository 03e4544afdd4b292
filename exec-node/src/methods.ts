import type { HostInfo } from './host-info.js';
import { rowToView, type Journal } from './journal.js';
import { parseJobSpec } from './job-spec.js';
import { ParamReader, rejectUnknownFields } from './params.js';
import { invalidParams, RpcError, RpcErrorCode } from './rpc-errors.js';
import type { JsonRpcDispatcher } from './rpc-protocol.js';
import type { Runner } from './runner.js';
import type { RunState, RunView } from './types.js';

const STATES: RunState[] = ['accepted', 'running', 'succeeded', 'failed', 'timed_out', 'killed', 'lost'];

export interface MethodDeps {
  journal: Journal;
  runner: Runner;
  allowedWorkDirs: string[];
  hostInfo: () => HostInfo;
  setDraining: (draining: boolean) => void;
}

/** Registers the node's RPC methods (documented in docs/exec-node.md). */
export function registerMethods(dispatcher: JsonRpcDispatcher, deps: MethodDeps): void {
  dispatcher.register(
    'job.run',
    ['runId', 'attempt', 'command', 'cwd', 'env', 'params', 'timeoutMs', 'successExitCodes', 'executionId', 'jobId'],
    (params) => deps.runner.start(parseJobSpec(params, deps.allowedWorkDirs)),
  );
  dispatcher.register('job.kill', ['runId', 'attempt'], (params) => killRun(deps, params));
  dispatcher.register('job.list', ['runId', 'state', 'limit'], (params) => listRuns(deps.journal, params));
  dispatcher.register('host.info', [], (params) => {
    rejectUnknownFields(params, []);
    return deps.hostInfo();
  });
  dispatcher.register('node.drain', [], (params) => drain(deps, params, true));
  dispatcher.register('node.undrain', [], (params) => drain(deps, params, false));
}

function killRun(deps: MethodDeps, params: Record<string, unknown>): RunView & { stopping: boolean } {
  const reader = new ParamReader(params, ['runId', 'attempt']);
  const runId = reader.string('runId', 200);
  const attempt =
    reader.optionalInteger('attempt', 1, 1_000_000) ??
    deps.runner.activeAttempts(runId)[0] ??
    deps.journal.latestAttempt(runId)?.attempt;
  if (attempt === undefined) throw new RpcError(RpcErrorCode.RUN_NOT_FOUND, `run ${runId} is not known to this node`);
  return deps.runner.kill({ runId, attempt });
}

function listRuns(journal: Journal, params: Record<string, unknown>): { runs: RunView[] } {
  const reader = new ParamReader(params, ['runId', 'state', 'limit']);
  const state = reader.optionalString('state', 20);
  if (state !== null && !STATES.includes(state as RunState))
    throw invalidParams(`state: expected one of ${STATES.join(', ')}`);
  const rows = journal.listRuns({
    runId: reader.optionalString('runId', 200) ?? undefined,
    state: (state as RunState | null) ?? undefined,
    limit: reader.optionalInteger('limit', 1, 10_000) ?? 1000,
  });
  return { runs: rows.map(rowToView) };
}

function drain(
  deps: MethodDeps,
  params: Record<string, unknown>,
  draining: boolean,
): { draining: boolean; running: number } {
  rejectUnknownFields(params, []);
  deps.setDraining(draining);
  return { draining, running: deps.runner.slotsUsed };
}
