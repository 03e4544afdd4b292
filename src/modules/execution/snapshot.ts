import { randomBytes } from 'node:crypto';
import { AppException } from '../../common/http/app.exception.js';
import { resolveParam } from '../job/param-resolver.js';
import { DefinitionReader, type InterfaceDefinition, type JobDefinition } from './definition-reader.js';
import { DEFAULT_EDGE, edgeHolds, type EdgeRule } from './edge-condition.js';
import { toNumber, type Sql, type SqlValue } from './engine-db.js';
import type { ExecutionTrigger } from './execution.entity.js';

export interface SnapshotRequest {
  dispatchId: number | null;
  dispatchName: string;
  interfaceId: number;
  scheduledAt: Date;
  dataDate: string;
  trigger: ExecutionTrigger;
  actor: string;
  runDownstream: boolean;
  /** Run exactly these jobs, without their prerequisites (a single-job run). */
  jobIds?: number[];
}

/** Unique across databases and portals: exec nodes use it, with the attempt, as the idempotency key. */
export function newNodeRunId(): string {
  return `jr-${randomBytes(12).toString('hex')}`;
}

/** The job fields a run copies at fire time (also refreshed by "rerun with current definitions"). */
export function snapshotFields(
  job: JobDefinition,
  iface: Pick<InterfaceDefinition, 'name' | 'retryCount' | 'retryIntervalSeconds'>,
  context: { dataDate: string; executionId: number },
): Record<string, SqlValue> {
  let params: { name: string; value: string; input?: string }[];
  try {
    params = job.params.map((param) =>
      // An input param is resolved when the run is sent, from the upstream outputs then (run-outputs.ts).
      param.kind === 'input'
        ? { name: param.name, value: '', input: param.value }
        : {
            name: param.name,
            value: resolveParam(param.kind, param.value, { ...context, jobName: job.name, interfaceName: iface.name }),
          },
    );
  } catch (error) {
    throw new AppException('BAD_REQUEST', `job ${job.name}: ${(error as Error).message}`);
  }
  return {
    job_name: job.name,
    interface_name: iface.name,
    command_type: job.commandType,
    command: job.command,
    interpreter: job.interpreter,
    working_dir: job.workingDir,
    params: JSON.stringify(params),
    success_exit_codes: job.successExitCodes,
    timeout_warn_seconds: job.timeoutWarnSeconds,
    timeout_fail_seconds: job.timeoutFailSeconds,
    retry_count: job.retryCount ?? iface.retryCount,
    retry_interval_seconds: job.retryIntervalSeconds ?? iface.retryIntervalSeconds,
    retry_backoff_percent: job.retryBackoffPercent,
    retry_lost: job.retryLost ? 1 : 0,
    target_host_id: job.execHostId,
    host_tag: job.hostTag,
    routing_strategy: job.routingStrategy,
    broadcast_spec: job.broadcastSpec,
  };
}

/** The columns a new run gets besides its snapshot fields (in the order insertRuns writes them). */
const RUN_STATE_COLUMNS = [
  'execution_id',
  'node_run_id',
  'data_date',
  'interface_id',
  'job_id',
  'state',
  'attempt',
  'waiting_on',
  'gated',
  'not_before',
  'created_at',
  'updated_at',
];

interface PlannedRun {
  job: JobDefinition;
  nodeRunId: string;
  internal: number[];
  external: { jobId: number; satisfied: boolean; rule: EdgeRule }[];
  gated: boolean;
  waitingOn: number;
}

/**
 * Takes the snapshot of a fire: the execution row, its interfaces (with the gates of parents in the
 * same execution) and one run per enabled job, prerequisites resolved to runs of this execution or,
 * outside it, to the prerequisite job's success for the same data date.
 */
export class Snapshot {
  private readonly reader: DefinitionReader;

  /** `now`: the transaction's time, so the execution, its runs and their first transitions share one instant. */
  constructor(
    private readonly sql: Sql,
    private readonly now: number = Date.now(),
  ) {
    this.reader = new DefinitionReader(sql);
  }

