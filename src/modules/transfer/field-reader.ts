import type { ObjectType, Origin, ReadProblem } from './import-model.js';

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads the fields of one object of an uploaded JSON file with their JSON types checked; a wrong
 * type or an unknown field becomes a problem naming the object and the field (ranges and
 * references are checked later, by the same rules as the forms and the API).
 */
export class FieldReader {
  constructor(
    private readonly source: Record<string, unknown>,
    private readonly sink: ReadProblem[],
    readonly origin: Origin,
    private readonly type: ObjectType,
    private readonly key: string,
  ) {}

  problem(field: string, message: string): void {
    this.sink.push({ origin: this.origin, type: this.type, key: this.key, field, message });
  }

  /** Every field must be one of `known`: a typo must not silently fall back to a default. */
  onlyKnown(known: readonly string[]): void {
    for (const field of Object.keys(this.source)) {
      if (!known.includes(field)) this.problem(field, 'is not a known field');
    }
  }

  string(field: string): string | undefined {
    const value = this.source[field];
    if (value === undefined) return undefined;
    if (typeof value === 'string') return value;
    this.problem(field, 'must be a string');
    return undefined;
  }

  nullableString(field: string): string | null | undefined {
    return this.source[field] === null ? null : this.string(field);
  }

  number(field: string): number | undefined {
    const value = this.source[field];
    if (value === undefined) return undefined;
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    this.problem(field, 'must be a number');
    return undefined;
  }

  nullableNumber(field: string): number | null | undefined {
    return this.source[field] === null ? null : this.number(field);
  }

  boolean(field: string): boolean | undefined {
    const value = this.source[field];
    if (value === undefined) return undefined;
    if (typeof value === 'boolean') return value;
    this.problem(field, 'must be true or false');
    return undefined;
  }

  stringList(field: string): string[] {
    const value = this.source[field];
    if (value === undefined || value === null) return [];
    if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value;
    this.problem(field, 'must be a list of names');
    return [];
  }

  objectList(field: string): Record<string, unknown>[] {
    const value = this.source[field];
    if (value === undefined || value === null) return [];
    if (Array.isArray(value) && value.every(isRecord)) return value;
    this.problem(field, 'must be a list of objects');
    return [];
  }
}
