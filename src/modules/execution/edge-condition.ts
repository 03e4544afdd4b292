import { EDGE_CONDITIONS, type EdgeCondition } from '../job/job.entity.js';
import type { RunState } from './job-run.entity.js';

/** A job → prerequisite edge's condition (etl_job_dependency, copied to job_run_dependency). */
export interface EdgeRule {
  condition: EdgeCondition;
  outputName: string;
  outputMatch: string;
}

export const DEFAULT_EDGE: EdgeRule = { condition: 'succeeded', outputName: '', outputMatch: '' };

const ENDED_BADLY = new Set<RunState>(['failed', 'timed_out', 'killed', 'lost']);

/** `/…/` is a regular expression (JavaScript syntax, not anchored), anything else an exact value. */
function regexOf(match: string): RegExp | null {
  return match.length >= 2 && match.startsWith('/') && match.endsWith('/') ? new RegExp(match.slice(1, -1)) : null;
}

/** Why an edge rule is not valid, or null. */
export function edgeProblem(rule: { condition?: string; outputName?: string; outputMatch?: string }): string | null {
  if (!(EDGE_CONDITIONS as readonly string[]).includes(rule.condition ?? '')) {
    return `condition must be one of ${EDGE_CONDITIONS.join(', ')}`;
  }
  if (rule.condition !== 'output') return null;
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(rule.outputName ?? '')) {
    return 'output name must be 1-64 letters, digits or _, not starting with a digit';
  }
  const match = rule.outputMatch ?? '';
  if (match.length > 1000) return 'output match must be at most 1000 characters';
  try {
    regexOf(match);
  } catch (error) {
    return `output match is not a valid regular expression: ${(error as Error).message}`;
  }
  return null;
}

/**
 * Whether the edge lets its dependent run, given how the prerequisite ended: `succeeded`; `failed`
 * (failed, timed out, killed or lost); `finished` (any end, skipped included); `output` (succeeded
 * and the named output equals the value or matches the /regex/).
 */
export function edgeHolds(rule: EdgeRule, state: RunState, outputs: Record<string, string>): boolean {
  switch (rule.condition) {
    case 'succeeded':
      return state === 'succeeded';
    case 'failed':
      return ENDED_BADLY.has(state);
    case 'finished':
      return true;
    case 'output': {
      const value = outputs[rule.outputName];
      if (state !== 'succeeded' || value === undefined) return false;
      try {
        const regex = regexOf(rule.outputMatch);
        return regex ? regex.test(value) : value === rule.outputMatch;
      } catch {
        return false; // an invalid expression (checked on save) matches nothing
      }
    }
  }
}

/** "failed", "output mode = full", "output mode ~ /^inc/" — for reasons, labels and exports. */
export function edgeText(rule: EdgeRule): string {
  if (rule.condition !== 'output') return rule.condition;
  return `output ${rule.outputName} ${regexOf(rule.outputMatch) ? '~' : '='} ${rule.outputMatch}`;
}

/** Why a dependent is skipped: "prerequisite load_x succeeded; edge requires failed". */
export function skipReason(
  prerequisite: { jobName: string; state: RunState; outputs: Record<string, string> },
  rule: EdgeRule,
): string {
  const { jobName, state, outputs } = prerequisite;
  const value = outputs[rule.outputName];
  const seen =
    rule.condition === 'output' && state === 'succeeded'
      ? `succeeded with ${rule.outputName} ${value === undefined ? 'not printed' : `= ${value}`}`
      : state;
  return `prerequisite ${jobName} ${seen}; edge requires ${edgeText(rule)}`;
}
