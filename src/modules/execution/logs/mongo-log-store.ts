import { MongoBulkWriteError, MongoServerError, type Collection, type Db, type Filter } from 'mongodb';
import type { Sql } from '../engine-db.js';
import { clampLimit, ERROR_PATTERNS, LogStore, type JobLogLine } from './log-store.js';
import type { RunLogKey, RunLogKeys } from './run-log-keys.js';

export const LOG_COLLECTION = 'job_logs';

/** A stored line: exactly the record of deploy/fluentd/fluent.conf after its two mappings. */
export interface JobLogDocument {
  runId: string;
  executionId: string | null;
  jobId: string | null;
  attempt: number;
  stream: 'stdout' | 'stderr';
  seq: number;
  time: Date;
  line: string;
  node: string;
  expireAt: Date;
}

export interface MongoLogStoreOptions {
  retentionDays: number;
  /** Where the one-time TTL fallback warning goes. */
  warn?: (message: string) => void;
  /** Documents per delete of the fallback sweep. */
  sweepBatch?: number;
}

const DUPLICATE_KEY = 11000;
const NOT_IMPLEMENTED = 238;
const DAY_MS = 86_400_000;
const PROJECTION = { _id: 0, seq: 1, stream: 1, time: 1, line: 1 } as const;

export const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** True when every failed insert of an unordered bulk write was a duplicate key (a repeated line). */
function onlyDuplicates(error: unknown): boolean {
  if (!(error instanceof MongoBulkWriteError)) return error instanceof MongoServerError && error.code === DUPLICATE_KEY;
  const writeErrors: unknown = error.writeErrors;
  const errors = (Array.isArray(writeErrors) ? writeErrors : [writeErrors]) as { code?: unknown }[];
  return errors.length > 0 && errors.every((item) => item.code === DUPLICATE_KEY);
}

/**
 * Job output in MongoDB `job_logs`, the collection fluentd writes when exec nodes send their output
 * there: the portal writes (when fluentd is off) and reads the same documents. Runs are named by the
 * exec node's run id (job_run.node_run_id), so lines from either writer read back identically.
 * Retention: TTL index on expireAt; on servers without TTL indexes (FerretDB v1) a periodic sweep.
 */
export class MongoLogStore extends LogStore {
  private indexes?: Promise<void>;
  private ttlMissing = false;

  constructor(
    private readonly db: () => Promise<Db>,
    private readonly keys: RunLogKeys,
    private readonly options: MongoLogStoreOptions,
  ) {
    super();
  }

  private async collection(): Promise<Collection<JobLogDocument>> {
    return (await this.db()).collection<JobLogDocument>(LOG_COLLECTION);
  }

  async append(lines: readonly JobLogLine[], within?: Sql): Promise<void> {
    if (lines.length === 0) return;
    await this.prepare();
    const keys = await this.keys.keys(
      lines.map((line) => line.runId),
      within,
    );
    const documents = lines.flatMap((line) => {
      const key = keys.get(line.runId);
      return key ? [this.document(key, line)] : [];
    });
    if (documents.length === 0) return;
    try {
      // Unordered: a repeated (runId, attempt, seq) fails alone, the other lines are still stored.
      await (await this.collection()).insertMany(documents, { ordered: false });
    } catch (error) {
      if (!onlyDuplicates(error)) throw error;
    }
  }

  private document(key: RunLogKey, line: JobLogLine): JobLogDocument {
    return {
      runId: key.nodeRunId,
      executionId: key.executionId,
      jobId: key.jobId,
      attempt: line.attempt,
      stream: line.stream,
      seq: line.seq,
      time: line.time,
      line: line.line,
      node: line.node ?? '',
      expireAt: new Date(line.time.getTime() + this.options.retentionDays * DAY_MS),
    };
  }

  page(runId: number, attempt: number, afterSeq: number, limit: number): Promise<JobLogLine[]> {
    return this.find(runId, attempt, { seq: { $gt: afterSeq } }, 1, limit);
  }

  async pageBefore(runId: number, attempt: number, beforeSeq: number, limit: number): Promise<JobLogLine[]> {
    return (await this.find(runId, attempt, { seq: { $lt: beforeSeq } }, -1, limit)).reverse();
  }

  async lastSeq(runId: number, attempt: number): Promise<number> {
    const [last] = await this.find(runId, attempt, {}, -1, 1);
    return last?.seq ?? 0;
  }

  search(runId: number, attempt: number, text: string, afterSeq: number, limit: number): Promise<JobLogLine[]> {
    const filter = { seq: { $gt: afterSeq }, line: { $regex: escapeRegex(text), $options: 'i' } };
    return this.find(runId, attempt, filter, 1, limit);
  }

