import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { EngineDb, placeholders, toNumber, type Sql } from './engine-db.js';

/** How long a run is expected to take, how far it is, and whether it runs late. */
export interface RunEstimate {
  /** Expected duration learned from the job's succeeded runs; null = no history. */
  expectedMs: number | null;
  /** The longest succeeded run of the job. */
  maxMs: number | null;
  /** elapsed / expected, capped at 99 while running; 100 once succeeded; null without history or start. */
  progressPercent: number | null;
  /** start + expected (running runs only). */
  etaAt: Date | null;
  /** Running longer than the late threshold (see lateThresholdMs). */
  late: boolean;
}

/** Weight of the newest succeeded run in the moving average. */
export const EWMA_WEIGHT = 0.3;

export interface DurationStat {
  samples: number;
  expectedMs: number;
  maxMs: number;
}

export interface LateSettings {
  /** Percent of the expected duration after which a run is late (150 = 1.5 ×). */
  factorPercent: number;
  /** A run is never late before this many seconds (short jobs do not page anyone). */
  minSeconds: number;
}

/** Late when elapsed > max(expected × factor, minimum): a 1-second job is late only after the minimum. */
export function lateThresholdMs(expectedMs: number, settings: LateSettings): number {
  return Math.max(Math.round((expectedMs * settings.factorPercent) / 100), settings.minSeconds * 1000);
}

/** The estimate of one run from its job's statistics (undefined = no history) at `now`. */
export function estimateRun(
  run: { state: string; startedAt: Date | null },
  stat: DurationStat | undefined,
  settings: LateSettings,
  now: number,
): RunEstimate {
  if (!stat || stat.samples === 0)
    return { expectedMs: null, maxMs: null, progressPercent: null, etaAt: null, late: false };
  const base = { expectedMs: stat.expectedMs, maxMs: stat.maxMs };
  if (run.state === 'succeeded') return { ...base, progressPercent: 100, etaAt: null, late: false };
  if (run.state !== 'running' || run.startedAt === null) {
    return { ...base, progressPercent: run.state === 'dispatched' ? 0 : null, etaAt: null, late: false };
  }
  const elapsed = Math.max(0, now - run.startedAt.getTime());
  const expected = Math.max(1, stat.expectedMs);
  return {
    ...base,
    progressPercent: Math.min(99, Math.floor((elapsed * 100) / expected)),
    etaAt: new Date(run.startedAt.getTime() + stat.expectedMs),
    late: elapsed > lateThresholdMs(stat.expectedMs, settings),
  };
}

/** The statistics after one more succeeded run of `ms`. */
export function nextStat(previous: DurationStat | undefined, ms: number): DurationStat {
  if (!previous || previous.samples === 0) return { samples: 1, expectedMs: ms, maxMs: ms };
  return {
    samples: previous.samples + 1,
    expectedMs: Math.round(previous.expectedMs + EWMA_WEIGHT * (ms - previous.expectedMs)),
    maxMs: Math.max(previous.maxMs, ms),
  };
}

export async function readStats(sql: Sql, jobIds: readonly number[]): Promise<Map<number, DurationStat>> {
  const ids = [...new Set(jobIds)];
  if (ids.length === 0) return new Map();
  const rows = await sql.rows<Record<string, unknown>>(
    `SELECT job_id, samples, expected_ms, max_ms FROM job_duration_stat WHERE job_id IN (${placeholders(ids.length)})`,
    ids,
  );
  return new Map(
    rows.map((row) => [
      toNumber(row.job_id),
      { samples: toNumber(row.samples), expectedMs: toNumber(row.expected_ms), maxMs: toNumber(row.max_ms) },
    ]),
  );
}

/** Durations of the runs a batch of node events just ended `succeeded` (what the statistics learn from). */
export function successDurations(
  entries: Iterable<{
    run: { jobId: number; state: string; startedAt: Date | null };
    started?: { startedAt: Date };
    finished?: { state: string; startedAt: Date | null; finishedAt: Date };
  }>,
): { jobId: number; ms: number }[] {
  const out: { jobId: number; ms: number }[] = [];
  for (const { run, started, finished } of entries) {
    if (!finished || finished.state !== 'succeeded' || run.state !== 'succeeded') continue;
    const start = started?.startedAt ?? finished.startedAt ?? run.startedAt;
    if (start) out.push({ jobId: run.jobId, ms: Math.max(0, finished.finishedAt.getTime() - start.getTime()) });
  }
  return out;
}

