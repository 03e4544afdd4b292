import { ValidationException } from '../../common/http/app.exception.js';

/**
 * Page forms arrive as strings (urlencoded, repeated names as arrays). Conversion is explicit:
 * a blank number is "not given", anything else that is not a whole number stays NaN so the
 * service names the field.
 */
export type FormBody = Record<string, unknown>;

export function formText(body: FormBody, name: string): string {
  const value = body[name];
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return '';
}

export function formInteger(body: FormBody, name: string): number | undefined {
  const value = formText(body, name).trim();
  if (value === '') return undefined;
  return /^[+-]?\d{1,10}$/.test(value) ? Number(value) : Number.NaN;
}

export function formFlag(body: FormBody, name: string): boolean {
  const value = formText(body, name);
  return value === 'on' || value === 'true' || value === '1';
}

/** Every value of a repeated field, in order. */
export function formList(body: FormBody, name: string): string[] {
  const value = body[name];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.map((item) => (typeof item === 'string' ? item : ''));
  return [];
}

/** Ids from checkboxes or hidden inputs; a value that is not an id fails the named field. */
export function formIds(body: FormBody, name: string, field = name): number[] {
  const values = formList(body, name).filter((value) => value.trim() !== '');
  const ids = values.map((value) => (/^\d{1,10}$/.test(value.trim()) ? Number(value) : Number.NaN));
  if (ids.some((id) => !Number.isInteger(id) || id < 1)) throw new ValidationException({ [field]: 'must be ids' });
  return [...new Set(ids)];
}

/** The free-text "add" box of a picker: entries separated by commas or new lines. */
export function referenceList(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((entry) => entry.trim())
    .filter(Boolean);
}

/** A local path of these definitions pages to go back to, never an open redirect. */
export function safeBack(value: string, fallback: string): string {
  return /^\/(interfaces|jobs)(?:[/?][^\\\s]*)?$/.test(value) && !value.startsWith('//') ? value : fallback;
}
