import { Injectable } from '@nestjs/common';
import { EngineDb, toNumber } from '../engine-db.js';
import { LogStore, type JobLogLine } from './log-store.js';

/** Job output in the SQL table job_log (primary key run_id, attempt, seq: repeats are ignored). */
@Injectable()
export class SqlLogStore extends LogStore {
  constructor(private readonly db: EngineDb) {
    super();
  }

  async append(lines: readonly JobLogLine[]): Promise<void> {
    if (lines.length === 0) return;
    await this.db.transaction((sql) =>
      sql.insertMany(
        'job_log',
        ['run_id', 'attempt', 'seq', 'stream', '`time`', 'line'],
        lines.map((line) => [line.runId, line.attempt, line.seq, line.stream, line.time.getTime(), line.line]),
        true,
      ),
    );
  }

  async page(runId: number, attempt: number, afterSeq: number, limit: number): Promise<JobLogLine[]> {
    const rows = await this.db.read((sql) =>
      sql.rows<Record<string, unknown>>(
        'SELECT seq, stream, `time`, line FROM job_log WHERE run_id = ? AND attempt = ? AND seq > ? ORDER BY seq LIMIT ?',
        [runId, attempt, afterSeq, Math.max(1, Math.min(limit, 10_000))],
      ),
    );
    return rows.map((row) => ({
      runId,
      attempt,
      seq: toNumber(row.seq),
      stream: row.stream === 'stderr' ? 'stderr' : 'stdout',
      time: new Date(toNumber(row.time)),
      line: String(row.line),
    }));
  }
}
