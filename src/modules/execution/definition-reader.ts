import { broadcastSpecOf } from './broadcast-spec.js';
import { placeholders, toNumber, toNumberOrNull, type Sql, toText } from './engine-db.js';
import type { CommandType, EdgeCondition, ParamKind, RoutingStrategy } from '../job/job.entity.js';
import type { EdgeRule } from './edge-condition.js';
import type { RunState } from './job-run.entity.js';
import { parseOutputs } from './run-outputs.js';

export interface InterfaceDefinition {
  id: number;
  name: string;
  enabled: boolean;
  retryCount: number;
  retryIntervalSeconds: number;
  /** Breadth-first distance from the execution's interface. */
  level: number;
  /** Parents that are part of the same execution. */
  parentIds: number[];
}

export interface JobDefinition {
  id: number;
  interfaceId: number;
  name: string;
  commandType: CommandType;
  command: string;
  interpreter: string;
  workingDir: string;
  successExitCodes: string;
  timeoutWarnSeconds: number;
  timeoutFailSeconds: number;
  retryCount: number | null;
  retryIntervalSeconds: number | null;
  retryBackoffPercent: number;
  retryLost: boolean;
  execHostId: number | null;
  hostTag: string;
  routingStrategy: RoutingStrategy;
  /** JSON of the broadcast settings; null when the job is not broadcast. */
  broadcastSpec: string | null;
  params: { name: string; kind: ParamKind; value: string }[];
  prerequisiteIds: number[];
  /** Prerequisite job → the edge's condition. */
  edges: Map<number, EdgeRule>;
}

const INTERFACE_COLUMNS = 'id, name, enabled, retry_count, retry_interval_seconds';

function mapInterface(row: Record<string, unknown>, level: number): InterfaceDefinition {
  return {
    id: toNumber(row.id),
    name: String(row.name),
    enabled: toNumber(row.enabled) === 1,
    retryCount: toNumber(row.retry_count),
    retryIntervalSeconds: toNumber(row.retry_interval_seconds),
    level,
    parentIds: [],
  };
}

/** Reads the live definitions a snapshot is taken from (inside the snapshot's transaction). */
export class DefinitionReader {
  constructor(private readonly sql: Sql) {}

  async interface(id: number): Promise<InterfaceDefinition | null> {
    const [row] = await this.sql.rows<Record<string, unknown>>(
      `SELECT ${INTERFACE_COLUMNS} FROM etl_interface WHERE id = ?`,
      [id],
    );
    return row ? mapInterface(row, 0) : null;
  }

  /** The interface and, when asked, every enabled interface downstream of it (children have parent_id = parent). */
  async interfaces(root: InterfaceDefinition, downstream: boolean): Promise<InterfaceDefinition[]> {
    const found = new Map<number, InterfaceDefinition>([[root.id, root]]);
    let frontier = [root.id];
    for (let level = 1; downstream && frontier.length > 0; level++) {
      const rows = await this.sql.rows<Record<string, unknown>>(
        `SELECT DISTINCT i.id, i.name, i.enabled, i.retry_count, i.retry_interval_seconds FROM etl_interface_dependency d ` +
          `JOIN etl_interface i ON i.id = d.interface_id WHERE d.parent_id IN (${placeholders(frontier.length)}) ORDER BY i.id`,
        frontier,
      );
      frontier = [];
      for (const row of rows) {
        const child = mapInterface(row, level);
        if (!child.enabled || found.has(child.id)) continue;
        found.set(child.id, child);
        frontier.push(child.id);
      }
    }
    const ids = [...found.keys()];
    const edges = await this.sql.rows<{ interface_id: unknown; parent_id: unknown }>(
      `SELECT interface_id, parent_id FROM etl_interface_dependency WHERE interface_id IN (${placeholders(ids.length)}) ` +
        'ORDER BY parent_id',
      ids,
    );
    for (const edge of edges) {
      const parentId = toNumber(edge.parent_id);
      if (found.has(parentId)) found.get(toNumber(edge.interface_id))?.parentIds.push(parentId);
    }
    return [...found.values()];
  }