  async existing(dispatchId: number | null, scheduledAt: Date): Promise<number | null> {
    if (dispatchId === null) return null;
    const [row] = await this.sql.rows<{ id: unknown }>(
      'SELECT id FROM execution WHERE dispatch_id = ? AND scheduled_at = ?',
      [dispatchId, scheduledAt.getTime()],
    );
    return row ? toNumber(row.id) : null;
  }

  /** Creates everything; returns the execution id and how many runs it has. */
  async create(request: SnapshotRequest): Promise<{ executionId: number; runs: number }> {
    const root = await this.reader.interface(request.interfaceId);
    if (!root) throw new AppException('NOT_FOUND', `interface ${request.interfaceId} not found`);
    if (!root.enabled && !request.jobIds) throw new AppException('CONFLICT', `interface ${root.name} is disabled`);
    const single = request.jobIds !== undefined;
    const interfaces = single ? [root] : await this.reader.interfaces(root, request.runDownstream);
    const jobs = await this.reader.jobs(
      single ? { jobIds: request.jobIds ?? [] } : { interfaceIds: interfaces.map((i) => i.id) },
    );
    const executionId = await this.insertExecution(request, root.name);
    const gates = this.gates(interfaces, jobs);
    const planned = await this.plan(jobs, gates, request, single);
    await this.insertInterfaces(executionId, interfaces, gates);
    await this.insertRuns(executionId, request.dataDate, planned, new Map(interfaces.map((i) => [i.id, i])));
    return { executionId, runs: planned.length };
  }

  private async insertExecution(request: SnapshotRequest, interfaceName: string): Promise<number> {
    const now = this.now;
    return this.sql.insert(
      'INSERT INTO execution (dispatch_id, interface_id, interface_name, dispatch_name, scheduled_at, data_date, `trigger`, ' +
        "state, run_downstream, created_by, created_at, updated_at, failure_alerted) VALUES (?,?,?,?,?,?,?,'running',?,?,?,?,0)",
      [
        request.dispatchId,
        request.interfaceId,
        interfaceName,
        request.dispatchName,
        request.scheduledAt.getTime(),
        request.dataDate,
        request.trigger,
        request.runDownstream ? 1 : 0,
        request.actor.slice(0, 64),
        now,
        now,
      ],
    );
  }

  /**
   * Interfaces whose parents in the execution must succeed first: waitingOn per interface.
   * A parent without jobs counts as done once its own parents are (it succeeds when its gate opens).
   */
  private gates(interfaces: InterfaceDefinition[], jobs: JobDefinition[]): Map<number, number> {
    const withJobs = new Set(jobs.map((job) => job.interfaceId));
    const byId = new Map(interfaces.map((i) => [i.id, i]));
    const doneAtStart = new Map<number, boolean>();
    const isDone = (id: number, seen = new Set<number>()): boolean => {
      if (doneAtStart.has(id)) return doneAtStart.get(id) ?? false;
      if (seen.has(id)) return false;
      seen.add(id);
      const iface = byId.get(id);
      const done = !withJobs.has(id) && (iface?.parentIds ?? []).every((parent) => isDone(parent, seen));
      doneAtStart.set(id, done);
      return done;
    };
    return new Map(interfaces.map((i) => [i.id, i.parentIds.filter((parent) => !isDone(parent)).length]));
  }

  private async plan(
    jobs: JobDefinition[],
    gates: Map<number, number>,
    request: SnapshotRequest,
    single: boolean,
  ): Promise<PlannedRun[]> {
    const inSnapshot = new Set(jobs.map((job) => job.id));
    const outside = single
      ? []
      : [...new Set(jobs.flatMap((job) => job.prerequisiteIds))].filter((id) => !inSnapshot.has(id));
    const enabled = await this.reader.enabledJobIds(outside);
    const ended = await this.reader.endedRuns([...enabled], request.dataDate);
    // An outside prerequisite is satisfied by any run of its job for the data date meeting the edge's condition.
    const holds = (jobId: number, rule: EdgeRule) =>
      (ended.get(jobId) ?? []).some((run) => edgeHolds(rule, run.state, run.outputs));
    return jobs.map((job) => {
      const internal = single ? [] : job.prerequisiteIds.filter((id) => inSnapshot.has(id));
      const external = single
        ? []
        : job.prerequisiteIds
            .filter((id) => enabled.has(id))
            .map((jobId) => {
              const rule = job.edges.get(jobId) ?? DEFAULT_EDGE;
              return { jobId, rule, satisfied: holds(jobId, rule) };
            });
      const gated = (gates.get(job.interfaceId) ?? 0) > 0;
      const waitingOn = internal.length + external.filter((dep) => !dep.satisfied).length + (gated ? 1 : 0);
      return { job, nodeRunId: newNodeRunId(), internal, external, gated, waitingOn };
    });
  }

