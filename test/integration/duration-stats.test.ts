import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EngineDb } from '../../src/modules/execution/engine-db.js';
import { nextStat, readStats, recordDurations, type DurationStat } from '../../src/modules/execution/run-estimate.js';
import { startTestPortal, testDatabase, type TestPortal } from '../support/portal.js';

describe(`job duration statistics in the database (${testDatabase()})`, () => {
  let portal: TestPortal;
  let db: EngineDb;

  before(async () => {
    portal = await startTestPortal();
    db = portal.app.get(EngineDb);
  });

  after(async () => {
    await portal?.close();
  });

  it('learns in SQL exactly what nextStat() says, a job repeated within one batch included', async () => {
    const batches = [
      [
        { jobId: 9001, ms: 10_000 },
        { jobId: 9002, ms: 400 },
      ],
      [
        { jobId: 9001, ms: 20_000 },
        { jobId: 9001, ms: 3_001 },
        { jobId: 9002, ms: 1_255 },
      ],
      [{ jobId: 9002, ms: 0 }],
    ];
    const expected = new Map<number, DurationStat>();
    for (const batch of batches) {
      await db.transaction((sql) => recordDurations(sql, batch));
      for (const { jobId, ms } of batch) expected.set(jobId, nextStat(expected.get(jobId), ms));
      const stored = await db.read((sql) => readStats(sql, [9001, 9002]));
      assert.deepEqual(stored, expected);
    }
    const [row] = await db.read((sql) =>
      sql.rows<{ last_ms: unknown }>('SELECT last_ms FROM job_duration_stat WHERE job_id = ?', [9001]),
    );
    assert.equal(Number(row.last_ms), 3_001);
  });
});
