import { Injectable } from '@nestjs/common';
import { EngineDb, placeholders, toNumber, type Sql } from '../engine-db.js';

/** How a run is named in MongoDB job_logs: the ids the exec node puts in every record (see fluent.conf). */
export interface RunLogKey {
  /** job_run.node_run_id: the `runId` field of the record. */
  nodeRunId: string;
  executionId: string;
  jobId: string;
}

const CACHE_SIZE = 10_000;

/**
 * Portal run id → the ids exec nodes write into log records. They never change once a run exists, so
 * they are cached (bounded, oldest dropped first).
 */
@Injectable()
export class RunLogKeys {
  private readonly cache = new Map<number, RunLogKey>();

  constructor(private readonly db: EngineDb) {}

  async key(runId: number): Promise<RunLogKey | null> {
    return (await this.keys([runId])).get(runId) ?? null;
  }

  /** `within`: read through this transaction (on SQLite another read would wait for it to end). */
  async keys(runIds: readonly number[], within?: Sql): Promise<Map<number, RunLogKey>> {
    const found = new Map<number, RunLogKey>();
    const missing = [...new Set(runIds)].filter((id) => {
      const cached = this.cache.get(id);
      if (cached) found.set(id, cached);
      return !cached;
    });
    if (missing.length === 0) return found;
    const select = (sql: Sql) =>
      sql.rows<Record<string, unknown>>(
        `SELECT id, node_run_id, execution_id, job_id FROM job_run WHERE id IN (${placeholders(missing.length)})`,
        missing,
      );
    const rows = await (within ? select(within) : this.db.read(select));
    for (const row of rows) {
      const key = {
        nodeRunId: String(row.node_run_id),
        executionId: String(row.execution_id),
        jobId: String(row.job_id),
      };
      found.set(toNumber(row.id), key);
      this.remember(toNumber(row.id), key);
    }
    return found;
  }

  private remember(runId: number, key: RunLogKey): void {
    this.cache.set(runId, key);
    if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
  }
}
