import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EngineDb, type Sql, type SqlValue } from '../execution/engine-db.js';
import { DASHBOARD_DAYS, windowDays } from './dashboard-view.js';

/** Days at the end of a window read from run_stat_job_day directly: yesterday (late commits) and today. */
export const LIVE_DAYS = 2;
/** Summaries are prepared in the background shortly after start and then checked this often (cheap when present). */
const WARM_FIRST_MS = 5_000;
const WARM_EVERY_MS = 10 * 60_000;

const COUNTS = 'succeeded, failed, other_ended, duration_count, duration_sum_ms, duration_max_ms';
const SUMS =
  'SUM(succeeded) AS succeeded, SUM(failed) AS failed, SUM(other_ended) AS other_ended, ' +
  'SUM(duration_count) AS duration_count, SUM(duration_sum_ms) AS duration_sum_ms, MAX(duration_max_ms) AS duration_max_ms';

/** Per-job sums over a window, as the ranking queries return them. */
export interface JobSums {
  job_id: unknown;
  succeeded: unknown;
  failed: unknown;
  other_ended: unknown;
  duration_count: unknown;
  duration_sum_ms: unknown;
  duration_max_ms: unknown;
}

/** How a window's per-job sums are read: the settled days from the summary, the live days from the day rows. */
export interface WindowSource {
  /** FROM clause (a derived table `s` with job_id and the six counts). */
  from: string;
  params: SqlValue[];
}

/**
 * Settled days (from … through) come from run_stat_job_window, built here once per window and day;
 * the last LIVE_DAYS days from run_stat_job_day. The sums are exact: attempts only ever end "now", so
 * no row of a settled day changes (the rebuild empties the summaries). Concurrent builders of one
 * window share the build; a build that fails leaves the day rows as the source. Summaries are also
 * built in the background after start and every ten minutes, so a new day's first visitor does not wait.
 */
@Injectable()
export class RunStatWindows implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly building = new Map<string, Promise<boolean>>();
  private timer?: NodeJS.Timeout;
  private warming?: Promise<unknown>;

  constructor(private readonly db: EngineDb) {}

  onApplicationBootstrap(): void {
    this.schedule(WARM_FIRST_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.warming;
  }

  /** Builds today's summaries of every window before a user asks (a new day needs new ones). */
  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.warming = Promise.all(DASHBOARD_DAYS.map((days) => this.source(windowDays(days, new Date())))).finally(
        () => {
          this.warming = undefined;
          if (this.timer !== undefined) this.schedule(WARM_EVERY_MS);
        },
      );
    }, delayMs);
    this.timer.unref();
  }

  async source(dayList: readonly string[]): Promise<WindowSource> {
    const from = dayList[0];
    const through = dayList[dayList.length - 1 - LIVE_DAYS];
    const live = dayList[dayList.length - LIVE_DAYS];
    if (!(await this.ensure(from, through))) {
      return { from: `(SELECT job_id, ${COUNTS} FROM run_stat_job_day WHERE day >= ?) s`, params: [from] };
    }
    return {
      from:
        `(SELECT job_id, ${COUNTS} FROM run_stat_job_window WHERE from_day = ? AND through_day = ? ` +
        `UNION ALL SELECT job_id, ${COUNTS} FROM run_stat_job_day WHERE day >= ?) s`,
      params: [from, through, live],
    };
  }

  /** True when the summary of from … through exists (built now if needed). */
  private ensure(from: string, through: string): Promise<boolean> {
    const key = `${from}|${through}`;
    let build = this.building.get(key);
    if (!build) {
      build = this.build(from, through)
        .then(() => true)
        .catch(() => false)
        .finally(() => this.building.delete(key));
      this.building.set(key, build);
    }
    return build;
  }

  private async build(from: string, through: string): Promise<void> {
    const present = await this.db.read((sql) =>
      sql.rows('SELECT 1 AS x FROM run_stat_job_window WHERE from_day = ? AND through_day = ? LIMIT 1', [
        from,
        through,
      ]),
    );
    if (present.length > 0) return;
    await this.db.transaction(async (sql) => {
      // Summaries of earlier days are no longer read by any window.
      await sql.exec('DELETE FROM run_stat_job_window WHERE through_day < ?', [through]);
      await sql.exec(
        `${sql.dialect === 'mysql' ? 'INSERT IGNORE' : 'INSERT OR IGNORE'} INTO run_stat_job_window ` +
          `(from_day, through_day, job_id, ${COUNTS}) SELECT ?, ?, job_id, ${SUMS} FROM run_stat_job_day ` +
          'WHERE day >= ? AND day <= ? GROUP BY job_id',
        [from, through, from, through],
      );
    });
  }
}

/** A condition on job_id appended to the ranking (` AND job_id IN (...)`, or empty). */
export interface JobCondition {
  sql: string;
  params: SqlValue[];
}

/** The top jobs of a window by an order over the sums (with a HAVING filter), ties by job id. */
export function rankJobs(
  sql: Sql,
  source: WindowSource,
  jobs: JobCondition,
  rank: { having: string; order: string; top: number },
): Promise<JobSums[]> {
  return sql.rows<JobSums>(
    `SELECT job_id, ${SUMS} FROM ${source.from} WHERE 1 = 1${jobs.sql} GROUP BY job_id ` +
      `HAVING ${rank.having} ORDER BY ${rank.order}, job_id LIMIT ${rank.top}`,
    [...source.params, ...jobs.params],
  );
}

/** Empties every window summary (the rollup was rebuilt or reseeded). */
export async function clearWindows(sql: Sql): Promise<void> {
  await sql.exec('DELETE FROM run_stat_job_window');
}
