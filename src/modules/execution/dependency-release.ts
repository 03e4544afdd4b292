import { decide, openEdges, outcomes, skipDependents } from './edge-release.js';
import { placeholders, toNumber } from './engine-db.js';
import { lockRuns, lockRunsWhere, OPEN_STATES, type RunRow } from './run-row.js';
import { ENGINE_ACTOR, type TransitionContext } from './transition-context.js';

/** Runs that keep an interface from completing; a run skipped by a branch decision counts as done. */
const NOT_DONE =
  "(state IN ('waiting','queued','dispatched','running','failed','timed_out','killed','lost') " +
  "OR (state = 'skipped' AND branch_skipped = 0))";

interface DependencyRow {
  id: number;
  runId: number;
}

/**
 * What the end of a run releases: dependency rows on the run (inside its execution) or on its job for
 * the same data date (waiting runs of other executions) whose edge condition holds, skips of
 * dependents whose condition does not (edge-release.ts), the gates of child interfaces once the whole
 * interface is done, and every run left with nothing to wait for (waiting → queued).
 */
export class DependencyRelease {
  constructor(private readonly ctx: TransitionContext) {}

  /**
   * Runs that ended for good (succeeded, failed without a retry left, skipped): the edges on them are
   * decided by their conditions (satisfied, or the dependent skipped), then their interfaces checked.
   */
  async afterEnd(runs: readonly RunRow[]): Promise<void> {
    if (runs.length === 0) return;
    const ended = await outcomes(this.ctx, runs);
    const { internal, external } = await openEdges(this.ctx, runs, ended);
    const decisions = decide(internal, external, ended);
    await this.satisfy(decisions.satisfied);
    await skipDependents(this.ctx, decisions.skipped);
    const pairs = new Map<string, { executionId: number; interfaceId: number }>();
    for (const run of runs.filter((item) => item.state === 'succeeded' || item.state === 'skipped')) {
      pairs.set(`${run.executionId}:${run.interfaceId}`, {
        executionId: run.executionId,
        interfaceId: run.interfaceId,
      });
    }
    for (const { executionId, interfaceId } of pairs.values()) {
      await this.checkInterface(executionId, interfaceId);
    }
  }

  /** Marks dependency rows satisfied, lowers their runs' counters and queues the runs now free. */
  async satisfy(rows: readonly DependencyRow[]): Promise<void> {
    if (rows.length === 0) return;
    const { sql } = this.ctx;
    await sql.exec(
      `UPDATE job_run_dependency SET satisfied = 1 WHERE id IN (${placeholders(rows.length)}) AND satisfied = 0`,
      rows.map((row) => row.id),
    );
    const counts = new Map<number, number>();
    for (const row of rows) counts.set(row.runId, (counts.get(row.runId) ?? 0) + 1);
    const byCount = new Map<number, number[]>();
    for (const [runId, count] of counts) byCount.set(count, [...(byCount.get(count) ?? []), runId]);
    for (const [count, runIds] of byCount) {
      await sql.exec(`UPDATE job_run SET waiting_on = waiting_on - ? WHERE id IN (${placeholders(runIds.length)})`, [
        count,
        ...runIds,
      ]);
    }
    await this.promote(await lockRuns(sql, [...counts.keys()], " AND state = 'waiting' AND waiting_on <= 0"));
  }

  /** waiting → queued for runs that wait for nothing any more. */
  async promote(runs: RunRow[]): Promise<void> {
    if (runs.length === 0) return;
    const { sql, now } = this.ctx;
    const affected = await sql.exec(
      `UPDATE job_run SET state = 'queued', not_before = ?, updated_at = ? WHERE id IN (${placeholders(runs.length)}) ` +
        "AND state = 'waiting' AND waiting_on <= 0",
      [now.getTime(), now.getTime(), ...runs.map((run) => run.id)],
    );
    if (affected !== runs.length) throw new Error(`promote: ${affected} of ${runs.length} runs changed`);
    for (const run of runs) {
      run.state = 'queued';
      this.ctx.record(run, 'waiting', 'queued', ENGINE_ACTOR, 'prerequisites done');
    }
  }

