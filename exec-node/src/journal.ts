import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { isoOrNull, type OutboxEvent, type RunKey, type RunState, type RunView } from './types.js';

/** A run row as stored; times are epoch milliseconds. */
export interface RunRow {
  run_id: string;
  attempt: number;
  execution_id: string | null;
  job_id: string | null;
  state: RunState;
  pid: number | null;
  pgid: number | null;
  proc_start: string | null;
  boot_id: string | null;
  accepted_at: number;
  started_at: number | null;
  finished_at: number | null;
  exit_code: number | null;
  signal: string | null;
  error: string | null;
  next_seq: number;
  log_bytes: number;
  truncated: number;
  tail: string;
  /** JSON `{ name: value }` of the outputs captured so far (job-outputs.ts). */
  outputs: string;
}

export interface OutboxRow {
  id: number;
  method: string;
  run_id: string;
  attempt: number;
  seq: number;
  params: string;
  tries: number;
  /** Epoch ms when the event was journalled. */
  created_at: number;
}

/** Progress of a run's output, persisted with every log batch so a crash keeps the seq and the tail. */
export interface RunProgress extends RunKey {
  nextSeq: number;
  logBytes: number;
  truncated: boolean;
  tail: string;
  outputs: string;
}

export interface StartRecord {
  pid: number;
  procStart: string | null;
  bootId: string | null;
  startedAt: number;
}

