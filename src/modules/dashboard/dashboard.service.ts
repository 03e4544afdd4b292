import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { interfaceConditionPositional, type AccessUser } from '../access/access.service.js';
import { EngineDb, placeholders, toDateOrNull, toNumber, type Sql } from '../execution/engine-db.js';
import {
  averageMs,
  dailyCounts,
  runsPerHost,
  successRate,
  windowDays,
  type DashboardDays,
  type DayCounts,
  type HostDayRow,
} from './dashboard-view.js';
import { rankJobs, RunStatWindows, type JobCondition, type JobSums } from './run-stat-window.js';

const TOP = 10;

export interface JobFigure {
  jobId: number;
  jobName: string;
  interfaceId: number | null;
  interfaceName: string;
  attempts: number;
  failed: number;
  failureRate: number | null;
  avgMs: number | null;
  maxMs: number | null;
}

export interface HostFigure {
  id: number;
  name: string;
  state: string;
  enabled: boolean;
  slots: number;
  running: number;
  /** Ended attempts per day of the window. */
  runsPerDay: number[];
}

export interface Dashboard {
  days: number;
  timezone: 'UTC';
  dayList: string[];
  daily: DayCounts[];
  totals: Omit<DayCounts, 'day'>;
  slowest: JobFigure[];
  failing: JobFigure[];
  hosts: HostFigure[];
}

/**
 * The dashboard's figures, read from the daily rollup tables (never from job_run but for the runs in flight);
 * the job rankings from the window summaries plus the last two days (run-stat-window.ts).
 */
@Injectable()
export class DashboardService {
  constructor(
    private readonly db: EngineDb,
    private readonly config: AppConfig,
    private readonly windows: RunStatWindows,
  ) {}

  /**
   * Job figures (slowest, most failing) cover only jobs of interfaces the user may see; the daily
   * totals and the exec hosts are the installation's (shared infrastructure, no names of jobs).
   */
  async dashboard(days: DashboardDays, user: AccessUser, now = new Date()): Promise<Dashboard> {
    const dayList = windowDays(days, now);
    const from = dayList[0];
    const visible = visibleJobs(user);
    const source = await this.windows.source(dayList);
    return this.db.read(async (sql) => {
      const hostRows = await this.hostDays(sql, from);
      const daily = dailyCounts(dayList, hostRows);
      const sum = (key: 'succeeded' | 'failed' | 'otherEnded') => daily.reduce((total, day) => total + day[key], 0);
      const totals = { succeeded: sum('succeeded'), failed: sum('failed'), otherEnded: sum('otherEnded') };
      const slowestSums = await rankJobs(sql, source, visible, {
        having: 'SUM(duration_count) > 0',
        order: 'SUM(duration_sum_ms) / SUM(duration_count) DESC',
        top: TOP,
      });
      const failing = await rankJobs(sql, source, visible, {
        having: 'SUM(failed) > 0',
        order: 'SUM(failed) DESC',
        top: TOP,
      });
      const names = await this.jobNames(
        sql,
        [...slowestSums, ...failing].map((row) => toNumber(row.job_id)),
      );
      return {
        days,
        timezone: 'UTC' as const,
        dayList,
        daily,
        totals: { ...totals, successRate: successRate(totals.succeeded, totals.failed) },
        slowest: slowestSums.map((row) => jobFigure(row, names)),
        failing: failing.map((row) => jobFigure(row, names)),
        hosts: await this.hosts(sql, runsPerHost(dayList, hostRows), dayList.length, now),
      };
    });
  }

  private async hostDays(sql: Sql, from: string): Promise<HostDayRow[]> {
    const rows = await sql.rows<Record<string, unknown>>(
      'SELECT day, host_id, succeeded, failed, other_ended FROM run_stat_host_day WHERE day >= ?',
      [from],
    );
    return rows.map((row) => ({
      day: String(row.day),
      hostId: toNumber(row.host_id),
      succeeded: toNumber(row.succeeded),
      failed: toNumber(row.failed),
      otherEnded: toNumber(row.other_ended),
    }));
  }

  private async jobNames(
    sql: Sql,
    ids: number[],
  ): Promise<Map<number, { name: string; interfaceId: number; interfaceName: string }>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const rows = await sql.rows<{ id: unknown; name: string; interface_id: unknown; interface_name: string | null }>(
      'SELECT j.id, j.name, j.interface_id, i.name AS interface_name FROM etl_job j ' +
        `LEFT JOIN etl_interface i ON i.id = j.interface_id WHERE j.id IN (${placeholders(unique.length)})`,
      unique,
    );
    return new Map(
      rows.map((row) => [
        toNumber(row.id),
        { name: row.name, interfaceId: toNumber(row.interface_id), interfaceName: row.interface_name ?? '' },
      ]),
    );
  }

  private async hosts(sql: Sql, perHost: Map<number, number[]>, width: number, now: Date): Promise<HostFigure[]> {
    const hosts = await sql.rows<Record<string, unknown>>(
      'SELECT h.id, h.name, h.slots, h.enabled, s.state, s.last_seen_at FROM exec_host h ' +
        'LEFT JOIN exec_host_status s ON s.host_id = h.id ORDER BY h.name',
    );
    const running = await sql.rows<{ host_id: unknown; n: unknown }>(
      "SELECT host_id, COUNT(*) AS n FROM job_run WHERE state IN ('dispatched','running') AND host_id IS NOT NULL GROUP BY host_id",
    );
    const runningBy = new Map(running.map((row) => [toNumber(row.host_id), toNumber(row.n)]));
    const offlineMs = this.config.values.exec.offlineSeconds * 1000;
    return hosts.map((row) => {
      const id = toNumber(row.id);
      const lastSeen = toDateOrNull(row.last_seen_at);
      let state = typeof row.state === 'string' ? row.state : 'unknown';
      const silent = lastSeen === null || now.getTime() - lastSeen.getTime() > offlineMs;
      if ((state === 'online' || state === 'draining') && silent) state = 'offline';
      return {
        id,
        name: String(row.name),
        state,
        enabled: toNumber(row.enabled) === 1,
        slots: toNumber(row.slots),
        running: runningBy.get(id) ?? 0,
        runsPerDay: perHost.get(id) ?? new Array<number>(width).fill(0),
      };
    });
  }
}

/** ` AND job_id IN (jobs of visible interfaces)`, or nothing for admins. */
function visibleJobs(user: AccessUser): JobCondition {
  const condition = interfaceConditionPositional(user, 'acc_j.interface_id');
  if (!condition) return { sql: '', params: [] };
  return {
    sql: ` AND job_id IN (SELECT acc_j.id FROM etl_job acc_j WHERE ${condition.sql})`,
    params: condition.params,
  };
}

function jobFigure(
  row: JobSums,
  names: Map<number, { name: string; interfaceId: number; interfaceName: string }>,
): JobFigure {
  const jobId = toNumber(row.job_id);
  const name = names.get(jobId);
  const succeeded = toNumber(row.succeeded);
  const failed = toNumber(row.failed);
  const attempts = succeeded + failed + toNumber(row.other_ended);
  const durationCount = toNumber(row.duration_count);
  return {
    jobId,
    jobName: name?.name ?? `#${jobId}`,
    interfaceId: name?.interfaceId ?? null,
    interfaceName: name?.interfaceName ?? '',
    attempts,
    failed,
    failureRate: attempts === 0 ? null : Math.round((failed / attempts) * 1000) / 10,
    avgMs: averageMs({ durationCount, durationSumMs: toNumber(row.duration_sum_ms) }),
    maxMs: durationCount === 0 ? null : toNumber(row.duration_max_ms),
  };
}
