import type { ExecutionSummary, RunView } from './execution-query.service.js';

const BADGES: Record<string, string> = {
  succeeded: 'layui-bg-green',
  failed: 'layui-bg-red',
  timed_out: 'layui-bg-red',
  lost: 'layui-bg-red',
  killed: 'layui-bg-orange',
  skipped: 'layui-bg-gray',
  running: 'layui-bg-blue',
  dispatched: 'layui-bg-blue',
  queued: 'layui-bg-cyan',
  waiting: 'layui-bg-gray',
};

/** The layui badge colour of a state. */
export function stateBadge(state: string): string {
  return `layui-badge ${BADGES[state] ?? 'layui-bg-gray'}`;
}

/** 3723000 → "1h 02m 03s"; under a minute with one decimal ("4.2s"). */
export function durationText(ms: number | null): string {
  if (ms === null || ms < 0) return '';
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const seconds = Math.round(ms / 1000);
  const [h, m, s] = [Math.floor(seconds / 3600), Math.floor((seconds % 3600) / 60), seconds % 60];
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}h ${pad(m)}m ${pad(s)}s` : `${m}m ${pad(s)}s`;
}

const ENDED = new Set(['succeeded', 'failed', 'timed_out', 'killed', 'lost', 'skipped']);

export function executionRow(execution: ExecutionSummary) {
  const ended = execution.state !== 'running';
  return {
    ...execution,
    badge: stateBadge(execution.state),
    duration: ended ? durationText(execution.durationMs) : '',
  };
}

export function runRow(run: RunView) {
  return {
    ...run,
    badge: stateBadge(run.state),
    duration: durationText(run.durationMs),
    active: run.state === 'dispatched' || run.state === 'running' || run.state === 'queued' || run.state === 'waiting',
    ended: ENDED.has(run.state),
    markable: ENDED.has(run.state) && run.state !== 'succeeded',
  };
}