/**
 * Adds succeeded runs' durations to their jobs' statistics, inside the transaction that settles
 * them: one upsert whose update is nextStat() in SQL. Rows apply in order (a job twice in one batch
 * learns twice), in job id order so concurrent transactions lock the rows alike.
 */
export async function recordDurations(sql: Sql, runs: readonly { jobId: number; ms: number }[]): Promise<void> {
  const ordered = [...runs].sort((a, b) => a.jobId - b.jobId);
  const now = Date.now();
  const fresh = (column: string) => (sql.dialect === 'mysql' ? `VALUES(${column})` : `excluded.${column}`);
  const rounded = (expression: string) =>
    sql.dialect === 'mysql' ? `ROUND(${expression})` : `CAST(ROUND(${expression}) AS INTEGER)`;
  const greatest = sql.dialect === 'mysql' ? 'GREATEST' : 'MAX';
  // MySQL assigns left to right (samples last, so the others still see the old count); SQLite all at once.
  const assignments =
    `expected_ms = CASE WHEN samples = 0 THEN ${fresh('last_ms')} ` +
    `ELSE ${rounded(`expected_ms + ${EWMA_WEIGHT} * (${fresh('last_ms')} - expected_ms)`)} END, ` +
    `max_ms = CASE WHEN samples = 0 THEN ${fresh('last_ms')} ELSE ${greatest}(max_ms, ${fresh('last_ms')}) END, ` +
    `samples = samples + 1, last_ms = ${fresh('last_ms')}, updated_at = ${fresh('updated_at')}`;
  const conflict = sql.dialect === 'mysql' ? 'ON DUPLICATE KEY UPDATE' : 'ON CONFLICT (job_id) DO UPDATE SET';
  for (let start = 0; start < ordered.length; start += 500) {
    const part = ordered.slice(start, start + 500);
    await sql.exec(
      'INSERT INTO job_duration_stat (job_id, samples, expected_ms, max_ms, last_ms, updated_at) VALUES ' +
        `${part.map(() => '(?, 1, ?, ?, ?, ?)').join(', ')} ${conflict} ${assignments}`,
      part.flatMap(({ jobId, ms }) => [jobId, ms, ms, ms, now]),
    );
  }
}

/** Running runs past their late threshold whose current attempt has had no late alert yet. */
export async function dueLateRuns(
  sql: Sql,
  settings: LateSettings,
  now: number,
): Promise<{ id: number; attempt: number; executionId: number }[]> {
  const rows = await sql.rows<Record<string, unknown>>(
    'SELECT r.id, r.attempt, r.execution_id FROM job_run r JOIN job_duration_stat s ON s.job_id = r.job_id ' +
      "WHERE r.state = 'running' AND r.late_alerted_attempt < r.attempt AND r.started_at + " +
      'CASE WHEN s.expected_ms * ? / 100 > ? THEN s.expected_ms * ? / 100 ELSE ? END < ? ORDER BY r.id LIMIT 1000',
    [settings.factorPercent, settings.minSeconds * 1000, settings.factorPercent, settings.minSeconds * 1000, now],
  );
  return rows.map((row) => ({
    id: toNumber(row.id),
    attempt: toNumber(row.attempt),
    executionId: toNumber(row.execution_id),
  }));
}

/**
 * Progress, ETA and lateness of runs, from each job's duration statistics (one indexed read of
 * job_duration_stat per call, never a scan of job_run).
 */
@Injectable()
export class RunEstimateService {
  constructor(
    private readonly db: EngineDb,
    private readonly config: AppConfig,
  ) {}

  get lateSettings(): LateSettings {
    const { lateFactorPercent, lateMinSeconds } = this.config.values.schedule;
    return { factorPercent: lateFactorPercent, minSeconds: lateMinSeconds };
  }

  async estimate(
    runs: readonly { id: number; jobId: number; state: string; startedAt: Date | null }[],
  ): Promise<Map<number, RunEstimate>> {
    const stats = await this.db.read((sql) =>
      readStats(
        sql,
        runs.map((run) => run.jobId),
      ),
    );
    const settings = this.lateSettings;
    const now = Date.now();
    return new Map(runs.map((run) => [run.id, estimateRun(run, stats.get(run.jobId), settings, now)]));
  }
}
