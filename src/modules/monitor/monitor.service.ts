import { Injectable } from '@nestjs/common';
import { EngineDb, placeholders, toNumber, toText, type Sql, type SqlValue } from '../execution/engine-db.js';
import { interfaceConditionPositional, type AccessUser } from '../access/access.service.js';
import { ExpectedDurations } from './expected-durations.js';
import {
  compareRows,
  FAILED_RUN_STATES,
  foldAggregates,
  mapFailedJob,
  mapLatest,
  MONITOR_STATES,
  monitorState,
  pairKey,
  type BlockedInterface,
  type FailedJob,
  type LatestRow,
  type MonitorRow,
  type MonitorState,
} from './monitor-rows.js';

export interface MonitorFilter {
  folder?: string;
  status?: MonitorState;
  dataDate?: string;
}

export interface MonitorView {
  rows: MonitorRow[];
  /** Per state, under the folder and data date filters (not the status one). */
  counts: Record<MonitorState, number>;
  folders: string[];
  now: Date;
}

/** IN lists are read in chunks so no statement grows past what both drivers take. */
const CHUNK = 1000;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let index = 0; index < items.length; index += CHUNK) out.push(items.slice(index, index + CHUNK));
  return out;
}

/**
 * The execution monitor: the latest execution of every interface (its latest execution_interface
 * row, so interfaces run as someone's downstream count too), with the failed jobs and what they block.
 * A fixed number of statements whatever the number of interfaces (no per-row queries).
 */
@Injectable()
export class MonitorService {
  constructor(
    private readonly db: EngineDb,
    private readonly expected: ExpectedDurations,
  ) {}

  /** Only interfaces the user may see; blocked interfaces the user may not see are only counted. */
  async view(filter: MonitorFilter, user: AccessUser): Promise<MonitorView> {
    const { rows, folders } = await this.db.read(async (sql) => {
      const latest = await this.latest(sql, filter, user);
      const assembled = await this.assemble(sql, latest);
      await this.hideBlocks(sql, assembled, user);
      return { rows: assembled, folders: await this.folders(sql, user) };
    });
    const counts = Object.fromEntries(MONITOR_STATES.map((state) => [state, 0])) as Record<MonitorState, number>;
    for (const row of rows) counts[row.state]++;
    const shown = filter.status ? rows.filter((row) => row.state === filter.status) : rows;
    return { rows: shown.sort(compareRows), counts, folders, now: new Date() };
  }

