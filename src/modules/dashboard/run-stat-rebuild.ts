import type { EngineDb, Sql } from '../execution/engine-db.js';
import { toNumber, toText } from '../execution/engine-db.js';
import { TERMINAL_STATES, type TerminalState } from '../execution/job-run.entity.js';
import { clearWindows } from './run-stat-window.js';
import {
  addAttempt,
  statRow,
  statValues,
  utcDay,
  type EndedAttempt,
  type StatCounts,
  type StatRow,
} from './run-stat-rollup.js';

const BATCH = 5000;
const TERMINAL = new Set<string>(TERMINAL_STATES);

interface TransitionRow {
  id: unknown;
  run_id: unknown;
  attempt: unknown;
  to_state: string;
  at: unknown;
  reason: unknown;
  job_id: unknown;
  host_id: unknown;
  current_attempt: unknown;
}

/**
 * Recomputes the rollup from job_run_transition (for upgrades and repairs). Attempts are the
 * transitions into a terminal state; an attempt's duration is the time between its transitions to
 * running and to the end (the live rollup uses the node's own start and end, a few ms apart); its host
 * is the run's host for the current attempt, else the host named by its dispatch transition.
 */
export class RunStatRebuild {
  private readonly jobs = new Map<string, StatRow<'jobId'>>();
  private readonly hosts = new Map<string, StatRow<'hostId'>>();
  /** (run, attempt) → start time and host of attempts not ended yet in the scan. */
  private readonly open = new Map<string, { startedAt: number | null; hostName: string | null }>();
  attempts = 0;

  constructor(private readonly hostIds: ReadonlyMap<string, number>) {}

  /** Scans every transition in id order (bounded batches), then replaces both tables in one transaction. */
  static async run(db: EngineDb): Promise<{ attempts: number; jobRows: number; hostRows: number }> {
    const hostRows = await db.read((sql) => sql.rows<{ id: unknown; name: string }>('SELECT id, name FROM exec_host'));
    const rebuild = new RunStatRebuild(new Map(hostRows.map((row) => [row.name, toNumber(row.id)])));
    for (let after = 0; ;) {
      const rows = await db.read((sql) => RunStatRebuild.batch(sql, after));
      if (rows.length === 0) break;
      for (const row of rows) rebuild.add(row);
      after = toNumber(rows[rows.length - 1].id);
    }
    const { jobs, hosts } = rebuild.rows();
    await db.transaction(async (sql) => {
      await sql.exec('DELETE FROM run_stat_job_day');
      await clearWindows(sql);
      await sql.exec('DELETE FROM run_stat_host_day');
      await insertRows(sql, 'run_stat_job_day', 'job_id', jobs);
      await insertRows(sql, 'run_stat_host_day', 'host_id', hosts);
    });
    return { attempts: rebuild.attempts, jobRows: jobs.length, hostRows: hosts.length };
  }

  private static batch(sql: Sql, after: number): Promise<TransitionRow[]> {
    return sql.rows<TransitionRow>(
      'SELECT t.id, t.run_id, t.attempt, t.to_state, t.`at`, t.reason, r.job_id, r.host_id, r.attempt AS current_attempt ' +
        'FROM job_run_transition t JOIN job_run r ON r.id = t.run_id ' +
        `WHERE t.id > ? AND t.to_state IN ('dispatched','running',${TERMINAL_STATES.map((s) => `'${s}'`).join(',')}) ` +
        `ORDER BY t.id LIMIT ${BATCH}`,
      [after],
    );
  }

  add(row: TransitionRow): void {
    const key = `${toNumber(row.run_id)}:${toNumber(row.attempt)}`;
    const at = toNumber(row.at);
    const open = this.open.get(key) ?? { startedAt: null, hostName: null };
    if (row.to_state === 'dispatched') {
      const match = /^to (.+)$/.exec(toText(row.reason));
      this.open.set(key, { ...open, hostName: match ? match[1] : null });
      return;
    }
    if (row.to_state === 'running') {
      this.open.set(key, { ...open, startedAt: at });
      return;
    }
    if (!TERMINAL.has(row.to_state)) return;
    this.open.delete(key);
    const current = toNumber(row.attempt) === toNumber(row.current_attempt);
    const hostId = current && row.host_id !== null ? toNumber(row.host_id) : this.hostIds.get(open.hostName ?? '');
    const attempt: EndedAttempt = {
      jobId: toNumber(row.job_id),
      hostId: hostId ?? 0,
      state: row.to_state as TerminalState,
      endedAt: at,
      startedAt: open.startedAt,
      finishedAt: at,
    };
    this.attempts++;
    const day = utcDay(at);
    addAttempt(statRow(this.jobs, day, 'jobId', attempt.jobId), attempt);
    addAttempt(statRow(this.hosts, day, 'hostId', attempt.hostId), attempt);
  }

  rows(): { jobs: StatRow<'jobId'>[]; hosts: StatRow<'hostId'>[] } {
    return { jobs: [...this.jobs.values()], hosts: [...this.hosts.values()] };
  }
}

/** Plain multi-row inserts into an emptied table. */
export async function insertRows(
  sql: Sql,
  table: string,
  key: string,
  rows: readonly (StatCounts & { day: string; id: number })[],
): Promise<void> {
  await sql.insertMany(
    table,
    ['day', key, 'succeeded', 'failed', 'other_ended', 'duration_count', 'duration_sum_ms', 'duration_max_ms'],
    rows.map(statValues),
  );
}