  /** Enabled jobs of the interfaces (or exactly the given jobs), with ordered params and prerequisites. */
  async jobs(filter: { interfaceIds: number[] } | { jobIds: number[] }): Promise<JobDefinition[]> {
    const [column, ids] = 'jobIds' in filter ? ['id', filter.jobIds] : ['interface_id', filter.interfaceIds];
    if (ids.length === 0) return [];
    const rows = await this.sql.rows<Record<string, unknown>>(
      `SELECT * FROM etl_job WHERE ${column} IN (${placeholders(ids.length)})` +
        ('jobIds' in filter ? '' : ' AND enabled = 1') +
        ' ORDER BY id',
      ids,
    );
    const jobs = rows.map(mapJob);
    if (jobs.length === 0) return jobs;
    const byId = new Map(jobs.map((job) => [job.id, job]));
    const jobIds = [...byId.keys()];
    const params = await this.sql.rows<Record<string, unknown>>(
      `SELECT job_id, name, kind, value FROM etl_job_param WHERE job_id IN (${placeholders(jobIds.length)}) ORDER BY job_id, position`,
      jobIds,
    );
    for (const param of params) {
      byId.get(toNumber(param.job_id))?.params.push({
        name: String(param.name),
        kind: param.kind as ParamKind,
        value: String(param.value),
      });
    }
    const dependencies = await this.sql.rows<Record<string, unknown>>(
      'SELECT job_id, prerequisite_id, edge_condition, output_name, output_match FROM etl_job_dependency ' +
        `WHERE job_id IN (${placeholders(jobIds.length)}) ORDER BY prerequisite_id`,
      jobIds,
    );
    for (const dependency of dependencies) {
      const job = byId.get(toNumber(dependency.job_id));
      const prerequisiteId = toNumber(dependency.prerequisite_id);
      job?.prerequisiteIds.push(prerequisiteId);
      job?.edges.set(prerequisiteId, {
        condition: dependency.edge_condition as EdgeCondition,
        outputName: toText(dependency.output_name, ''),
        outputMatch: toText(dependency.output_match, ''),
      });
    }
    return jobs;
  }

  /** Which of these jobs exist and are enabled (prerequisites outside the snapshot). */
  async enabledJobIds(ids: number[]): Promise<Set<number>> {
    if (ids.length === 0) return new Set();
    const rows = await this.sql.rows<{ id: unknown }>(
      `SELECT id FROM etl_job WHERE id IN (${placeholders(ids.length)}) AND enabled = 1`,
      ids,
    );
    return new Set(rows.map((row) => toNumber(row.id)));
  }

  /** How the ended runs of these jobs for the data date ended (any execution): the outside prerequisites. */
  async endedRuns(
    ids: number[],
    dataDate: string,
  ): Promise<Map<number, { state: RunState; outputs: Record<string, string> }[]>> {
    const ended = new Map<number, { state: RunState; outputs: Record<string, string> }[]>();
    if (ids.length === 0) return ended;
    const rows = await this.sql.rows<Record<string, unknown>>(
      `SELECT job_id, state, outputs FROM job_run WHERE job_id IN (${placeholders(ids.length)}) AND data_date = ? ` +
        "AND state IN ('succeeded','failed','timed_out','killed','lost','skipped')",
      [...ids, dataDate],
    );
    for (const row of rows) {
      const jobId = toNumber(row.job_id);
      ended.set(jobId, [
        ...(ended.get(jobId) ?? []),
        { state: row.state as RunState, outputs: parseOutputs(row.outputs) },
      ]);
    }
    return ended;
  }

  /** Which of these jobs have a succeeded run for the data date (in any execution). */
  async succeededJobIds(ids: number[], dataDate: string): Promise<Set<number>> {
    if (ids.length === 0) return new Set();
    const rows = await this.sql.rows<{ job_id: unknown }>(
      `SELECT DISTINCT job_id FROM job_run WHERE job_id IN (${placeholders(ids.length)}) AND data_date = ? AND state = 'succeeded'`,
      [...ids, dataDate],
    );
    return new Set(rows.map((row) => toNumber(row.job_id)));
  }
}

export function mapJob(row: Record<string, unknown>): JobDefinition {
  return {
    id: toNumber(row.id),
    interfaceId: toNumber(row.interface_id),
    name: String(row.name),
    commandType: row.command_type as CommandType,
    command: String(row.command),
    interpreter: toText(row.interpreter, ''),
    workingDir: toText(row.working_dir, ''),
    successExitCodes: toText(row.success_exit_codes, '0'),
    timeoutWarnSeconds: toNumber(row.timeout_warn_seconds),
    timeoutFailSeconds: toNumber(row.timeout_fail_seconds),
    retryCount: toNumberOrNull(row.retry_count),
    retryIntervalSeconds: toNumberOrNull(row.retry_interval_seconds),
    retryBackoffPercent: toNumber(row.retry_backoff_percent),
    retryLost: toNumber(row.retry_lost) === 1,
    execHostId: toNumberOrNull(row.exec_host_id),
    hostTag: toText(row.host_tag, ''),
    routingStrategy: row.routing_strategy as RoutingStrategy,
    broadcastSpec: broadcastSpecOf(row),
    params: [],
    prerequisiteIds: [],
    edges: new Map(),
  };
}
