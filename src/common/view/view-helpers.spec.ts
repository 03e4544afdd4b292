import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatTime, jsonForScript } from './view-helpers.js';

describe('view helpers', () => {
  it('embeds JSON that cannot close a script tag', () => {
    const text = jsonForScript({ line: '</script><script>alert(1)</script> & more' });
    assert.doesNotMatch(text, /<|>|&/);
    assert.deepEqual(JSON.parse(text), { line: '</script><script>alert(1)</script> & more' });
  });
  it('formats times in UTC and tolerates empty values', () => {
    assert.equal(formatTime(new Date(Date.UTC(2026, 0, 2, 3, 4, 5))), '2026-01-02 03:04:05Z');
    assert.equal(formatTime(null), '');
    assert.equal(formatTime('not a date'), '');
  });
});
