import { Injectable } from '@nestjs/common';
import { notFound } from '../../common/http/app.exception.js';
import {
  EngineDb,
  toDateOrNull,
  toNumber,
  toNumberOrNull,
  toText,
  toTextOrNull,
  type Sql,
  type SqlValue,
} from '../execution/engine-db.js';
import { ExecutionQueryService, type ExecutionSummary } from '../execution/execution-query.service.js';

export interface HistoryFilter {
  page: number;
  pageSize: number;
  state?: string;
  /** Data dates from/to, YYYY-MM-DD, inclusive. */
  from?: string;
  to?: string;
}

export interface JobRunHistoryRow {
  id: number;
  executionId: number;
  dataDate: string;
  state: string;
  attempt: number;
  hostName: string | null;
  exitCode: number | null;
  error: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  durationMs: number | null;
}

/** Runs the duration trend shows. */
export const TREND_RUNS = 50;

function filterClause(alias: string, filter: HistoryFilter, params: SqlValue[]): string {
  const where: string[] = [];
  if (filter.state) {
    where.push(`${alias}.state = ?`);
    params.push(filter.state);
  }
  if (filter.from) {
    where.push(`${alias}.data_date >= ?`);
    params.push(filter.from);
  }
  if (filter.to) {
    where.push(`${alias}.data_date <= ?`);
    params.push(filter.to);
  }
  return where.map((part) => ` AND ${part}`).join('');
}

function mapJobRun(row: Record<string, unknown>): JobRunHistoryRow {
  const startedAt = toDateOrNull(row.started_at);
  const finishedAt = toDateOrNull(row.finished_at);
  return {
    id: toNumber(row.id),
    executionId: toNumber(row.execution_id),
    dataDate: toText(row.data_date),
    state: toText(row.state),
    attempt: toNumber(row.attempt),
    hostName: toTextOrNull(row.host_name),
    exitCode: toNumberOrNull(row.exit_code),
    error: toTextOrNull(row.error),
    startedAt,
    finishedAt,
    durationMs: startedAt && finishedAt ? finishedAt.getTime() - startedAt.getTime() : null,
  };
}

/** Past executions of a dispatch and past runs of a job, newest first, paged on (owner id, id) indexes. */
@Injectable()
export class HistoryService {
  constructor(
    private readonly db: EngineDb,
    private readonly queries: ExecutionQueryService,
  ) {}

  async dispatchName(id: number): Promise<{ id: number; name: string; interfaceId: number; interfaceName: string }> {
    const [row] = await this.db.read((sql) =>
      sql.rows<Record<string, unknown>>(
        'SELECT d.id, d.name, d.interface_id, i.name AS interface_name FROM dispatch d ' +
          'JOIN etl_interface i ON i.id = d.interface_id WHERE d.id = ?',
        [id],
      ),
    );
    if (!row) throw notFound('dispatch');
    return {
      id,
      name: toText(row.name),
      interfaceId: toNumber(row.interface_id),
      interfaceName: toText(row.interface_name),
    };
  }

  async jobName(id: number): Promise<{ id: number; name: string; interfaceId: number; interfaceName: string }> {
    const [row] = await this.db.read((sql) =>
      sql.rows<Record<string, unknown>>(
        'SELECT j.id, j.name, j.interface_id, i.name AS interface_name FROM etl_job j ' +
          'JOIN etl_interface i ON i.id = j.interface_id WHERE j.id = ?',
        [id],
      ),
    );
    if (!row) throw notFound('job');
    return {
      id,
      name: toText(row.name),
      interfaceId: toNumber(row.interface_id),
      interfaceName: toText(row.interface_name),
    };
  }

  /** ix_execution_dispatch_id (dispatch_id, id): the page is read backwards from the newest. */
  async dispatchExecutions(
    dispatchId: number,
    filter: HistoryFilter,
  ): Promise<{ rows: ExecutionSummary[]; total: number }> {
    await this.dispatchName(dispatchId);
    return this.queries.list({ ...filter, dispatchId });
  }

  /** ix_job_run_job_id (job_id, id). */
  async jobRuns(jobId: number, filter: HistoryFilter): Promise<{ rows: JobRunHistoryRow[]; total: number }> {
    await this.jobName(jobId);
    const params: SqlValue[] = [jobId];
    const clause = `WHERE r.job_id = ?${filterClause('r', filter, params)}`;
    return this.db.read(async (sql) => {
      const total = await count(sql, `SELECT COUNT(*) AS n FROM job_run r ${clause}`, params);
      const rows = await sql.rows<Record<string, unknown>>(
        'SELECT r.id, r.execution_id, r.data_date, r.state, r.attempt, h.name AS host_name, r.exit_code, r.error, ' +
          `r.started_at, r.finished_at FROM job_run r LEFT JOIN exec_host h ON h.id = r.host_id ${clause} ` +
          'ORDER BY r.id DESC LIMIT ? OFFSET ?',
        [...params, filter.pageSize, (filter.page - 1) * filter.pageSize],
      );
      return { rows: rows.map(mapJobRun), total };
    });
  }

  /** Durations of the job's last TREND_RUNS succeeded runs, oldest first, and their mean. */
  async jobTrend(jobId: number) {
    const rows = await this.db.read((sql) =>
      sql.rows<Record<string, unknown>>(
        'SELECT r.id, r.execution_id, r.data_date, r.started_at, r.finished_at FROM job_run r ' +
          "WHERE r.job_id = ? AND r.state = 'succeeded' AND r.started_at IS NOT NULL AND r.finished_at IS NOT NULL " +
          `ORDER BY r.id DESC LIMIT ${TREND_RUNS}`,
        [jobId],
      ),
    );
    const points = rows.reverse().map((row) => ({
      runId: toNumber(row.id),
      executionId: toNumber(row.execution_id),
      dataDate: toText(row.data_date),
      startedAt: toDateOrNull(row.started_at),
      durationMs: toNumber(row.finished_at) - toNumber(row.started_at),
    }));
    const averageMs =
      points.length > 0 ? Math.round(points.reduce((sum, point) => sum + point.durationMs, 0) / points.length) : null;
    return { points, averageMs };
  }
}

async function count(sql: Sql, text: string, params: SqlValue[]): Promise<number> {
  const [row] = await sql.rows<{ n: unknown }>(text, params);
  return toNumber(row.n);
}