  private async insertInterfaces(
    executionId: number,
    interfaces: InterfaceDefinition[],
    gates: Map<number, number>,
  ): Promise<void> {
    await this.sql.insertMany(
      'execution_interface',
      ['execution_id', 'interface_id', 'interface_name', 'parent_ids', 'level', 'state', 'waiting_on'],
      interfaces.map((i) => [
        executionId,
        i.id,
        i.name,
        i.parentIds.join(','),
        i.level,
        'waiting',
        gates.get(i.id) ?? 0,
      ]),
    );
  }

  private async insertRuns(
    executionId: number,
    dataDate: string,
    planned: PlannedRun[],
    interfaces: Map<number, InterfaceDefinition>,
  ): Promise<void> {
    if (planned.length === 0) return;
    const now = this.now;
    const rows = planned.map((run) => {
      const iface = interfaces.get(run.job.interfaceId) ?? { name: '', retryCount: 0, retryIntervalSeconds: 0 };
      const fields = snapshotFields(run.job, iface, { dataDate, executionId });
      const state = run.waitingOn === 0 ? 'queued' : 'waiting';
      return { columns: Object.keys(fields), values: Object.values(fields), state, run };
    });
    const columns = [...rows[0].columns, ...RUN_STATE_COLUMNS];
    await this.sql.insertMany(
      'job_run',
      columns,
      rows.map(({ values, state, run }) => [
        ...values,
        executionId,
        run.nodeRunId,
        dataDate,
        run.job.interfaceId,
        run.job.id,
        state,
        1,
        run.waitingOn,
        run.gated ? 1 : 0,
        now,
        now,
        now,
      ]),
    );
    await this.insertDependencies(executionId, dataDate, planned, rows);
  }

  private async insertDependencies(
    executionId: number,
    dataDate: string,
    planned: PlannedRun[],
    rows: { state: string; run: PlannedRun }[],
  ): Promise<void> {
    const ids = await this.sql.rows<{ id: unknown; job_id: unknown }>(
      'SELECT id, job_id FROM job_run WHERE execution_id = ?',
      [executionId],
    );
    const runByJob = new Map(ids.map((row) => [toNumber(row.job_id), toNumber(row.id)]));
    const dependencies: SqlValue[][] = [];
    for (const run of planned) {
      const runId = runByJob.get(run.job.id) ?? 0;
      const edge = (jobId: number): SqlValue[] => {
        const rule = run.job.edges.get(jobId) ?? DEFAULT_EDGE;
        return [rule.condition, rule.outputName, rule.outputMatch];
      };
      for (const prerequisite of run.internal) {
        dependencies.push([
          runId,
          prerequisite,
          runByJob.get(prerequisite) ?? null,
          dataDate,
          0,
          ...edge(prerequisite),
        ]);
      }
      for (const dep of run.external) {
        dependencies.push([runId, dep.jobId, null, dataDate, dep.satisfied ? 1 : 0, ...edge(dep.jobId)]);
      }
    }
    await this.sql.insertMany(
      'job_run_dependency',
      [
        'run_id',
        'prerequisite_job_id',
        'prerequisite_run_id',
        'data_date',
        'satisfied',
        'edge_condition',
        'output_name',
        'output_match',
      ],
      dependencies,
    );
    const at = this.now;
    await this.sql.insertMany(
      'job_run_transition',
      ['run_id', 'execution_id', 'attempt', 'from_state', 'to_state', '`at`', 'actor', 'reason'],
      rows.map(({ state, run }) => [
        runByJob.get(run.job.id) ?? 0,
        executionId,
        1,
        '',
        state,
        at,
        'engine',
        'snapshot',
      ]),
    );
  }
}
