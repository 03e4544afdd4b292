import type { SlotHolder } from './slot-ledger.js';
import { endedAttempt, recordEndedAttempts, type EndedAttempt } from '../dashboard/run-stat-rollup.js';
import type { Sql, SqlValue } from './engine-db.js';
import { isTerminal, type RunState } from './job-run.entity.js';
import type { RunRow } from './run-row.js';
import type { Assignment } from './run-sender.service.js';

export const ENGINE_ACTOR = 'engine';

export interface CasChange {
  run: RunRow;
  to: RunState;
  set: Record<string, SqlValue>;
  actor: string;
  reason: string;
  via?: RunState;
}

interface TransitionRecord {
  runId: number;
  executionId: number;
  attempt: number;
  from: string;
  to: string;
  actor: string;
  reason: string;
}

/**
 * The state changes of one transaction. Every change is a compare-and-set on (id, state, attempt),
 * so a change computed from a stale read cannot apply; each applied change is recorded as a
 * transition row, written in one statement when the transaction ends.
 */
export class TransitionContext {
  readonly now: Date;
  private readonly records: TransitionRecord[] = [];
  /** Runs that reached a terminal state in this transaction and still need their consequences. */
  readonly pendingTerminal: RunRow[] = [];
  /** Executions with a run that reached a terminal state (their completion is checked). */
  readonly touchedExecutions = new Set<number>();
  /** Executions whose row this transaction holds (MySQL), taken in id order. */
  readonly lockedExecutions = new Set<number>();
  /** Something became queued: the dispatcher should look. */
  queuedSome = false;
  /** Ids of runs that became queued in this transaction (claimed before the commit when a host is free). */
  readonly queuedIds: number[] = [];
  /** Runs claimed (dispatched) in this transaction: job.run goes out after the commit. */
  readonly claimed: Assignment[] = [];
  /** Runs that left dispatched/running, with the host whose slot they freed. */
  readonly freed: SlotHolder[] = [];
  /** The dispatcher refilled the freed slots from the queue in this transaction (no round needed for them). */
  queueServed = false;
  /** Alert rows were written: the sender should look. */
  alertsQueued = false;
  /** An execution ended in this transaction. */
  executionEnded = false;
  /** Attempts ended here, added to the dashboard's daily rollup when the transitions are written. */
  private readonly endedAttempts: EndedAttempt[] = [];
  /** Outputs of runs this transaction ended with a node's report (what their edges are decided on). */
  readonly reportedOutputs = new Map<number, Record<string, string>>();
  /** Per execution, a run seen open after its lock was taken (its completion need not be queried again). */
  readonly seenOpen = new Map<number, number>();
  /** Runs that reached a terminal state in this transaction. */
  readonly endedIds = new Set<number>();

  constructor(readonly sql: Sql) {
    this.now = new Date();
  }

  /**
   * `UPDATE job_run SET state = to, … WHERE id AND state = run.state AND attempt = run.attempt`.
   * Returns false (and changes nothing) when the row moved on meanwhile. `via` records an
   * intermediate state passed through in the same statement.
   */
  async cas(
    run: RunRow,
    to: RunState,
    set: Record<string, SqlValue>,
    actor: string,
    reason = '',
    via?: RunState,
  ): Promise<boolean> {
    const columns = Object.keys(set);
    const assignments = ['state = ?', 'updated_at = ?', ...columns.map((column) => `${column} = ?`)].join(', ');
    const affected = await this.sql.exec(
      `UPDATE job_run SET ${assignments} WHERE id = ? AND state = ? AND attempt = ?`,
      [to, this.now.getTime(), ...columns.map((column) => set[column]), run.id, run.state, run.attempt],
    );
    if (affected !== 1) return false;
    const from = run.state;
    run.state = to;
    if (typeof set.attempt === 'number') run.attempt = set.attempt;
    // Two steps applied by one statement (a batch held run.started and run.finished): both are recorded.
    if (via !== undefined && via !== from) this.record(run, from, via, actor);
    this.record(run, via ?? from, to, actor, reason, set);
    return true;
  }

