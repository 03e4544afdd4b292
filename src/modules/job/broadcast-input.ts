import { addProblem, integerProblem, type FieldErrors } from '../interface/definition-rules.js';

/** The broadcast settings of a job as given by a form, the API or an import. */
export interface BroadcastInput {
  broadcast?: boolean | null;
  broadcastParallel?: number | null;
  failRate?: number | null;
  failCount?: number | null;
  killOnBudgetExceeded?: boolean | null;
}

export interface BroadcastValues {
  broadcast: boolean;
  broadcastParallel: number;
  failRate: number | null;
  failCount: number | null;
  killOnBudgetExceeded: boolean;
}

export const BROADCAST_AUDIT_FIELDS = [
  'broadcast',
  'broadcastParallel',
  'failRate',
  'failCount',
  'killOnBudgetExceeded',
] as const;

/** Checks the broadcast settings; a broadcast job must aim at a host tag, not at a fixed host. */
export function checkBroadcast(
  input: BroadcastInput & { execHostId?: number | null; hostTag?: string | null },
  fields: FieldErrors,
): BroadcastValues {
  const broadcast = input.broadcast ?? false;
  if (broadcast && ((input.execHostId !== undefined && input.execHostId !== null) || !(input.hostTag ?? '').trim())) {
    fields.broadcast = 'a broadcast job needs a host tag (not a fixed host)';
  }
  addProblem(fields, 'broadcastParallel', integerProblem(input.broadcastParallel, 0, 10_000));
  addProblem(fields, 'failRate', integerProblem(input.failRate, 0, 100));
  addProblem(fields, 'failCount', integerProblem(input.failCount, 0, 10_000));
  return {
    broadcast,
    broadcastParallel: input.broadcastParallel ?? 0,
    failRate: input.failRate ?? null,
    failCount: input.failCount ?? null,
    killOnBudgetExceeded: input.killOnBudgetExceeded ?? false,
  };
}
