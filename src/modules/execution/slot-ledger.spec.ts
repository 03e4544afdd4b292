import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EngineDb, Sql } from './engine-db.js';
import { SlotLedger } from './slot-ledger.js';

/** The in-flight rows a database read returns; `reads` counts the reads. */
function rowsSource(rows: { id: number; host_id: number }[]) {
  const source = { reads: 0 };
  const sql = {
    rows: () => {
      source.reads += 1;
      return Promise.resolve(rows.map((row) => ({ ...row })));
    },
  } as unknown as Sql;
  const db = { read: <T>(work: (sql: Sql) => Promise<T>) => work(sql) } as unknown as EngineDb;
  return { source, db };
}

describe('SlotLedger', () => {
  it('counts each run once however often its claim or end is seen', async () => {
    const { db } = rowsSource([
      { id: 1, host_id: 10 },
      { id: 2, host_id: 10 },
    ]);
    const ledger = new SlotLedger(db);
    assert.deepEqual((await ledger.current()).used.get(10), 2);
    ledger.claimed([{ runId: 2, hostId: 10 }]); // already counted by the read
    ledger.claimed([{ runId: 3, hostId: 11 }]);
    ledger.freed([{ runId: 1, hostId: 10 }]);
    ledger.freed([{ runId: 1, hostId: 10 }]); // seen twice
    const { used, inFlight } = await ledger.current();
    assert.deepEqual([used.get(10), used.get(11), inFlight], [1, 1, 2]);
  });

  it('leaves out runs ended in the caller’s transaction and reads at most once a second', async () => {
    const { db, source } = rowsSource([
      { id: 1, host_id: 10 },
      { id: 2, host_id: 10 },
    ]);
    const ledger = new SlotLedger(db);
    const { used, inFlight } = await ledger.current(undefined, [{ runId: 1, hostId: 10 }]);
    assert.deepEqual([used.get(10), inFlight], [1, 1]);
    await ledger.current();
    assert.equal(source.reads, 1);
    ledger.stale();
    await ledger.current();
    assert.equal(source.reads, 2);
  });
});
