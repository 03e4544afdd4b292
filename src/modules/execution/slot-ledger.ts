import { toNumber, type EngineDb, type Sql } from './engine-db.js';

const REFRESH_MS = 1000;

/** A run that holds (or held) a slot on a host. */
export interface SlotHolder {
  runId: number;
  hostId: number;
}

/**
 * Runs in flight (dispatched or running) per host, as this instance knows them: read from the
 * database at most once a second and kept current in between by this instance's own claims and
 * ends. It holds run ids, not counts, so a claim or an end seen twice (once by a read, once by its
 * own transaction) counts once. Other instances' changes show at the next read; a node that is
 * fuller than we think answers NO_SLOT and the run goes elsewhere, so a stale view costs a retry,
 * never a double dispatch.
 */
export class SlotLedger {
  private runs = new Map<number, Set<number>>();
  private readAt = 0;

  constructor(private readonly db: EngineDb) {}

  /**
   * Runs in flight per host, without `ended` (runs that ended in the caller's transaction, not yet
   * committed). Inside a transaction pass its `sql` (the engine's SQLite transactions are serialised).
   */
  async current(
    sql?: Sql,
    ended: readonly SlotHolder[] = [],
  ): Promise<{ used: Map<number, number>; inFlight: number }> {
    if (Date.now() - this.readAt > REFRESH_MS) await this.refresh(sql);
    const gone = new Set(ended.map((holder) => holder.runId));
    const used = new Map<number, number>();
    let inFlight = 0;
    for (const [hostId, runs] of this.runs) {
      let count = 0;
      for (const runId of runs) if (!gone.has(runId)) count += 1;
      used.set(hostId, count);
      inFlight += count;
    }
    return { used, inFlight };
  }

  claimed(holders: readonly SlotHolder[]): void {
    for (const { runId, hostId } of holders) {
      let runs = this.runs.get(hostId);
      if (!runs) this.runs.set(hostId, (runs = new Set()));
      runs.add(runId);
    }
  }

  freed(holders: readonly SlotHolder[]): void {
    for (const { runId, hostId } of holders) this.runs.get(hostId)?.delete(runId);
  }

  /** Read again on the next use (a run was requeued, a host changed). */
  stale(): void {
    this.readAt = 0;
  }

  private async refresh(inTransaction?: Sql): Promise<void> {
    const read = (sql: Sql) =>
      sql.rows<{ id: unknown; host_id: unknown }>(
        "SELECT id, host_id FROM job_run WHERE state IN ('dispatched','running') AND host_id IS NOT NULL",
      );
    const rows = inTransaction ? await read(inTransaction) : await this.db.read(read);
    const runs = new Map<number, Set<number>>();
    for (const row of rows) {
      const hostId = toNumber(row.host_id);
      let set = runs.get(hostId);
      if (!set) runs.set(hostId, (set = new Set()));
      set.add(toNumber(row.id));
    }
    this.runs = runs;
    this.readAt = Date.now();
  }
}
