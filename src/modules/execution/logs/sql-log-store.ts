import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../../config/app-config.js';
import { containsPattern, LIKE_ESCAPE } from '../../../common/db/like.js';
import { EngineDb, toNumber, type Sql, type SqlValue } from '../engine-db.js';
import { clampLimit, ERROR_PATTERNS, LogStore, type JobLogLine } from './log-store.js';

const COLUMNS = 'seq, stream, `time`, line';
const SWEEP_BATCH = 5000;
const DAY_MS = 86_400_000;

function mapLine(runId: number, attempt: number, row: Record<string, unknown>): JobLogLine {
  return {
    runId,
    attempt,
    seq: toNumber(row.seq),
    stream: row.stream === 'stderr' ? 'stderr' : 'stdout',
    time: new Date(toNumber(row.time)),
    line: String(row.line),
  };
}

/**
 * Job output in the SQL table job_log (primary key run_id, attempt, seq: repeats are ignored). Every
 * read goes through the primary key prefix (run_id, attempt) and pages by seq. Retention is a
 * periodic batched delete on the `time` index (LogRetentionService calls sweepExpired).
 */
@Injectable()
export class SqlLogStore extends LogStore {
  constructor(
    private readonly db: EngineDb,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async append(lines: readonly JobLogLine[], within?: Sql): Promise<void> {
    if (lines.length === 0) return;
    const insert = (sql: Sql) =>
      sql.insertMany(
        'job_log',
        ['run_id', 'attempt', 'seq', 'stream', '`time`', 'line'],
        lines.map((line) => [line.runId, line.attempt, line.seq, line.stream, line.time.getTime(), line.line]),
        true,
      );
    await (within ? insert(within) : this.db.transaction(insert));
  }

  page(runId: number, attempt: number, afterSeq: number, limit: number): Promise<JobLogLine[]> {
    return this.lines(runId, attempt, 'seq > ? ORDER BY seq', [afterSeq], limit);
  }

  async pageBefore(runId: number, attempt: number, beforeSeq: number, limit: number): Promise<JobLogLine[]> {
    const lines = await this.lines(runId, attempt, 'seq < ? ORDER BY seq DESC', [beforeSeq], limit);
    return lines.reverse();
  }

  async lastSeq(runId: number, attempt: number): Promise<number> {
    const [row] = await this.db.read((sql) =>
      sql.rows<{ seq: unknown }>('SELECT seq FROM job_log WHERE run_id = ? AND attempt = ? ORDER BY seq DESC LIMIT 1', [
        runId,
        attempt,
      ]),
    );
    return row ? toNumber(row.seq) : 0;
  }

  search(runId: number, attempt: number, text: string, afterSeq: number, limit: number): Promise<JobLogLine[]> {
    const where = `seq > ? AND LOWER(line) LIKE ? ${LIKE_ESCAPE} ORDER BY seq`;
    return this.lines(runId, attempt, where, [afterSeq, containsPattern(text.toLowerCase())], limit);
  }

  async firstError(runId: number, attempt: number): Promise<JobLogLine | null> {
    const [stderr] = await this.lines(runId, attempt, "stream = 'stderr' ORDER BY seq", [], 1);
    const matches = ERROR_PATTERNS.map(() => `LOWER(line) LIKE ? ${LIKE_ESCAPE}`).join(' OR ');
    const [pattern] = await this.lines(
      runId,
      attempt,
      `seq < ? AND (${matches}) ORDER BY seq`,
      [stderr?.seq ?? Number.MAX_SAFE_INTEGER, ...ERROR_PATTERNS.map(containsPattern)],
      1,
    );
    return pattern ?? stderr ?? null;
  }

  async attempts(runId: number): Promise<number[]> {
    const rows = await this.db.read((sql) =>
      sql.rows<{ attempt: unknown }>('SELECT DISTINCT attempt FROM job_log WHERE run_id = ? ORDER BY attempt', [runId]),
    );
    return rows.map((row) => toNumber(row.attempt));
  }

  prepare(): Promise<void> {
    return Promise.resolve();
  }

  /** Deletes lines older than log.retentionDays in batches of about SWEEP_BATCH rows (by `time`). */
  async sweepExpired(now: Date): Promise<number> {
    const cutoff = now.getTime() - this.config.values.log.retentionDays * DAY_MS;
    let deleted = 0;
    for (;;) {
      const [edge] = await this.db.read((sql) =>
        sql.rows<{ time: unknown }>(
          `SELECT \`time\` FROM job_log WHERE \`time\` < ? ORDER BY \`time\` LIMIT 1 OFFSET ${SWEEP_BATCH - 1}`,
          [cutoff],
        ),
      );
      const bound = edge ? toNumber(edge.time) : cutoff - 1;
      const count = await this.db.transaction((sql) => sql.exec('DELETE FROM job_log WHERE `time` <= ?', [bound]));
      deleted += count;
      if (!edge) return deleted;
    }
  }

  private async lines(
    runId: number,
    attempt: number,
    where: string,
    params: SqlValue[],
    limit: number,
  ): Promise<JobLogLine[]> {
    const rows = await this.db.read((sql) =>
      sql.rows<Record<string, unknown>>(
        `SELECT ${COLUMNS} FROM job_log WHERE run_id = ? AND attempt = ? AND ${where} LIMIT ?`,
        [runId, attempt, ...params, clampLimit(limit)],
      ),
    );
    return rows.map((row) => mapLine(runId, attempt, row));
  }
}
