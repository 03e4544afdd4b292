/**
 * Webhook body templates: JSON with `{{placeholder}}`s. A placeholder inside a JSON string is
 * replaced by the value escaped for that string (`"text": "ETL {{dispatch}} failed"`); a placeholder
 * outside any string becomes a whole JSON string (`"text": {{message}}`). Values can therefore never
 * break out of the JSON, whatever they contain.
 */

/** The values an alert offers to templates and mail texts. */
export const ALERT_PLACEHOLDERS = [
  'subject',
  'message',
  'event',
  'status',
  'dispatch',
  'interface',
  'dataDate',
  'scheduledAt',
  'executionId',
  'url',
  'recipients',
  'time',
] as const;
export type AlertPlaceholder = (typeof ALERT_PLACEHOLDERS)[number];
export type AlertValues = Partial<Record<AlertPlaceholder, string>>;

export const DEFAULT_BODY_TEMPLATE = '{"subject": {{subject}}, "text": {{message}}, "url": {{url}}}';

const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/y;

/** The JSON string body of `value` (escaped, without the quotes). */
const escapeInString = (value: string) => JSON.stringify(value).slice(1, -1);

/** Renders the template; unknown placeholders render as empty strings (templateProblem refuses them). */
export function renderBodyTemplate(template: string, values: AlertValues): string {
  let out = '';
  let inString = false;
  for (let index = 0; index < template.length;) {
    PLACEHOLDER.lastIndex = index;
    const match = PLACEHOLDER.exec(template);
    if (match) {
      const value = values[match[1] as AlertPlaceholder] ?? '';
      out += inString ? escapeInString(value) : JSON.stringify(value);
      index += match[0].length;
      continue;
    }
    const char = template[index];
    if (inString && char === '\\') {
      out += template.slice(index, index + 2);
      index += 2;
      continue;
    }
    if (char === '"') inString = !inString;
    out += char;
    index += 1;
  }
  return out;
}

/** Why a template cannot be used (unknown placeholder, not JSON once rendered), or null. */
export function templateProblem(template: string): string | null {
  const known = new Set<string>(ALERT_PLACEHOLDERS);
  for (const match of template.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)) {
    if (!known.has(match[1])) {
      return `unknown placeholder {{${match[1]}}}; use ${ALERT_PLACEHOLDERS.map((name) => `{{${name}}}`).join(', ')}`;
    }
  }
  const sample = Object.fromEntries(ALERT_PLACEHOLDERS.map((name) => [name, `"${name}" \\ \n`]));
  try {
    JSON.parse(renderBodyTemplate(template, sample));
  } catch (error) {
    return `is not valid JSON once rendered (${(error as Error).message})`;
  }
  return null;
}