  /**
   * Many compare-and-set changes of rows this transaction has locked, in one statement per column
   * set (`SET col = CASE id WHEN … END`), each still conditioned on its run's state and attempt. A
   * row that did not match means the lock did not hold: the transaction fails and is retried.
   */
  async casLocked(changes: readonly CasChange[]): Promise<void> {
    if (this.sql.dialect === 'sqlite') {
      // In-process SQLite has no round trips: one prepared statement per row beats a new large one.
      for (const { run, to, set, actor, reason, via } of changes) {
        if (!(await this.cas(run, to, set, actor, reason, via))) throw new Error(`locked run ${run.id} changed`);
      }
      return;
    }
    const groups = new Map<string, CasChange[]>();
    for (const change of changes) {
      const key = [change.to, ...Object.keys(change.set)].join(',');
      groups.set(key, [...(groups.get(key) ?? []), change]);
    }
    for (const group of groups.values()) {
      const columns = Object.keys(group[0].set);
      const params: SqlValue[] = [group[0].to, this.now.getTime()];
      const cases = columns.map((column) => {
        for (const change of group) params.push(change.run.id, change.set[column]);
        return `${column} = CASE id ${group.map(() => 'WHEN ? THEN ?').join(' ')} END`;
      });
      const conditions = group.map(() => '(id = ? AND state = ? AND attempt = ?)').join(' OR ');
      for (const { run } of group) params.push(run.id, run.state, run.attempt);
      const affected = await this.sql.exec(
        `UPDATE job_run SET ${['state = ?', 'updated_at = ?', ...cases].join(', ')} WHERE ${conditions}`,
        params,
      );
      if (affected !== group.length) throw new Error(`locked runs changed: ${affected} of ${group.length} updated`);
      for (const { run, to, set, actor, reason, via } of group) {
        const from = run.state;
        run.state = to;
        if (via !== undefined && via !== from) this.record(run, from, via, actor);
        this.record(run, via ?? from, to, actor, reason, set);
      }
    }
  }

  /** Notes a change already applied by a set-based statement (`set`: the columns it wrote, if known). */
  record(run: RunRow, from: string, to: RunState, actor: string, reason = '', set?: Record<string, SqlValue>): void {
    this.addRow(run, from, to, actor, reason);
    if (to === 'queued') {
      this.queuedSome = true;
      this.queuedIds.push(run.id);
    }
    if ((from === 'dispatched' || from === 'running') && to !== 'running' && run.hostId !== null) {
      this.freed.push({ runId: run.id, hostId: run.hostId });
    }
    if (isTerminal(to)) {
      this.endedIds.add(run.id);
      this.endedAttempts.push(endedAttempt(run, to, this.now, set));
      this.pendingTerminal.push(run);
      this.touchedExecutions.add(run.executionId);
    }
  }

  /** queued → dispatched of a run claimed as read (nothing freed, queued or ended: only the row to write). */
  recordClaim(run: Pick<RunRow, 'id' | 'executionId' | 'attempt'>, actor: string, reason: string): void {
    this.addRow(run, 'queued', 'dispatched', actor, reason);
  }

  /** The transition row itself, written by flush(). */
  private addRow(
    run: Pick<RunRow, 'id' | 'executionId' | 'attempt'>,
    from: string,
    to: RunState,
    actor: string,
    reason: string,
  ): void {
    this.records.push({
      runId: run.id,
      executionId: run.executionId,
      attempt: run.attempt,
      from,
      to,
      actor,
      reason: reason.slice(0, 1000),
    });
  }

  get transitionCount(): number {
    return this.records.length;
  }

  async flush(): Promise<void> {
    if (this.records.length === 0) return;
    const at = this.now.getTime();
    await this.sql.insertMany(
      'job_run_transition',
      ['run_id', 'execution_id', 'attempt', 'from_state', 'to_state', '`at`', 'actor', 'reason'],
      this.records.map((r) => [r.runId, r.executionId, r.attempt, r.from, r.to, at, r.actor.slice(0, 128), r.reason]),
    );
    this.records.length = 0;
    await recordEndedAttempts(this.sql, this.endedAttempts.splice(0));
  }
}
