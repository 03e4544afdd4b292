import { toNumber, type EngineDb, type Sql } from './engine-db.js';

const REFRESH_MS = 1000;

/**
 * Runs in flight (dispatched or running) per host, as this instance knows them: read from the
 * database at most once a second and kept current in between by this instance's own claims and
 * ends. Other instances' changes show at the next read; a node that is fuller than we think answers
 * NO_SLOT and the run goes elsewhere, so a stale count costs a retry, never a double dispatch.
 */
export class SlotLedger {
  private used = new Map<number, number>();
  private readAt = 0;

  constructor(private readonly db: EngineDb) {}

  /** Inside a transaction pass its `sql` (the engine's SQLite transactions are serialised). */
  async current(sql?: Sql): Promise<{ used: Map<number, number>; inFlight: number }> {
    if (Date.now() - this.readAt > REFRESH_MS) await this.refresh(sql);
    let inFlight = 0;
    for (const count of this.used.values()) inFlight += count;
    return { used: new Map(this.used), inFlight };
  }

  claimed(hostId: number, count: number): void {
    this.used.set(hostId, (this.used.get(hostId) ?? 0) + count);
  }

  freed(hostIds: readonly number[]): void {
    for (const hostId of hostIds) this.used.set(hostId, Math.max(0, (this.used.get(hostId) ?? 0) - 1));
  }

  /** Read again on the next use (a run was requeued, a host changed). */
  stale(): void {
    this.readAt = 0;
  }

  private async refresh(inTransaction?: Sql): Promise<void> {
    const read = (sql: Sql) =>
      sql.rows<{ host_id: unknown; n: unknown }>(
        "SELECT host_id, COUNT(*) AS n FROM job_run WHERE state IN ('dispatched','running') GROUP BY host_id",
      );
    const rows = inTransaction ? await read(inTransaction) : await this.db.read(read);
    this.used = new Map(rows.map((row) => [toNumber(row.host_id), toNumber(row.n)]));
    this.readAt = Date.now();
  }
}