  private async latest(sql: Sql, filter: MonitorFilter, user: AccessUser): Promise<LatestRow[]> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    const visible = interfaceConditionPositional(user, 'i.id');
    if (visible) {
      where.push(visible.sql);
      params.push(...visible.params);
    }
    if (filter.folder !== undefined) {
      where.push('i.folder = ?');
      params.push(filter.folder);
    }
    if (filter.dataDate !== undefined) {
      where.push('e.data_date = ?');
      params.push(filter.dataDate);
    }
    // One index seek per interface on ix_execution_interface_interface (interface_id, execution_id).
    const rows = await sql.rows<Record<string, unknown>>(
      'SELECT i.id AS interface_id, i.name AS interface_name, i.folder, ei.execution_id, ei.level, ei.state, ei.started_at, ' +
        'ei.finished_at, e.data_date FROM etl_interface i ' +
        'JOIN execution_interface ei ON ei.interface_id = i.id AND ei.execution_id = ' +
        '(SELECT MAX(x.execution_id) FROM execution_interface x WHERE x.interface_id = i.id) ' +
        `JOIN execution e ON e.id = ei.execution_id ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}`,
      params,
    );
    return rows.map(mapLatest);
  }

  private async assemble(sql: Sql, latest: LatestRow[]): Promise<MonitorRow[]> {
    const executionIds = [...new Set(latest.map((row) => row.executionId))];
    const aggregates = foldAggregates(await this.aggregates(sql, executionIds));
    const rows = latest.map((item) => {
      const derived = monitorState(item, aggregates.get(pairKey(item.executionId, item.interfaceId)));
      const row: MonitorRow = {
        ...item,
        ...derived,
        expectedMs: null,
        expectedFinishAt: null,
        late: false,
        failedJobs: [],
        blocks: [],
        hiddenBlocks: 0,
      };
      return row;
    });
    await this.addFailures(
      sql,
      rows.filter((row) => row.state === 'failed'),
    );
    const active = rows.filter((row) => row.state === 'running' || row.state === 'waiting');
    const means = await this.expected.means(sql, new Map(active.map((row) => [row.interfaceId, row.executionId])));
    const now = Date.now();
    for (const row of active) {
      row.expectedMs = means.get(row.interfaceId) ?? null;
      if (row.expectedMs === null || !row.startedAt || row.state !== 'running') continue;
      row.expectedFinishAt = new Date(row.startedAt.getTime() + row.expectedMs);
      row.late = now > row.expectedFinishAt.getTime();
    }
    return rows;
  }

  private async aggregates(sql: Sql, executionIds: number[]): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    for (const ids of chunks(executionIds)) {
      out.push(
        ...(await sql.rows<Record<string, unknown>>(
          'SELECT execution_id, interface_id, state, MIN(started_at) AS started_at, MAX(finished_at) AS finished_at ' +
            `FROM job_run WHERE execution_id IN (${placeholders(ids.length)}) GROUP BY execution_id, interface_id, state`,
          ids,
        )),
      );
    }
    return out;
  }

  /** Failed jobs with their errors, and the interfaces they hold back (same execution and others). */
  private async addFailures(sql: Sql, failed: MonitorRow[]): Promise<void> {
    if (failed.length === 0) return;
    const executionIds = [...new Set(failed.map((row) => row.executionId))];
    const jobs = new Map<string, FailedJob[]>();
    const heldJobs = new Map<string, number[]>();
    const blockedBy = new Map<string, BlockedInterface[]>();
    for (const ids of chunks(executionIds)) {
      const runs = await sql.rows<Record<string, unknown>>(
        'SELECT id, execution_id, interface_id, job_id, job_name, state, exit_code, error FROM job_run ' +
          `WHERE execution_id IN (${placeholders(ids.length)}) AND state IN ('failed','timed_out','lost','killed','skipped') ` +
          'ORDER BY id',
        ids,
      );
      for (const run of runs) {
        const key = pairKey(toNumber(run.execution_id), toNumber(run.interface_id));
        heldJobs.set(key, [...(heldJobs.get(key) ?? []), toNumber(run.job_id)]);
        if ((FAILED_RUN_STATES as readonly string[]).includes(toText(run.state))) {
          jobs.set(key, [...(jobs.get(key) ?? []), mapFailedJob(run)]);
        }
      }
      await this.blockedInside(sql, ids, blockedBy);
    }
    const outside = await this.blockedOutside(sql, failed, heldJobs);
    for (const row of failed) {
      const key = pairKey(row.executionId, row.interfaceId);
      row.failedJobs = jobs.get(key) ?? [];
      const seen = new Set<string>();
      row.blocks = [...(blockedBy.get(key) ?? []), ...(outside.get(key) ?? [])].filter((item) => {
        const id = pairKey(item.executionId, item.interfaceId);
        return seen.has(id) ? false : (seen.add(id), true);
      });
    }
  }

  /** Descendants of each failed interface inside its execution that have not succeeded. */
  private async blockedInside(sql: Sql, executionIds: number[], out: Map<string, BlockedInterface[]>) {
    const rows = await sql.rows<Record<string, unknown>>(
      'SELECT execution_id, interface_id, interface_name, parent_ids, state FROM execution_interface ' +
        `WHERE execution_id IN (${placeholders(executionIds.length)})`,
      executionIds,
    );
    const byExecution = new Map<number, Record<string, unknown>[]>();
    for (const row of rows) {
      const id = toNumber(row.execution_id);
      byExecution.set(id, [...(byExecution.get(id) ?? []), row]);
    }
    for (const [executionId, members] of byExecution) {
      const children = new Map<number, number[]>();
      for (const member of members) {
        for (const parent of toText(member.parent_ids).split(',').filter(Boolean).map(Number)) {
          children.set(parent, [...(children.get(parent) ?? []), toNumber(member.interface_id)]);
        }
      }
      const byId = new Map(members.map((member) => [toNumber(member.interface_id), member]));
      for (const member of members) {
        const blocked = descendants(toNumber(member.interface_id), children)
          .map((id) => byId.get(id)!)
          .filter((child) => toText(child.state) !== 'succeeded')
          .map((child) => ({
            interfaceId: toNumber(child.interface_id),
            interfaceName: toText(child.interface_name),
            executionId,
          }));
        if (blocked.length > 0) out.set(pairKey(executionId, toNumber(member.interface_id)), blocked);
      }
    }
  }

  /** Runs of other executions waiting for a job of a failed interface (one statement per data date). */
  private async blockedOutside(sql: Sql, failed: MonitorRow[], heldJobs: Map<string, number[]>) {
    const out = new Map<string, BlockedInterface[]>();
    const byDate = new Map<string, Map<number, string[]>>();
    for (const row of failed) {
      const key = pairKey(row.executionId, row.interfaceId);
      const jobs = byDate.get(row.dataDate) ?? new Map<number, string[]>();
      for (const jobId of heldJobs.get(key) ?? []) jobs.set(jobId, [...(jobs.get(jobId) ?? []), key]);
      byDate.set(row.dataDate, jobs);
    }
    for (const [dataDate, jobs] of byDate) {
      for (const jobIds of chunks([...jobs.keys()])) {
        // ix_job_run_dependency_external (prerequisite_job_id, data_date, satisfied).
        const rows = await sql.rows<Record<string, unknown>>(
          'SELECT DISTINCT d.prerequisite_job_id, r.execution_id, r.interface_id, r.interface_name ' +
            `FROM job_run_dependency d JOIN job_run r ON r.id = d.run_id WHERE d.prerequisite_job_id IN (${placeholders(jobIds.length)}) ` +
            "AND d.data_date = ? AND d.satisfied = 0 AND d.prerequisite_run_id IS NULL AND r.state = 'waiting'",
          [...jobIds, dataDate],
        );
        for (const item of rows) {
          const blocked = {
            interfaceId: toNumber(item.interface_id),
            interfaceName: toText(item.interface_name),
            executionId: toNumber(item.execution_id),
          };
          for (const key of jobs.get(toNumber(item.prerequisite_job_id)) ?? []) {
            out.set(key, [...(out.get(key) ?? []), blocked]);
          }
        }
      }
    }
    return out;
  }

  /** Blocked interfaces the user may not see leave the list and are counted in `hiddenBlocks`. */
  private async hideBlocks(sql: Sql, rows: MonitorRow[], user: AccessUser): Promise<void> {
    const ids = [...new Set(rows.flatMap((row) => row.blocks.map((item) => item.interfaceId)))];
    const condition = interfaceConditionPositional(user, 'i.id');
    if (ids.length === 0 || !condition) return;
    const visible = new Set<number>();
    for (const part of chunks(ids)) {
      const found = await sql.rows<{ id: unknown }>(
        `SELECT i.id FROM etl_interface i WHERE i.id IN (${placeholders(part.length)}) AND ${condition.sql}`,
        [...part, ...condition.params],
      );
      for (const row of found) visible.add(toNumber(row.id));
    }
    for (const row of rows) {
      const shown = row.blocks.filter((item) => visible.has(item.interfaceId));
      row.hiddenBlocks = row.blocks.length - shown.length;
      row.blocks = shown;
    }
  }

  private async folders(sql: Sql, user: AccessUser): Promise<string[]> {
    const visible = interfaceConditionPositional(user, 'i.id');
    const rows = await sql.rows<{ folder: unknown }>(
      `SELECT DISTINCT i.folder FROM etl_interface i WHERE i.folder <> '' ${visible ? `AND ${visible.sql}` : ''} ` +
        'ORDER BY i.folder',
      visible?.params ?? [],
    );
    return rows.map((row) => toText(row.folder));
  }
}

function descendants(start: number, children: Map<number, number[]>): number[] {
  const seen = new Set<number>();
  const stack = [...(children.get(start) ?? [])];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...(children.get(next) ?? []));
  }
  return [...seen];
}
