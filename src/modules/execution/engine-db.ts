import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';

export type Dialect = 'sqlite' | 'mysql';
export type SqlValue = string | number | null;

/** `?` placeholders for an IN list (both drivers take positional `?`). */
export function placeholders(count: number): string {
  return new Array<string>(count).fill('?').join(',');
}

/** BIGINT comes back as a string from mysql2; everything the engine stores stays below 2^53. */
export function toNumber(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

export function toNumberOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : toNumber(value);
}

/** A text column (numbers as their digits); anything else, NULL included, is the fallback. */
export function toText(value: unknown, fallback = ''): string {
  if (typeof value === 'string') return value;
  return typeof value === 'number' || typeof value === 'bigint' ? String(value) : fallback;
}

export function toTextOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : toText(value);
}

export function toDateOrNull(value: unknown): Date | null {
  return value === null || value === undefined ? null : new Date(toNumber(value));
}

/** Bucket sizes of IN lists: small lists as they are, larger ones rounded up to a power of two. */
function bucket(count: number): number {
  if (count <= 4) return count;
  if (count > 1024) return Math.ceil(count / 1024) * 1024;
  return 2 ** Math.ceil(Math.log2(count));
}

/**
 * Pads every `IN (?,…,?)` list to its bucket size by repeating its last value, so the same few
 * statement texts recur and stay prepared (an IN list with a repeated value means the same).
 */
export function normaliseInLists(sql: string, params: readonly SqlValue[]): { sql: string; params: SqlValue[] } {
  const out: SqlValue[] = [];
  let used = 0;
  let text = '';
  let last = 0;
  const pattern = /IN \((\?(?:,\?)*)\)|\?/g;
  for (let match = pattern.exec(sql); match !== null; match = pattern.exec(sql)) {
    if (match[1] === undefined) {
      out.push(params[used++]);
      continue;
    }
    const count = (match[1].length + 1) / 2;
    const values = params.slice(used, used + count);
    used += count;
    const size = bucket(count);
    while (values.length < size) values.push(values[values.length - 1]);
    out.push(...values);
    text += `${sql.slice(last, match.index)}IN (${placeholders(size)})`;
    last = match.index + match[0].length;
  }
  return { sql: text + sql.slice(last), params: out };
}

/**
 * Parameterised SQL on one connection, the same text on SQLite and MySQL/MariaDB: positional `?`,
 * reserved words quoted with backticks (SQLite accepts them), dialect pieces from here.
 */
export class Sql {
  constructor(
    readonly runner: QueryRunner,
    readonly dialect: Dialect,
  ) {}

  get manager(): EntityManager {
    return this.runner.manager;
  }

  /** Locking read inside a transaction (MySQL); SQLite transactions are serialised already. */
  get forUpdate(): string {
    return this.dialect === 'mysql' ? ' FOR UPDATE' : '';
  }

  async rows<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    const query = normaliseInLists(sql, params);
    return (await this.runner.query(query.sql, query.params)) as T[];
  }

  /** Runs an UPDATE/DELETE/INSERT and returns the number of affected rows. */
  async exec(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    const query = normaliseInLists(sql, params);
    const result = (await this.runner.query(query.sql, query.params, true)) as { affected?: number };
    return result.affected ?? 0;
  }

  /** INSERT of one row; returns its generated id. */
  async insert(sql: string, params: readonly SqlValue[]): Promise<number> {
    const result = (await this.runner.query(sql, [...params], true)) as { raw: unknown };
    const raw = result.raw as number | bigint | { insertId?: number };
    if (typeof raw === 'object' && raw !== null) return toNumber(raw.insertId);
    return Number(raw);
  }

  /**
   * Multi-row INSERT; `ignoreDuplicates` skips rows whose unique key exists. On SQLite the rows go
   * in fixed chunk sizes (64, 16, 4, 1) so the few statement texts stay prepared; MySQL takes
   * large chunks (its statements are not prepared, round trips are what costs).
   */
  async insertMany(
    table: string,
    columns: readonly string[],
    rows: readonly SqlValue[][],
    ignoreDuplicates = false,
  ): Promise<void> {
    const verb = ignoreDuplicates ? (this.dialect === 'mysql' ? 'INSERT IGNORE' : 'INSERT OR IGNORE') : 'INSERT';
    const tuple = `(${placeholders(columns.length)})`;
    let index = 0;
    while (index < rows.length) {
      const size = this.chunkSize(rows.length - index, columns.length);
      const part = rows.slice(index, index + size);
      index += size;
      const sql = `${verb} INTO ${table} (${columns.join(',')}) VALUES ${part.map(() => tuple).join(',')}`;
      await this.runner.query(sql, part.flat());
    }
  }

  private chunkSize(remaining: number, columns: number): number {
    if (this.dialect === 'mysql') return Math.min(remaining, 500);
    const fits = [64, 16, 4, 1].filter((size) => size * columns <= 30000);
    return fits.find((size) => size <= remaining) ?? 1;
  }
}

const MYSQL_RETRY_ERRNOS = new Set([1213, 1205]);
const MAX_ATTEMPTS = 8;

function isRetryable(error: unknown): boolean {
  const driverError = (error as { driverError?: { errno?: number; code?: string } }).driverError;
  if (!driverError) return false;
  if (driverError.errno !== undefined && MYSQL_RETRY_ERRNOS.has(driverError.errno)) return true;
  return typeof driverError.code === 'string' && driverError.code.startsWith('SQLITE_BUSY');
}

/**
 * The engine's transactions. On MySQL they run READ COMMITTED (each statement sees the latest
 * committed rows, and locking updates serialise the few rows that matter) and are retried on
 * deadlock. On SQLite TypeORM shares one connection between concurrent transactions (they would
 * nest as savepoints), so the engine's transactions are serialised here.
 */
@Injectable()
export class EngineDb {
  readonly dialect: Dialect;
  private readonly logger = new Logger(EngineDb.name);
  private tail: Promise<unknown> = Promise.resolve();

  constructor(@InjectDataSource() readonly dataSource: DataSource) {
    this.dialect = dataSource.options.type === 'better-sqlite3' ? 'sqlite' : 'mysql';
  }

  async transaction<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.serialised(() => this.once(work));
      } catch (error) {
        if (!isRetryable(error) || attempt >= MAX_ATTEMPTS) throw error;
        this.logger.debug(`transaction retried after ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
      }
    }
  }

  /** Reads outside a transaction (on SQLite behind the running transaction, if any). */
  async read<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    if (this.dialect === 'sqlite') return this.serialised(() => work(new Sql(this.runner(), this.dialect)));
    const runner = this.dataSource.createQueryRunner();
    try {
      return await work(new Sql(runner, this.dialect));
    } finally {
      await runner.release();
    }
  }

  private runner(): QueryRunner {
    return this.dataSource.createQueryRunner();
  }

  private async once<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    const runner = this.runner();
    try {
      await runner.startTransaction(this.dialect === 'mysql' ? 'READ COMMITTED' : undefined);
      try {
        const result = await work(new Sql(runner, this.dialect));
        await runner.commitTransaction();
        return result;
      } catch (error) {
        await runner.rollbackTransaction().catch(() => undefined);
        throw error;
      }
    } finally {
      if (this.dialect === 'mysql') await runner.release();
    }
  }

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    if (this.dialect === 'mysql') return work();
    const result = this.tail.then(work, work);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
