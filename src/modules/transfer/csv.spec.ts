import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CsvError, parseCsv } from './csv.js';

describe('parseCsv (RFC 4180)', () => {
  it('splits records on CRLF or LF and cells on commas, keeping empty cells', () => {
    assert.deepEqual(parseCsv('a,b,c\r\n1,,3\n,,\n'), [
      ['a', 'b', 'c'],
      ['1', '', '3'],
      ['', '', ''],
    ]);
  });

  it('reads quoted cells with commas, line breaks and doubled quotes', () => {
    assert.deepEqual(parseCsv('"a,b","line 1\r\nline 2","say ""hi"""\n'), [['a,b', 'line 1\r\nline 2', 'say "hi"']]);
  });

  it('drops a UTF-8 byte order mark and keeps non-ASCII text', () => {
    assert.deepEqual(parseCsv('\uFEFF序号,任务名称\n1,加载'), [
      ['序号', '任务名称'],
      ['1', '加载'],
    ]);
  });

  it('keeps a blank line as a record so record numbers stay the spreadsheet rows', () => {
    assert.deepEqual(parseCsv('h\n\nx'), [['h'], [''], ['x']]);
  });

  it('refuses an unclosed quote and a quote inside an unquoted cell, naming the record', () => {
    assert.throws(
      () => parseCsv('a\n"open,b\n'),
      (error: unknown) => error instanceof CsvError && error.record === 2,
    );
    assert.throws(() => parseCsv('a\nb"c\n'), /row 2: a quote inside an unquoted cell/);
    assert.throws(() => parseCsv('"a"b\n'), /row 1: unexpected "b" after a closing quote/);
  });

  it('reads an empty text as no records', () => {
    assert.deepEqual(parseCsv(''), []);
  });
});