export interface FinishRecord {
  state: RunState;
  finishedAt: number;
  exitCode: number | null;
  signal: string | null;
  error: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
  run_id TEXT NOT NULL, attempt INTEGER NOT NULL, execution_id TEXT, job_id TEXT,
  state TEXT NOT NULL, pid INTEGER, pgid INTEGER, proc_start TEXT, boot_id TEXT,
  accepted_at INTEGER NOT NULL, started_at INTEGER, finished_at INTEGER,
  exit_code INTEGER, signal TEXT, error TEXT,
  next_seq INTEGER NOT NULL DEFAULT 1, log_bytes INTEGER NOT NULL DEFAULT 0,
  truncated INTEGER NOT NULL DEFAULT 0, tail TEXT NOT NULL DEFAULT '[]', outputs TEXT NOT NULL DEFAULT '{}',
  PRIMARY KEY (run_id, attempt)
);
-- serves: active runs at start-up (recovery) and for the heartbeat
CREATE INDEX IF NOT EXISTS runs_state ON runs (state);
-- serves: retention pruning of finished runs
CREATE INDEX IF NOT EXISTS runs_finished_at ON runs (finished_at);
CREATE TABLE IF NOT EXISTS outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT, method TEXT NOT NULL,
  run_id TEXT NOT NULL, attempt INTEGER NOT NULL, seq INTEGER NOT NULL,
  params TEXT NOT NULL, created_at INTEGER NOT NULL,
  tries INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL DEFAULT 0, last_error TEXT
);
-- serves: per-run FIFO (hold later events while an earlier one of the same run waits for a retry)
CREATE INDEX IF NOT EXISTS outbox_run ON outbox (run_id, attempt, id);
`;

/** better-sqlite3 journal: accepted runs and the outbox live here so a crash loses nothing accepted. */
export class Journal {
  private readonly db: Database.Database;
  private readonly statements;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    this.db = new Database(join(dataDir, 'journal.sqlite'));
    // WAL + NORMAL: a commit survives a process crash (kill -9); only an OS crash can lose the last ones.
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    addColumnIfMissing(this.db, 'runs', 'outputs', "TEXT NOT NULL DEFAULT '{}'");
    this.statements = prepare(this.db);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  getMeta(key: string): string | undefined {
    return (this.statements.getMeta.get(key) as { value: string } | undefined)?.value;
  }

  setMeta(key: string, value: string | undefined): void {
    if (value === undefined) this.statements.deleteMeta.run(key);
    else this.statements.setMeta.run(key, value);
  }

  getRun(key: RunKey): RunRow | undefined {
    return this.statements.getRun.get(key.runId, key.attempt) as RunRow | undefined;
  }

  latestAttempt(runId: string): RunRow | undefined {
    return this.statements.latestAttempt.get(runId) as RunRow | undefined;
  }

  insertRun(row: Pick<RunRow, 'run_id' | 'attempt' | 'execution_id' | 'job_id' | 'accepted_at'>): void {
    this.statements.insertRun.run(row);
  }

  recordStarted(key: RunKey, start: StartRecord, nextSeq: number, event: OutboxEvent | null): void {
    this.db.transaction(() => {
      this.statements.markRunning.run({ ...start, runId: key.runId, attempt: key.attempt, nextSeq });
      if (event !== null) this.insertEvent(event);
    })();
  }

  /** One transaction for a whole batch of output: progress rows and their `run.log` events. */
  recordOutput(progress: RunProgress[], events: OutboxEvent[]): void {
    this.db.transaction(() => {
      for (const item of progress) this.updateProgress(item);
      for (const event of events) this.insertEvent(event);
    })();
  }

  recordFinished(progress: RunProgress, finish: FinishRecord, event: OutboxEvent | null): void {
    this.db.transaction(() => {
      this.updateProgress(progress);
      this.statements.finish.run({ ...finish, runId: progress.runId, attempt: progress.attempt });
      if (event !== null) this.insertEvent(event);
    })();
  }

  runsInStates(states: RunState[]): RunRow[] {
    return this.statements.runsInStates.all(JSON.stringify(states)) as RunRow[];
  }

  listRuns(filter: { runId?: string; state?: RunState; limit: number }): RunRow[] {
    return this.statements.listRuns.all({
      runId: filter.runId ?? null,
      state: filter.state ?? null,
      limit: filter.limit,
    }) as RunRow[];
  }

  /** Runs the node still holds: active ones and finished ones whose events are not acknowledged yet. */
  heldRuns(): { run_id: string; attempt: number; state: RunState }[] {
    return this.statements.heldRuns.all() as { run_id: string; attempt: number; state: RunState }[];
  }

  /**
   * Due outbox rows, oldest first, skipping runs whose earlier event is waiting for a retry. While no
   * row waits for a retry (`deferred` false) every row is due and the cheaper query gives the same rows.
   */
  dueEvents(now: number, maxRows: number, deferred = true): OutboxRow[] {
    const statement = deferred ? this.statements.dueEvents : this.statements.oldestEvents;
    return statement.all({ now, limit: maxRows }) as OutboxRow[];
  }

  hasDeferredEvents(): boolean {
    return this.statements.hasDeferred.get() !== undefined;
  }

  nextDueAt(): number | null {
    return (this.statements.nextDueAt.get() as { due: number | null }).due;
  }

  outboxSize(): number {
    return (this.statements.outboxSize.get() as { n: number }).n;
  }

  acknowledge(ids: number[]): void {
    this.db.transaction(() => {
      for (const id of ids) this.statements.deleteEvent.run(id);
    })();
  }

  retryLater(id: number, nextAttemptAt: number, error: string): void {
    this.statements.retryEvent.run({ id, nextAttemptAt, error });
  }

  /** Drops finished runs (and anything left of their outbox) older than the cut-off. */
  prune(finishedBefore: number): number {
    return this.db.transaction(() => {
      this.statements.pruneOutbox.run(finishedBefore);
      return this.statements.pruneRuns.run(finishedBefore).changes;
    })();
  }

  private updateProgress(progress: RunProgress): void {
    this.statements.progress.run({ ...progress, truncated: progress.truncated ? 1 : 0 });
  }

  private insertEvent(event: OutboxEvent): void {
    this.statements.insertEvent.run({
      method: event.method,
      runId: event.runId,
      attempt: event.attempt,
      seq: event.seq,
      params: JSON.stringify(event.params),
      now: Date.now(),
    });
  }
}

/** Journals written by an older node lack newer columns: added in place, existing rows get the default. */
function addColumnIfMissing(db: Database.Database, table: string, column: string, definition: string): void {
  const columns = db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[];
  if (!columns.some((item) => item.name === column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
}

function prepare(db: Database.Database) {
  const held = `SELECT run_id, attempt, state FROM runs WHERE state IN ('accepted', 'running')
    UNION SELECT r.run_id, r.attempt, r.state FROM runs r
    WHERE EXISTS (SELECT 1 FROM outbox o WHERE o.run_id = r.run_id AND o.attempt = r.attempt)`;
  return {
    getMeta: db.prepare('SELECT value FROM meta WHERE key = ?'),
    setMeta: db.prepare(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ),
    deleteMeta: db.prepare('DELETE FROM meta WHERE key = ?'),
    getRun: db.prepare('SELECT * FROM runs WHERE run_id = ? AND attempt = ?'),
    latestAttempt: db.prepare('SELECT * FROM runs WHERE run_id = ? ORDER BY attempt DESC LIMIT 1'),
    insertRun: db.prepare(`INSERT INTO runs (run_id, attempt, execution_id, job_id, state, accepted_at)
      VALUES (@run_id, @attempt, @execution_id, @job_id, 'accepted', @accepted_at)`),
    markRunning: db.prepare(`UPDATE runs SET state = 'running', pid = @pid, pgid = @pid, proc_start = @procStart,
      boot_id = @bootId, started_at = @startedAt, next_seq = @nextSeq WHERE run_id = @runId AND attempt = @attempt`),
    progress: db.prepare(`UPDATE runs SET next_seq = @nextSeq, log_bytes = @logBytes, truncated = @truncated,
      tail = @tail, outputs = @outputs WHERE run_id = @runId AND attempt = @attempt`),
    finish: db.prepare(`UPDATE runs SET state = @state, finished_at = @finishedAt, exit_code = @exitCode,
      signal = @signal, error = @error WHERE run_id = @runId AND attempt = @attempt`),
    runsInStates: db.prepare('SELECT * FROM runs WHERE state IN (SELECT value FROM json_each(?)) ORDER BY accepted_at'),
    listRuns: db.prepare(`SELECT * FROM runs WHERE (@runId IS NULL OR run_id = @runId)
      AND (@state IS NULL OR state = @state) ORDER BY accepted_at DESC, attempt DESC LIMIT @limit`),
    heldRuns: db.prepare(held),
    insertEvent: db.prepare(`INSERT INTO outbox (method, run_id, attempt, seq, params, created_at)
      VALUES (@method, @runId, @attempt, @seq, @params, @now)`),
    dueEvents: db.prepare(`SELECT id, method, run_id, attempt, seq, params, tries, created_at FROM outbox o
      WHERE o.next_attempt_at <= @now AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.run_id = o.run_id
        AND p.attempt = o.attempt AND p.id < o.id AND p.next_attempt_at > @now)
      ORDER BY o.id LIMIT @limit`),
    oldestEvents: db.prepare(
      'SELECT id, method, run_id, attempt, seq, params, tries, created_at FROM outbox ORDER BY id LIMIT @limit',
    ),
    hasDeferred: db.prepare('SELECT 1 FROM outbox WHERE tries > 0 LIMIT 1'),
    nextDueAt: db.prepare('SELECT MIN(next_attempt_at) AS due FROM outbox'),
    outboxSize: db.prepare('SELECT COUNT(*) AS n FROM outbox'),
    deleteEvent: db.prepare('DELETE FROM outbox WHERE id = ?'),
    retryEvent: db.prepare(
      'UPDATE outbox SET tries = tries + 1, next_attempt_at = @nextAttemptAt, last_error = @error WHERE id = @id',
    ),
    pruneOutbox: db.prepare(`DELETE FROM outbox WHERE EXISTS (SELECT 1 FROM runs r WHERE r.run_id = outbox.run_id
      AND r.attempt = outbox.attempt AND r.finished_at < ?)`),
    pruneRuns: db.prepare('DELETE FROM runs WHERE finished_at < ?'),
  };
}

export function rowToView(row: RunRow): RunView {
  return {
    runId: row.run_id,
    attempt: row.attempt,
    executionId: row.execution_id,
    jobId: row.job_id,
    state: row.state,
    pid: row.pid,
    pgid: row.pgid,
    acceptedAt: new Date(row.accepted_at).toISOString(),
    startedAt: isoOrNull(row.started_at),
    finishedAt: isoOrNull(row.finished_at),
    exitCode: row.exit_code,
    signal: row.signal,
    error: row.error,
    logBytes: row.log_bytes,
    truncated: row.truncated === 1,
  };
}
