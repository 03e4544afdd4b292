import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normaliseInLists } from './engine-db.js';

describe('IN list normalisation', () => {
  it('pads lists to a power of two with the last value and keeps other parameters in place', () => {
    const { sql, params } = normaliseInLists('UPDATE t SET a = ? WHERE id IN (?,?,?,?,?) AND b = ? AND c IN (?)', [
      'x',
      1,
      2,
      3,
      4,
      5,
      'y',
      9,
    ]);
    assert.equal(sql, 'UPDATE t SET a = ? WHERE id IN (?,?,?,?,?,?,?,?) AND b = ? AND c IN (?)');
    assert.deepEqual(params, ['x', 1, 2, 3, 4, 5, 5, 5, 5, 'y', 9]);
  });

  it('leaves statements without lists alone', () => {
    assert.deepEqual(normaliseInLists('SELECT 1 FROM t WHERE a = ? LIMIT ?', [1, 2]), {
      sql: 'SELECT 1 FROM t WHERE a = ? LIMIT ?',
      params: [1, 2],
    });
  });
});
