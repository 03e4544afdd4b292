import { Column, type ColumnOptions, type ValueTransformer } from 'typeorm';

/**
 * Times are stored as epoch milliseconds in BIGINT columns: UTC by construction, the same on SQLite
 * and MySQL, and sortable. mysql2 returns BIGINT as a string, so it is converted back here; values
 * stay far below 2^53.
 */
export const epochMs: ValueTransformer = {
  to: (value: Date | null | undefined) => (value instanceof Date ? value.getTime() : (value ?? null)),
  from: (value: string | number | null) => (value === null || value === undefined ? null : new Date(Number(value))),
};

export function TimeColumn(options: Omit<ColumnOptions, 'type' | 'transformer'> = {}): PropertyDecorator {
  return Column({ type: 'bigint', transformer: epochMs, ...options });
}

/** Booleans as 0/1 integers on both drivers. */
export const booleanInt: ValueTransformer = {
  to: (value: boolean | null | undefined) => (value === undefined || value === null ? value : value ? 1 : 0),
  from: (value: number | string | null) => (value === null ? null : Number(value) === 1),
};

export function FlagColumn(options: Omit<ColumnOptions, 'type' | 'transformer'> = {}): PropertyDecorator {
  return Column({ type: 'smallint', transformer: booleanInt, ...options });
}
