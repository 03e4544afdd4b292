import { ValidationException } from '../../common/http/app.exception.js';
import type { ImportDocument, ImportJob, ImportSource, JobReference, Origin, ReadProblem } from './import-model.js';
import {
  MAX_TABLE_ROWS,
  columnNames,
  givenFields,
  parseParamsCell,
  readHeader,
  splitList,
  type Header,
  type LegacyColumn,
} from './legacy-table.js';

interface Entry {
  row: number;
  cells: string[];
  origin: Origin;
  serial: number | null;
  interface: string;
  name: string;
}

interface TableContext {
  header: Header;
  problems: ReadProblem[];
  bySerial: Map<number, Entry>;
}

const cellOf = (header: Header, cells: string[], column: LegacyColumn): string | undefined => {
  const at = header[column];
  return at === undefined ? undefined : (cells[at.index] ?? '').trim();
};

function problem(context: TableContext, entry: Pick<Entry, 'origin'>, field: string, message: string): void {
  context.problems.push({ origin: entry.origin, type: 'job', key: entry.origin.label, field, message });
}

/** Rows with their serial, interface and name; rows without an interface or a name are reported and left out. */
function readEntries(table: string[][], start: number, context: TableContext): Entry[] {
  const columns = columnNames(context.header);
  const entries: Entry[] = [];
  for (let index = start; index < table.length; index++) {
    const cells = table[index];
    if (cells.every((cell) => cell.trim() === '')) continue;
    const row = index + 1;
    const origin: Origin = { label: `row ${row}`, fieldWord: 'column', columns, row };
    const get = (column: LegacyColumn) => cellOf(context.header, cells, column) ?? '';
    const entry: Entry = { row, cells, origin, serial: null, interface: get('interface'), name: get('name') };
    const serialText = get('serial');
    if (serialText !== '') {
      entry.serial = /^\d{1,9}$/.test(serialText) && Number(serialText) > 0 ? Number(serialText) : null;
      if (entry.serial === null) problem(context, entry, 'serial', `"${serialText}" is not a positive whole number`);
      else if (context.bySerial.has(entry.serial)) {
        problem(
          context,
          entry,
          'serial',
          `serial ${entry.serial} is already used by row ${context.bySerial.get(entry.serial)!.row}`,
        );
      } else context.bySerial.set(entry.serial, entry);
    }
    if (entry.interface === '') problem(context, entry, 'interface', 'is required');
    if (entry.name === '') problem(context, entry, 'name', 'is required');
    if (entry.interface !== '' && entry.name !== '') entries.push(entry);
  }
  return entries;
}

function references(context: TableContext, entry: Entry): JobReference[] {
  const out: JobReference[] = [];
  for (const token of splitList(cellOf(context.header, entry.cells, 'dependsOnSerials') ?? '')) {
    const target = /^\d{1,9}$/.test(token) ? context.bySerial.get(Number(token)) : undefined;
    if (target) out.push({ interface: target.interface, job: target.name, column: 'dependsOnSerials' });
    else problem(context, entry, 'dependsOnSerials', `no row with serial ${token} in this file`);
  }
  for (const token of splitList(cellOf(context.header, entry.cells, 'dependsOnJobs') ?? '')) {
    if (/^\d{1,9}$/.test(token)) {
      out.push({ jobId: Number(token), column: 'dependsOnJobs' });
      continue;
    }
    const slash = token.includes(' / ') ? token.indexOf(' / ') : token.indexOf('/');
    const width = token.includes(' / ') ? 3 : 1;
    if (slash > 0)
      out.push({
        interface: token.slice(0, slash).trim(),
        job: token.slice(slash + width).trim(),
        column: 'dependsOnJobs',
      });
    else problem(context, entry, 'dependsOnJobs', `"${token}" is neither a job id nor "interface / job"`);
  }
  return out;
}

function toJob(context: TableContext, entry: Entry, given: ReadonlySet<string>): ImportJob {
  const cell = (column: LegacyColumn) => cellOf(context.header, entry.cells, column);
  const host = cell('host') ?? '';
  const tagged = /^tag:/i.test(host);
  const parsed = parseParamsCell(cell('params') ?? '');
  if (parsed.problem) problem(context, entry, 'params', parsed.problem);
  return {
    origin: entry.origin,
    interface: entry.interface,
    name: entry.name,
    execHost: tagged || host === '' ? null : host,
    prerequisites: references(context, entry),
    given,
    input: {
      name: entry.name,
      description: cell('description'),
      folder: cell('folder'),
      hostTag: tagged ? host.slice(4).trim() : '',
      workingDir: cell('dir'),
      command: cell('command'),
      params: parsed.params,
      successExitCodes: cell('successCode'),
    },
  };
}

/**
 * Reads a legacy bulk-job table (rows of cells, as a CSV or the first sheet of a workbook gives
 * them): the first non-empty row is the header; each further non-empty row is a job. Row numbers
 * are the spreadsheet's, so every message points at the row the user sees.
 */
export function readLegacyTable(table: string[][], source: Extract<ImportSource, 'csv' | 'xlsx'>): ImportDocument {
  const start = table.findIndex((cells) => cells.some((cell) => cell.trim() !== ''));
  if (start < 0) throw new ValidationException({ file: 'the table is empty' });
  const context: TableContext = { header: readHeader(table[start]), problems: [], bySerial: new Map() };
  const entries = readEntries(table, start + 1, context);
  if (entries.length > MAX_TABLE_ROWS) throw new ValidationException({ file: `at most ${MAX_TABLE_ROWS} rows` });
  const given = givenFields(context.header);
  const jobs = entries.map((entry) => toJob(context, entry, given));
  const implicit = new Map<string, Origin>();
  for (const entry of entries) if (!implicit.has(entry.interface)) implicit.set(entry.interface, entry.origin);
  return {
    source,
    interfaces: [],
    jobs,
    dispatches: [],
    problems: context.problems,
    implicitInterfaces: [...implicit].map(([name, origin]) => ({ name, origin })),
    allowIds: true,
  };
}
