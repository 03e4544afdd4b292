import ExcelJS from 'exceljs';
import { ValidationException } from '../../common/http/app.exception.js';

type Value = ExcelJS.CellValue;

/** A cell as the text a user sees in it (formulas by their result, rich text joined, dates as YYYY-MM-DD). */
export function cellText(value: Value): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if ('richText' in value) return value.richText.map((part) => part.text).join('');
  if ('hyperlink' in value) return String(value.text);
  if ('result' in value) return cellText(value.result);
  return ''; // an error cell (#N/A…) or a formula without a cached result
}

/**
 * The first sheet of an XLSX workbook as rows of cell texts (row i of the result is spreadsheet
 * row i + 1). The workbook is read from memory, never from a file.
 */
export async function readXlsxTable(content: Buffer, maxRows: number): Promise<string[][]> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(content as unknown as ExcelJS.Buffer);
  } catch {
    throw new ValidationException({ file: 'is not a readable XLSX workbook' });
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new ValidationException({ file: 'the workbook has no sheet' });
  if (sheet.rowCount > maxRows + 1) throw new ValidationException({ file: `at most ${maxRows} rows` });
  const rows: string[][] = [];
  sheet.eachRow({ includeEmpty: false }, (row, number) => {
    const cells: string[] = [];
    for (let column = 1; column <= sheet.columnCount; column++) cells.push(cellText(row.getCell(column).value));
    rows[number - 1] = cells;
  });
  for (let index = 0; index < rows.length; index++) rows[index] ??= [];
  return rows;
}
