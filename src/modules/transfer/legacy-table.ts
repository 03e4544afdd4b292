/**
 * The legacy bulk-job table (the old portal's "新增任务模板.xlsx", as XLSX or CSV): one job per row,
 * a header row naming the columns in English or with the legacy Chinese names, in any order.
 * See docs/import-export.md for the columns and the cell formats.
 */
import { ValidationException } from '../../common/http/app.exception.js';
import type { JobParamInput } from '../job/job-input.js';

export const LEGACY_COLUMNS = {
  serial: ['serial', '序号'],
  interface: ['interface', '所属接口id', '所属接口', '所属任务流', '任务流'],
  name: ['name', 'job', '任务名称'],
  description: ['description', '任务描述'],
  folder: ['folder', '任务目录'],
  host: ['host', 'exechost', '服务器id', '服务器'],
  dir: ['dir', 'workingdir', '脚本目录'],
  command: ['command', '脚本命令'],
  dependsOnSerials: ['dependsonserials', 'dependsonserialsinthisfile', '依赖任务序号(本次新建任务)', '依赖任务序号'],
  dependsOnJobs: ['dependsonjobids', 'dependsonexistingjobids', '依赖任务id(已有任务)', '依赖任务id'],
  params: ['params', '任务参数'],
  successCode: ['successcode', 'successcodes', '返回值'],
} as const;
export type LegacyColumn = keyof typeof LEGACY_COLUMNS;

export const MAX_TABLE_ROWS = 20_000;

/** Header text → comparable form: full-width forms folded (NFKC), lower case, no blanks, dashes or underscores. */
export const normalizeHeader = (text: string) =>
  text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\-_]+/g, '');

function columnOf(header: string): LegacyColumn | undefined {
  const wanted = normalizeHeader(header);
  return (Object.keys(LEGACY_COLUMNS) as LegacyColumn[]).find((column) =>
    LEGACY_COLUMNS[column].some((alias) => normalizeHeader(alias) === wanted),
  );
}

/** Column → its index in the table and the header as the file spells it. */
export type Header = Partial<Record<LegacyColumn, { index: number; text: string }>>;

export function readHeader(cells: string[]): Header {
  const header: Header = {};
  const fields: Record<string, string> = {};
  cells.forEach((cell, index) => {
    const text = cell.trim();
    if (text === '') return;
    const column = columnOf(text);
    if (!column) fields[`column ${index + 1}`] = `unknown column "${text}"`;
    else if (header[column]) fields[`column ${index + 1}`] = `"${text}" repeats column "${header[column].text}"`;
    else header[column] = { index, text };
  });
  for (const column of ['interface', 'name'] as const) {
    if (!header[column])
      fields[column] = `the header row needs a "${column}" column (or "${LEGACY_COLUMNS[column][1]}")`;
  }
  if (Object.keys(fields).length > 0) throw new ValidationException(fields);
  return header;
}

/** Job fields → the column that holds them, for messages. */
export function columnNames(header: Header): Record<string, string> {
  const text = (column: LegacyColumn) => header[column]?.text;
  const names: Record<string, string | undefined> = {
    serial: text('serial'),
    interface: text('interface'),
    name: text('name'),
    description: text('description'),
    folder: text('folder'),
    execHost: text('host'),
    hostTag: text('host'),
    workingDir: text('dir'),
    command: text('command'),
    params: text('params'),
    successExitCodes: text('successCode'),
    dependsOnSerials: text('dependsOnSerials'),
    dependsOnJobs: text('dependsOnJobs'),
    prerequisites: text('dependsOnSerials') ?? text('dependsOnJobs'),
  };
  return Object.fromEntries(Object.entries(names).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** The job fields a table with this header gives (the others of an existing job stay as they are). */
export function givenFields(header: Header): Set<string> {
  const given = new Set<string>(['name']);
  const map: [LegacyColumn, string[]][] = [
    ['description', ['description']],
    ['folder', ['folder']],
    ['host', ['execHost', 'hostTag']],
    ['dir', ['workingDir']],
    ['command', ['command']],
    ['params', ['params']],
    ['successCode', ['successExitCodes']],
    ['dependsOnSerials', ['prerequisites']],
    ['dependsOnJobs', ['prerequisites']],
  ];
  for (const [column, fields] of map) if (header[column]) fields.forEach((field) => given.add(field));
  return given;
}

/**
 * Params as one cell: `name=value;name2=context:data_date:yyyyMMdd:-1`. A value starting with
 * `context:` is a context param; `static:` forces a static value; `\;` and `\\` escape.
 */
export function parseParamsCell(cell: string): { params: JobParamInput[]; problem: string | null } {
  const parts: string[] = [];
  let current = '';
  for (let index = 0; index < cell.length; index++) {
    const char = cell[index];
    if (char === '\\' && (cell[index + 1] === ';' || cell[index + 1] === '\\')) current += cell[++index];
    else if (char === ';') {
      parts.push(current);
      current = '';
    } else current += char;
  }
  parts.push(current);
  const params: JobParamInput[] = [];
  for (const part of parts.map((text) => text.trim()).filter((text) => text !== '')) {
    const equals = part.indexOf('=');
    if (equals <= 0) return { params, problem: `"${part}" is not name=value (params are name=value separated by ;)` };
    const raw = part.slice(equals + 1).trim();
    const context = raw.startsWith('context:');
    const value = context ? raw.slice('context:'.length) : raw.startsWith('static:') ? raw.slice(7) : raw;
    params.push({ name: part.slice(0, equals).trim(), kind: context ? 'context' : 'static', value });
  }
  return { params, problem: null };
}

export const splitList = (cell: string) =>
  cell
    .split(/[,，;；]/)
    .map((part) => part.trim())
    .filter((part) => part !== '');
