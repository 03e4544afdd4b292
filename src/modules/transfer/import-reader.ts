import { ValidationException } from '../../common/http/app.exception.js';
import { CsvError, parseCsv } from './csv.js';
import { readDefinitionsFile } from './definitions-file.js';
import type { ImportDocument, ImportSource } from './import-model.js';
import { readLegacyTable } from './legacy-rows.js';
import { MAX_TABLE_ROWS } from './legacy-table.js';
import { readXlsxTable } from './xlsx-table.js';

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

function utf8Text(content: Buffer): string {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(content);
    return text.startsWith('\uFEFF') ? text.slice(1) : text;
  } catch {
    throw new ValidationException({ file: 'is not UTF-8 text (save a CSV as "CSV UTF-8")' });
  }
}

/** What an uploaded file is, from its content (never from its name): XLSX, a definitions file, or CSV. */
export function detectSource(content: Buffer): { source: ImportSource; text: string | null } {
  if (content.subarray(0, 4).equals(ZIP_MAGIC)) return { source: 'xlsx', text: null };
  const text = utf8Text(content);
  return { source: text.trimStart().startsWith('{') ? 'definitions' : 'csv', text };
}

export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ValidationException({ file: `is not valid JSON (${(error as Error).message})` });
  }
}

/** Reads an uploaded definitions file, legacy CSV or legacy XLSX into one import document. */
export async function readUpload(content: Buffer): Promise<ImportDocument> {
  if (content.length === 0) throw new ValidationException({ file: 'is empty' });
  const { source, text } = detectSource(content);
  if (source === 'xlsx') return readLegacyTable(await readXlsxTable(content, MAX_TABLE_ROWS), 'xlsx');
  if (source === 'definitions') return readDefinitionsFile(parseJsonText(text ?? ''));
  try {
    return readLegacyTable(parseCsv(text ?? ''), 'csv');
  } catch (error) {
    if (error instanceof CsvError) throw new ValidationException({ file: error.message });
    throw error;
  }
}
