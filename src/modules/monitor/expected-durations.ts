import { Injectable } from '@nestjs/common';
import { toNumber, type Sql } from '../execution/engine-db.js';

/** How many of an interface's latest succeeded executions its expected duration averages. */
export const EXPECTED_SAMPLES = 10;
/** Interfaces per statement (a UNION ALL of small LIMIT reads). */
const PER_STATEMENT = 50;
/**
 * The history before an execution does not change while it runs, so a mean is cached per
 * (interface, current execution): the 5-second polls read it once.
 */
const CACHE_MS = 600_000;

/**
 * Expected duration of an interface: the mean of (finished_at - started_at) over its last
 * EXPECTED_SAMPLES succeeded execution_interface rows, read backwards on
 * ix_execution_interface_interface (interface_id, execution_id) per interface.
 */
@Injectable()
export class ExpectedDurations {
  private readonly cache = new Map<string, { ms: number | null; at: number }>();

  /** Mean per interface of `current` (interface id → the execution it is in now). */
  async means(sql: Sql, current: ReadonlyMap<number, number>): Promise<Map<number, number | null>> {
    const now = Date.now();
    const result = new Map<number, number | null>();
    const missing: number[] = [];
    for (const [id, executionId] of current) {
      const cached = this.cache.get(`${id}:${executionId}`);
      if (cached && now - cached.at < CACHE_MS) result.set(id, cached.ms);
      else missing.push(id);
    }
    for (let index = 0; index < missing.length; index += PER_STATEMENT) {
      const part = missing.slice(index, index + PER_STATEMENT);
      const read = await this.read(sql, part);
      for (const id of part) {
        const samples = read.get(id) ?? [];
        const ms = samples.length > 0 ? Math.round(samples.reduce((a, b) => a + b, 0) / samples.length) : null;
        this.cache.set(`${id}:${current.get(id)}`, { ms, at: now });
        result.set(id, ms);
      }
    }
    if (this.cache.size > 20_000) this.cache.clear();
    return result;
  }

  private async read(sql: Sql, interfaceIds: number[]): Promise<Map<number, number[]>> {
    const select = (alias: string) =>
      `SELECT * FROM (SELECT interface_id, started_at, finished_at FROM execution_interface WHERE interface_id = ? ` +
      "AND state = 'succeeded' AND started_at IS NOT NULL AND finished_at IS NOT NULL " +
      `ORDER BY execution_id DESC LIMIT ${EXPECTED_SAMPLES}) ${alias}`;
    const text = interfaceIds.map((_, index) => select(`s${index}`)).join(' UNION ALL ');
    const rows = await sql.rows<Record<string, unknown>>(text, interfaceIds);
    const out = new Map<number, number[]>();
    for (const row of rows) {
      const id = toNumber(row.interface_id);
      out.set(id, [...(out.get(id) ?? []), toNumber(row.finished_at) - toNumber(row.started_at)]);
    }
    return out;
  }
}
