/**
 * Named results a job prints on stdout, one per line: `::meshcron::output <name>=<value>` (name
 * `[A-Za-z_][A-Za-z0-9_]{0,63}`, value = the rest of the line, the last one of a name wins). The last
 * non-empty stdout line that is not a marker is the output `result` unless the job sets `result`
 * itself. Limits keep the journal row and the run.finished event small; what is beyond them is
 * dropped with a warning line in the log, never an error of the run.
 */
export const OUTPUT_MARKER = '::meshcron::output ';
export const OUTPUT_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
export const MAX_OUTPUTS = 64;
export const MAX_VALUE_BYTES = 4096;
export const MAX_TOTAL_BYTES = 64 * 1024;
const RESULT = 'result';

export type Outputs = Record<string, string>;

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/** Shortens to at most `max` UTF-8 bytes without splitting a character. */
function clip(text: string, max: number): string {
  if (bytes(text) <= max) return text;
  let cut = text.slice(0, max);
  while (bytes(cut) > max) cut = cut.slice(0, -1);
  return cut;
}

export class OutputCapture {
  private readonly named = new Map<string, string>();
  private lastLine = '';
  private namedBytes = 0;

  /** A stdout line; returns a warning to log when the line is a marker that cannot be taken. */
  take(line: string): string | null {
    if (!line.startsWith(OUTPUT_MARKER)) {
      if (line.trim() !== '') this.lastLine = clip(line, MAX_VALUE_BYTES);
      return null;
    }
    const body = line.slice(OUTPUT_MARKER.length);
    const equals = body.indexOf('=');
    const name = equals < 0 ? body : body.slice(0, equals);
    if (equals < 0 || !OUTPUT_NAME.test(name)) {
      return `output ignored: expected ${OUTPUT_MARKER}<name>=<value> with a name of letters, digits and _ (max 64)`;
    }
    const value = body.slice(equals + 1);
    if (bytes(value) > MAX_VALUE_BYTES) return `output ${name} ignored: value longer than ${MAX_VALUE_BYTES} bytes`;
    if (!this.named.has(name) && this.named.size >= MAX_OUTPUTS) {
      return `output ${name} ignored: more than ${MAX_OUTPUTS} outputs`;
    }
    const before = this.named.has(name) ? bytes(name) + bytes(this.named.get(name) ?? '') : 0;
    if (this.namedBytes - before + bytes(name) + bytes(value) > MAX_TOTAL_BYTES) {
      return `output ${name} ignored: outputs larger than ${MAX_TOTAL_BYTES} bytes in all`;
    }
    this.set(name, value);
    return null;
  }

  /** The outputs as reported: the named ones plus `result` (explicit or the last stdout line). */
  values(): Outputs {
    const values: Outputs = {};
    for (const [name, value] of this.named) values[name] = value;
    if (!this.named.has(RESULT) && this.lastLine !== '') values[RESULT] = this.lastLine;
    return values;
  }

  private set(name: string, value: string): void {
    const previous = this.named.get(name);
    if (previous !== undefined) this.namedBytes -= bytes(name) + bytes(previous);
    this.named.set(name, value);
    this.namedBytes += bytes(name) + bytes(value);
  }
}

/** Reads a journal's outputs column; anything unreadable counts as no outputs. */
export function parseOutputs(text: string | null | undefined): Outputs {
  try {
    const value = JSON.parse(text ?? '{}') as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
    return Object.fromEntries(
      Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    );
  } catch {
    return {};
  }
}
