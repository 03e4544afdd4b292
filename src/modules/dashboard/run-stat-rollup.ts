import type { Sql, SqlValue } from '../execution/engine-db.js';
import type { TerminalState } from '../execution/job-run.entity.js';

/** One run attempt that reached a terminal state. */
export interface EndedAttempt {
  jobId: number;
  /** 0 when the attempt never had a host (skipped, killed while waiting). */
  hostId: number;
  state: TerminalState;
  /** When the attempt ended (the transition time): its UTC day is the attempt's day. */
  endedAt: number;
  /** Node-reported start and end, when it ran. */
  startedAt: number | null;
  finishedAt: number | null;
}

export interface StatCounts {
  succeeded: number;
  failed: number;
  otherEnded: number;
  durationCount: number;
  durationSumMs: number;
  durationMaxMs: number;
}

export interface StatRow<K extends 'jobId' | 'hostId'> extends StatCounts {
  day: string;
  key: K;
  id: number;
}

const FAILED: ReadonlySet<TerminalState> = new Set(['failed', 'timed_out', 'lost']);
/** Durations are kept for attempts the node ended; lost/killed ones would only measure the outage or the operator. */
const TIMED: ReadonlySet<TerminalState> = new Set(['succeeded', 'failed', 'timed_out']);

/** YYYY-MM-DD of an epoch-ms time, in UTC (the dashboard's days are UTC days). */
export function utcDay(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

export function emptyCounts(): StatCounts {
  return { succeeded: 0, failed: 0, otherEnded: 0, durationCount: 0, durationSumMs: 0, durationMaxMs: 0 };
}

/** Adds one attempt to counts (durations below 0, from skewed clocks, count as 0). */
export function addAttempt(counts: StatCounts, attempt: EndedAttempt): void {
  if (attempt.state === 'succeeded') counts.succeeded++;
  else if (FAILED.has(attempt.state)) counts.failed++;
  else counts.otherEnded++;
  if (!TIMED.has(attempt.state) || attempt.startedAt === null) return;
  const duration = Math.max(0, (attempt.finishedAt ?? attempt.endedAt) - attempt.startedAt);
  counts.durationCount++;
  counts.durationSumMs += duration;
  counts.durationMaxMs = Math.max(counts.durationMaxMs, duration);
}

/** Folds attempts into rows per (day, job) and per (day, host), ordered by key (stable lock order). */
export function aggregateAttempts(attempts: readonly EndedAttempt[]): {
  jobs: StatRow<'jobId'>[];
  hosts: StatRow<'hostId'>[];
} {
  const jobs = new Map<string, StatRow<'jobId'>>();
  const hosts = new Map<string, StatRow<'hostId'>>();
  for (const attempt of attempts) {
    const day = utcDay(attempt.endedAt);
    addAttempt(statRow(jobs, day, 'jobId', attempt.jobId), attempt);
    addAttempt(statRow(hosts, day, 'hostId', attempt.hostId), attempt);
  }
  const order = <K extends 'jobId' | 'hostId'>(rows: Map<string, StatRow<K>>) =>
    [...rows.values()].sort((a, b) => (a.day === b.day ? a.id - b.id : a.day < b.day ? -1 : 1));
  return { jobs: order(jobs), hosts: order(hosts) };
}

/** The row of (day, id) in a fold, created empty. */
export function statRow<K extends 'jobId' | 'hostId'>(
  rows: Map<string, StatRow<K>>,
  day: string,
  key: K,
  id: number,
): StatRow<K> {
  const name = `${day}|${id}`;
  let row = rows.get(name);
  if (!row) {
    row = { day, key, id, ...emptyCounts() };
    rows.set(name, row);
  }
  return row;
}

const COUNT_COLUMNS = ['succeeded', 'failed', 'other_ended', 'duration_count', 'duration_sum_ms'] as const;

/** Adds rows to the rollup tables: one upsert per table (SQLite ON CONFLICT, MySQL ON DUPLICATE KEY). */
export async function upsertStats(
  sql: Sql,
  rows: { jobs: readonly StatRow<'jobId'>[]; hosts: readonly StatRow<'hostId'>[] },
): Promise<void> {
  await upsert(sql, 'run_stat_job_day', 'job_id', rows.jobs);
  await upsert(sql, 'run_stat_host_day', 'host_id', rows.hosts);
}

/** A rollup row's values in column order: day, job or host id, the counts, then duration_max_ms. */
export function statValues(row: StatCounts & { day: string; id: number }): SqlValue[] {
  return [
    row.day,
    row.id,
    row.succeeded,
    row.failed,
    row.otherEnded,
    row.durationCount,
    row.durationSumMs,
    row.durationMaxMs,
  ];
}

async function upsert(
  sql: Sql,
  table: string,
  key: string,
  rows: readonly StatRow<'jobId' | 'hostId'>[],
): Promise<void> {
  for (let start = 0; start < rows.length; start += 500) {
    const part = rows.slice(start, start + 500);
    const tuples = part.map(() => '(?,?,?,?,?,?,?,?)').join(',');
    const params: SqlValue[] = part.flatMap(statValues);
    const columns = `day, ${key}, ${COUNT_COLUMNS.join(', ')}, duration_max_ms`;
    const update =
      sql.dialect === 'mysql'
        ? ` ON DUPLICATE KEY UPDATE ${COUNT_COLUMNS.map((c) => `${c} = ${c} + VALUES(${c})`).join(', ')}, ` +
          'duration_max_ms = GREATEST(duration_max_ms, VALUES(duration_max_ms))'
        : ` ON CONFLICT (day, ${key}) DO UPDATE SET ${COUNT_COLUMNS.map((c) => `${c} = ${c} + excluded.${c}`).join(', ')}, ` +
          'duration_max_ms = MAX(duration_max_ms, excluded.duration_max_ms)';
    await sql.exec(`INSERT INTO ${table} (${columns}) VALUES ${tuples}${update}`, params);
  }
}

/** The attempt a terminal transition ends, from the run and the columns the transition sets. */
export function endedAttempt(
  run: { jobId: number; hostId: number | null; startedAt: Date | null },
  state: TerminalState,
  now: Date,
  set: Record<string, SqlValue> = {},
): EndedAttempt {
  const startedAt = typeof set.started_at === 'number' ? set.started_at : (run.startedAt?.getTime() ?? null);
  return {
    jobId: run.jobId,
    hostId: run.hostId ?? 0,
    state,
    endedAt: now.getTime(),
    startedAt,
    finishedAt: typeof set.finished_at === 'number' ? set.finished_at : null,
  };
}

/** Called when the transaction that ended the attempts commits its transitions. */
export async function recordEndedAttempts(sql: Sql, attempts: readonly EndedAttempt[]): Promise<void> {
  if (attempts.length === 0) return;
  await upsertStats(sql, aggregateAttempts(attempts));
}
