import { invalidParams } from './rpc-errors.js';

/** Strict readers for RPC params: each failure is -32602 with a message naming the field. */
export class ParamReader {
  constructor(
    private readonly params: Record<string, unknown>,
    allowed: string[],
    prefix = '',
  ) {
    rejectUnknownFields(params, allowed, prefix);
  }

  has(field: string): boolean {
    return this.params[field] !== undefined && this.params[field] !== null;
  }

  raw(field: string): unknown {
    return this.params[field];
  }

  string(field: string, maxLength = 512): string {
    const value = this.params[field];
    if (typeof value !== 'string' || value === '') throw invalidParams(`${field}: expected a non-empty string`);
    if (value.length > maxLength) throw invalidParams(`${field}: longer than ${maxLength} characters`);
    return value;
  }

  optionalString(field: string, maxLength = 512): string | null {
    return this.has(field) ? this.string(field, maxLength) : null;
  }

  integer(field: string, min: number, max: number): number {
    const value = this.params[field];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw invalidParams(`${field}: expected an integer ${min}-${max}`);
    }
    return value;
  }

  optionalInteger(field: string, min: number, max: number): number | null {
    return this.has(field) ? this.integer(field, min, max) : null;
  }

  boolean(field: string, fallback: boolean): boolean {
    if (!this.has(field)) return fallback;
    const value = this.params[field];
    if (typeof value !== 'boolean') throw invalidParams(`${field}: expected a boolean`);
    return value;
  }
}

export function stringArray(field: string, value: unknown, options: { min: number; max: number }): string[] {
  if (!Array.isArray(value) || value.length < options.min || value.length > options.max) {
    throw invalidParams(`${field}: expected an array of ${options.min}-${options.max} strings`);
  }
  value.forEach((item, index) => {
    if (typeof item !== 'string') throw invalidParams(`${field}[${index}]: expected a string`);
    if (item.includes('\0')) throw invalidParams(`${field}[${index}]: contains a NUL byte`);
  });
  return value as string[];
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function rejectUnknownFields(object: Record<string, unknown>, allowed: string[], prefix = ''): void {
  for (const key of Object.keys(object))
    if (!allowed.includes(key)) throw invalidParams(`${prefix}${key}: unknown field`);
}
