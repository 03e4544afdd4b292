/** A CSV text that cannot be read; `record` is the 1-based record (spreadsheet row) where it went wrong. */
export class CsvError extends Error {
  constructor(
    message: string,
    readonly record: number,
  ) {
    super(`row ${record}: ${message}`);
  }
}

interface Scan {
  text: string;
  index: number;
  records: string[][];
  record: string[];
}

/** A quoted cell from its opening quote: `""` is a quote; ends at the closing quote. */
function quotedCell(scan: Scan): string {
  const start = scan.records.length + 1;
  let cell = '';
  let index = scan.index + 1;
  for (;;) {
    const close = scan.text.indexOf('"', index);
    if (close < 0) throw new CsvError('a quoted cell is not closed', start);
    cell += scan.text.slice(index, close);
    if (scan.text[close + 1] === '"') {
      cell += '"';
      index = close + 2;
    } else {
      scan.index = close + 1;
      return cell;
    }
  }
}

function plainCell(scan: Scan): string {
  let end = scan.index;
  while (end < scan.text.length && !',\r\n'.includes(scan.text[end])) end++;
  const cell = scan.text.slice(scan.index, end);
  if (cell.includes('"'))
    throw new CsvError('a quote inside an unquoted cell (quote the whole cell)', scan.records.length + 1);
  scan.index = end;
  return cell;
}

/** After a cell: a comma (next cell), a line break (next record) or the end. */
function afterCell(scan: Scan): boolean {
  const char = scan.text[scan.index];
  if (char === ',') {
    scan.index++;
    return true;
  }
  if (char === undefined || char === '\r' || char === '\n') {
    scan.records.push(scan.record);
    scan.record = [];
    if (char === '\r' && scan.text[scan.index + 1] === '\n') scan.index++;
    if (char !== undefined) scan.index++;
    return scan.index < scan.text.length;
  }
  throw new CsvError(`unexpected "${char}" after a closing quote`, scan.records.length + 1);
}

/**
 * Parses CSV as RFC 4180 describes it: comma-separated cells, cells quoted with `"` may hold
 * commas, line breaks and `""` for a quote; records end with CRLF or LF (or CR). A UTF-8 byte
 * order mark at the start is dropped. A final line break does not start an empty record.
 */
export function parseCsv(input: string): string[][] {
  const text = input.startsWith('\uFEFF') ? input.slice(1) : input;
  const scan: Scan = { text, index: 0, records: [], record: [] };
  if (text === '') return [];
  let more = true;
  while (more) {
    scan.record.push(text[scan.index] === '"' ? quotedCell(scan) : plainCell(scan));
    more = afterCell(scan);
  }
  return scan.records;
}