  async firstError(runId: number, attempt: number): Promise<JobLogLine | null> {
    const [stderr] = await this.find(runId, attempt, { stream: 'stderr' }, 1, 1);
    const pattern = ERROR_PATTERNS.map(escapeRegex).join('|');
    const [match] = await this.find(
      runId,
      attempt,
      { seq: { $lt: stderr?.seq ?? Number.MAX_SAFE_INTEGER }, line: { $regex: pattern, $options: 'i' } },
      1,
      1,
    );
    return match ?? stderr ?? null;
  }

  async attempts(runId: number): Promise<number[]> {
    const key = await this.keys.key(runId);
    if (!key) return [];
    const values = await (await this.collection()).distinct('attempt', { runId: key.nodeRunId });
    return values.map(Number).sort((a, b) => a - b);
  }

  /** Creates the indexes once (concurrent callers share the attempt; a failure is retried next call). */
  prepare(): Promise<void> {
    this.indexes ??= this.createIndexes().catch((error: unknown) => {
      this.indexes = undefined;
      throw error;
    });
    return this.indexes;
  }

  /** Deletes expired documents in batches; only needed (and only done) when TTL indexes are missing. */
  async sweepExpired(now: Date): Promise<number> {
    await this.prepare();
    if (!this.ttlMissing) return 0;
    const collection = await this.collection();
    const batch = this.options.sweepBatch ?? 5000;
    let deleted = 0;
    for (;;) {
      const expired = await collection
        .find({ expireAt: { $lt: now } }, { projection: { _id: 1 } })
        .limit(batch)
        .toArray();
      if (expired.length === 0) return deleted;
      const result = await collection.deleteMany({ _id: { $in: expired.map((document) => document._id) } });
      deleted += result.deletedCount;
    }
  }

  private async createIndexes(): Promise<void> {
    const collection = await this.collection();
    await this.warnWithoutIndexUse();
    // Serves paging (runId, attempt, seq > ? sort seq), search, first error, last seq, the attempts
    // of a run (prefix runId), and dedupe: a repeated line collides on it and is dropped.
    await collection.createIndex({ runId: 1, attempt: 1, seq: 1 }, { name: 'uq_job_logs_run_seq', unique: true });
    // Serves execution-wide lookups: { executionId } (all lines of one execution, e.g. clean-up).
    await collection.createIndex({ executionId: 1 }, { name: 'ix_job_logs_execution' });
    try {
      // Serves the server's TTL monitor: each document goes at its own expireAt (written by fluentd or us).
      await collection.createIndex({ expireAt: 1 }, { name: 'ttl_job_logs_expire_at', expireAfterSeconds: 0 });
    } catch (error) {
      if (!(error instanceof MongoServerError && error.code === NOT_IMPLEMENTED)) throw error;
      this.options.warn?.(
        `${LOG_COLLECTION}: this MongoDB server does not implement TTL indexes (${error.message}); ` +
          'each portal instance deletes expired job log lines itself (periodic batched sweep)',
      );
      // Serves the fallback sweep: find({ expireAt: { $lt: now } }).limit(n), then delete those _ids.
      await collection.createIndex({ expireAt: 1 }, { name: 'ix_job_logs_expire_at' });
      this.ttlMissing = true;
    }
  }

  /**
   * FerretDB v1 (SQLite backend) evaluates every find by scanning the whole collection: it uses no index
   * and pushes down only `{_id}` equality, so each log read costs O(all stored lines). Said once at start.
   */
  private async warnWithoutIndexUse(): Promise<void> {
    const info = await (await this.db()).admin().command({ buildInfo: 1 });
    const version: unknown = info.ferretdbVersion;
    if (typeof version !== 'string' || !version.startsWith('v1.')) return;
    this.options.warn?.(
      `${LOG_COLLECTION}: FerretDB ${version} scans the whole collection for every log read (no index use); ` +
        'log pages slow down with the total number of stored lines: use MongoDB, FerretDB v2 or the SQL log store',
    );
  }

  private async find(
    runId: number,
    attempt: number,
    filter: Filter<JobLogDocument>,
    order: 1 | -1,
    limit: number,
  ): Promise<JobLogLine[]> {
    const key = await this.keys.key(runId);
    if (!key) return [];
    const documents = await (
      await this.collection()
    )
      .find({ ...filter, runId: key.nodeRunId, attempt }, { projection: PROJECTION })
      .sort({ seq: order })
      .limit(clampLimit(limit))
      .toArray();
    return documents.map((document) => ({
      runId,
      attempt,
      seq: Number(document.seq),
      stream: document.stream === 'stderr' ? 'stderr' : 'stdout',
      time: new Date(document.time),
      line: String(document.line),
    }));
  }
}
