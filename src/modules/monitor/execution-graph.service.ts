import { Injectable } from '@nestjs/common';
import { AccessService, type AccessUser } from '../access/access.service.js';
import { maskExecutionDetail } from '../access/execution-mask.js';
import { layeredLayout } from '../topology/layered-layout.js';
import { EngineDb, placeholders, toNumber, toNumberOrNull, type Sql } from '../execution/engine-db.js';
import { ExecutionQueryService, type ExecutionSummary, type RunView } from '../execution/execution-query.service.js';
import { RunEstimateService, type RunEstimate } from '../execution/run-estimate.js';

export interface GraphInterface {
  id: number;
  name: string;
  state: string;
  level: number;
  layer: number;
  row: number;
  runs: number;
  failed: number;
}

export interface GraphRun extends Omit<RunView, 'tail'> {
  layer: number;
  row: number;
  estimate: RunEstimate | null;
}

/** One payload for the live execution page: interfaces graph, every run (job DAG + Gantt + table). */
export interface ExecutionGraph {
  execution: ExecutionSummary;
  interfaces: GraphInterface[];
  /** parent interface id → child interface id. */
  interfaceEdges: [number, number][];
  runs: GraphRun[];
  /** prerequisite run id → dependent run id (inside the execution). */
  runEdges: [number, number][];
  /** Job layout per interface: layers/rows of its widest layer. */
  jobLayouts: Record<number, { layers: number; rows: number }>;
  now: Date;
}

const FAILED = new Set(['failed', 'timed_out', 'lost', 'killed']);

/** The execution detail's live data: states from the runs, layouts computed here (layer = x, row = y). */
@Injectable()
export class ExecutionGraphService {
  constructor(
    private readonly db: EngineDb,
    private readonly queries: ExecutionQueryService,
    private readonly estimates: RunEstimateService,
    private readonly access: AccessService,
  ) {}

  /** Interfaces and runs the user may not see are anonymised ("hidden interface #id"). */
  async graph(executionId: number, user: AccessUser): Promise<ExecutionGraph> {
    const detail = await maskExecutionDetail(this.access, user, await this.queries.detail(executionId));
    const runEdges = await this.db.read((sql) =>
      this.runEdges(
        sql,
        detail.runs.map((run) => run.id),
      ),
    );
    const estimates = await this.estimates.estimate(detail.runs);
    const ids = detail.interfaces.map((item) => item.interfaceId);
    const interfaceEdges: [number, number][] = detail.interfaces.flatMap((item) =>
      item.parentIds
        .filter((parent) => ids.includes(parent))
        .map((parent): [number, number] => [parent, item.interfaceId]),
    );
    const index = new Map(ids.map((id, position) => [id, position]));
    const layout = layeredLayout(
      ids.length,
      interfaceEdges.map(([from, to]) => [index.get(from)!, index.get(to)!] as const),
    );
    const interfaces = detail.interfaces.map((item, position) => {
      const own = detail.runs.filter((run) => run.interfaceId === item.interfaceId);
      return {
        id: item.interfaceId,
        name: item.interfaceName,
        state: item.state,
        level: item.level,
        layer: layout.layer[position],
        row: layout.row[position],
        runs: own.length,
        failed: own.filter((run) => FAILED.has(run.state)).length,
      };
    });
    const { runs, jobLayouts } = this.layoutJobs(detail.runs, runEdges, estimates);
    return { execution: detail.execution, interfaces, interfaceEdges, runs, runEdges, jobLayouts, now: new Date() };
  }

  /** Each interface's job DAG laid out on its own (edges from other interfaces are left out). */
  private layoutJobs(all: RunView[], edges: [number, number][], estimates: Map<number, RunEstimate>) {
    const placed = new Map<number, { layer: number; row: number }>();
    const jobLayouts: Record<number, { layers: number; rows: number }> = {};
    const byInterface = new Map<number, RunView[]>();
    for (const run of all) byInterface.set(run.interfaceId, [...(byInterface.get(run.interfaceId) ?? []), run]);
    for (const [interfaceId, runs] of byInterface) {
      const index = new Map(runs.map((run, position) => [run.id, position]));
      const local = edges
        .filter(([from, to]) => index.has(from) && index.has(to))
        .map(([from, to]) => [index.get(from)!, index.get(to)!] as const);
      const layout = layeredLayout(runs.length, local);
      runs.forEach((run, position) => placed.set(run.id, { layer: layout.layer[position], row: layout.row[position] }));
      jobLayouts[interfaceId] = { layers: layout.layers, rows: layout.rows };
    }
    const runs = all.map(({ tail: _tail, ...run }) => ({
      ...run,
      ...placed.get(run.id)!,
      estimate: estimates.get(run.id) ?? null,
    }));
    return { runs, jobLayouts };
  }

  private async runEdges(sql: Sql, runIds: number[]): Promise<[number, number][]> {
    const edges: [number, number][] = [];
    for (let index = 0; index < runIds.length; index += 1000) {
      const part = runIds.slice(index, index + 1000);
      // ix_job_run_dependency_run (run_id).
      const rows = await sql.rows<{ run_id: unknown; prerequisite_run_id: unknown }>(
        'SELECT run_id, prerequisite_run_id FROM job_run_dependency ' +
          `WHERE run_id IN (${placeholders(part.length)}) AND prerequisite_run_id IS NOT NULL`,
        part,
      );
      for (const row of rows) edges.push([toNumberOrNull(row.prerequisite_run_id)!, toNumber(row.run_id)]);
    }
    return edges;
  }
}
