import type { RunRow } from './run-row.js';

const MAX_DELAY_MS = 24 * 3600_000;

/**
 * Whether the attempt that just ended is retried, and after how long: failed and timed_out runs
 * while retries remain, after the interval (grown by retryBackoffPercent per retry); lost runs only
 * when the job allows it (at least once even without retries), at once; killed runs never.
 */
export function retryDelayMs(run: RunRow): number | null {
  const failed = run.state === 'failed' || run.state === 'timed_out';
  const allowed =
    (failed && run.retriesUsed < run.retryCount) ||
    (run.state === 'lost' && run.retryLost && run.retriesUsed < Math.max(run.retryCount, 1));
  if (!allowed) return null;
  // The host died, not the job: another host can take it at once.
  if (run.state === 'lost') return 0;
  const factor = (Math.max(run.retryBackoffPercent, 1) / 100) ** run.retriesUsed;
  return Math.min(MAX_DELAY_MS, Math.round(run.retryIntervalSeconds * 1000 * factor));
}
