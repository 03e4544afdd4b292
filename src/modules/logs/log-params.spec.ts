import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeRegex } from '../execution/logs/mongo-log-store.js';
import { searchText, wholeNumber } from './log-params.js';
import { sseEvent } from './response-writer.js';

describe('log viewer parameters', () => {
  it('takes whole numbers within range and names the field otherwise', () => {
    assert.equal(wholeNumber(undefined, 'afterSeq', 7, 100), 7);
    assert.equal(wholeNumber('42', 'afterSeq', 0, 100), 42);
    for (const bad of ['-1', '1.5', 'abc', '101', ['1']]) {
      assert.throws(
        () => wholeNumber(bad, 'afterSeq', 0, 100),
        (error: { fields?: Record<string, string> }) => Boolean(error.fields?.afterSeq),
      );
    }
  });

  it('refuses an empty or over-long search text', () => {
    assert.equal(searchText('Error 42'), 'Error 42');
    assert.throws(() => searchText('  '));
    assert.throws(() => searchText('x'.repeat(201)));
    assert.throws(() => searchText(undefined));
  });

  it('matches search text literally in a Mongo regex', () => {
    const pattern = new RegExp(escapeRegex('a.b*(c)[d]$'), 'i');
    assert.ok(pattern.test('xx A.B*(C)[D]$ yy'));
    assert.ok(!pattern.test('aXbbb(c)d'));
  });

  it('writes one server-sent event per call with its data on a single line', () => {
    assert.equal(sseEvent('lines', [{ line: 'a\nb' }], 9), 'id: 9\nevent: lines\ndata: [{"line":"a\\nb"}]\n\n');
    assert.equal(sseEvent('end', { lastSeq: 3 }), 'event: end\ndata: {"lastSeq":3}\n\n');
  });
});