  /** When every run of the interface has succeeded (or was skipped by a branch), marks it so and opens its children's gates. */
  async checkInterface(executionId: number, interfaceId: number): Promise<void> {
    const [open] = await this.ctx.sql.rows<{ id: unknown; state: string }>(
      `SELECT id, state FROM job_run WHERE execution_id = ? AND interface_id = ? AND parent_run_id IS NULL AND ${NOT_DONE} LIMIT 1`,
      [executionId, interfaceId],
    );
    if (!open) return this.interfaceSucceeded(executionId, interfaceId);
    // Seen under the execution's lock (MySQL; SQLite transactions run one at a time): no other
    // transaction can have ended it unseen before this one commits.
    const locked = this.ctx.sql.dialect === 'sqlite' || this.ctx.lockedExecutions.has(executionId);
    if (OPEN_STATES.has(open.state) && locked) {
      this.ctx.seenOpen.set(executionId, toNumber(open.id));
    }
  }

  private async interfaceSucceeded(executionId: number, interfaceId: number): Promise<void> {
    const { sql, now } = this.ctx;
    const changed = await sql.exec(
      "UPDATE execution_interface SET state = 'succeeded', finished_at = ?, started_at = (SELECT MIN(r.started_at) " +
        'FROM job_run r WHERE r.execution_id = ? AND r.interface_id = ?) ' +
        "WHERE execution_id = ? AND interface_id = ? AND state <> 'succeeded'",
      [now.getTime(), executionId, interfaceId, executionId, interfaceId],
    );
    if (changed === 0) return;
    await this.advanceWatermark(executionId, interfaceId);
    const interfaces = await sql.rows<{ interface_id: unknown; parent_ids: string }>(
      `SELECT interface_id, parent_ids FROM execution_interface WHERE execution_id = ? ORDER BY interface_id${sql.forUpdate}`,
      [executionId],
    );
    for (const child of interfaces) {
      if (!child.parent_ids.split(',').includes(String(interfaceId))) continue;
      const childId = toNumber(child.interface_id);
      await sql.exec(
        'UPDATE execution_interface SET waiting_on = waiting_on - 1 WHERE execution_id = ? AND interface_id = ?',
        [executionId, childId],
      );
      const [gate] = await sql.rows<{ waiting_on: unknown }>(
        'SELECT waiting_on FROM execution_interface WHERE execution_id = ? AND interface_id = ?',
        [executionId, childId],
      );
      if (toNumber(gate.waiting_on) <= 0) await this.openGate(executionId, childId);
    }
  }

  /**
   * The interface completed this data date: its watermark moves forward (never back, and not for a
   * single-job run, which covers one job only).
   */
  private async advanceWatermark(executionId: number, interfaceId: number): Promise<void> {
    const [execution] = await this.ctx.sql.rows<{ data_date: string; dispatch_id: unknown }>(
      'SELECT data_date, dispatch_id FROM execution WHERE id = ?',
      [executionId],
    );
    if (!execution || execution.dispatch_id === null) return;
    await this.ctx.sql.exec(
      'UPDATE etl_interface SET data_date_watermark = ? WHERE id = ? AND (data_date_watermark IS NULL OR data_date_watermark < ?)',
      [execution.data_date, interfaceId, execution.data_date],
    );
  }

  private async openGate(executionId: number, interfaceId: number): Promise<void> {
    const { sql } = this.ctx;
    await sql.exec(
      'UPDATE job_run SET waiting_on = waiting_on - 1, gated = 0 WHERE execution_id = ? AND interface_id = ? AND gated = 1',
      [executionId, interfaceId],
    );
    await this.promote(
      await lockRunsWhere(sql, "execution_id = ? AND interface_id = ? AND state = 'waiting' AND waiting_on <= 0", [
        executionId,
        interfaceId,
      ]),
    );
    // An interface without jobs succeeds as soon as its gate opens, and opens its own children.
    await this.checkInterface(executionId, interfaceId);
  }
}
