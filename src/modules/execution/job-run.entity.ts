import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { FlagColumn, TimeColumn } from '../../infra/database/columns.js';
import type { CommandType, EdgeCondition, RoutingStrategy } from '../job/job.entity.js';

export const RUN_STATES = [
  'waiting',
  'queued',
  'dispatched',
  'running',
  'succeeded',
  'failed',
  'timed_out',
  'killed',
  'lost',
  'skipped',
] as const;
export type RunState = (typeof RUN_STATES)[number];
export const ACTIVE_STATES = ['dispatched', 'running'] as const satisfies readonly RunState[];
export const TERMINAL_STATES = [
  'succeeded',
  'failed',
  'timed_out',
  'killed',
  'lost',
  'skipped',
] as const satisfies readonly RunState[];
export type TerminalState = (typeof TERMINAL_STATES)[number];

export function isTerminal(state: RunState): state is TerminalState {
  return (TERMINAL_STATES as readonly string[]).includes(state);
}

/**
 * One job inside an execution: a snapshot of the job taken at fire time (later edits of the job do
 * not change it) plus the state of its current attempt.
 */
@Entity('job_run')
// Execution completion and the detail page: WHERE execution_id = ? [AND state IN (...)].
@Index('ix_job_run_execution_state', ['executionId', 'state'])
// Interface completion and gates: WHERE execution_id = ? AND interface_id = ? AND state IN (...).
@Index('ix_job_run_execution_interface_state', ['executionId', 'interfaceId', 'state'])
// Slots in use per host and runs of a vanished host: WHERE state IN ('dispatched','running') [AND host_id = ?].
@Index('ix_job_run_state_host', ['state', 'hostId'])
// The dispatcher's pick: WHERE state = 'queued' AND not_before <= ? ORDER BY not_before, id.
@Index('ix_job_run_state_not_before', ['state', 'notBefore', 'id'])
// Cross-interface prerequisites and maxRunningPerJob: WHERE job_id = ? AND data_date = ? AND state = 'succeeded'.
@Index('ix_job_run_job_date_state', ['jobId', 'dataDate', 'state'])
// Job history: WHERE job_id = ? ORDER BY id DESC.
@Index('ix_job_run_job_id', ['jobId', 'id'])
export class JobRunEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'int' })
  executionId: number;

  // Node callbacks name the run by this id: WHERE node_run_id IN (...).
  @Index('uq_job_run_node_run_id', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  nodeRunId: string;

  @Column({ type: 'varchar', length: 10 })
  dataDate: string;

  // -- snapshot of the definitions --
  @Column({ type: 'int' })
  interfaceId: number;

  @Column({ type: 'varchar', length: 128 })
  interfaceName: string;

  @Column({ type: 'int' })
  jobId: number;

  @Column({ type: 'varchar', length: 128 })
  jobName: string;

  @Column({ type: 'varchar', length: 8 })
  commandType: CommandType;

  @Column({ type: 'text' })
  command: string;

  @Column({ type: 'varchar', length: 256, default: '' })
  interpreter: string;

  @Column({ type: 'varchar', length: 1024, default: '' })
  workingDir: string;

  /** JSON `[{name, value}]`, resolved for the data date. */
  @Column({ type: 'text' })
  params: string;

  @Column({ type: 'varchar', length: 64, default: '0' })
  successExitCodes: string;

  @Column({ type: 'int', default: 0 })
  timeoutWarnSeconds: number;

  @Column({ type: 'int', default: 0 })
  timeoutFailSeconds: number;

  /** Automatic retries allowed (the interface default already applied). */
  @Column({ type: 'int', default: 0 })
  retryCount: number;

  @Column({ type: 'int', default: 0 })
  retryIntervalSeconds: number;

  @Column({ type: 'int', default: 100 })
  retryBackoffPercent: number;

  @FlagColumn({ default: 1 })
  retryLost: boolean;

  @Column({ type: 'int', nullable: true })
  targetHostId: number | null;

  @Column({ type: 'varchar', length: 64, default: '' })
  hostTag: string;

  @Column({ type: 'varchar', length: 16, default: 'round_robin' })
  routingStrategy: RoutingStrategy;

  /** Broadcast parent: JSON `{parallel, failRate, failCount, kill}` of the job (null = not broadcast). */
  @Column({ type: 'varchar', length: 200, nullable: true })
  broadcastSpec: string | null;

  /** A broadcast child: its parent run (children are not in the dependency graph). */
  @Index('ix_job_run_parent')
  @Column({ type: 'int', nullable: true })
  parentRunId: number | null;

  /** A broadcast child: the parent's attempt that expanded it. */
  @Column({ type: 'int', default: 0 })
  parentAttempt: number;

  /** A broadcast parent whose failure budget was exceeded in its current attempt. */
  @FlagColumn({ default: 0 })
  budgetExceeded: boolean;

  // -- state of the current attempt --
  @Column({ type: 'varchar', length: 16 })
  state: RunState;

  /** Starts at 1; a retry or rerun takes the next number. Callbacks of another attempt are stale. */
  @Column({ type: 'int', default: 1 })
  attempt: number;

  /** Automatic retries used since the last operator rerun. */
  @Column({ type: 'int', default: 0 })
  retriesUsed: number;

  /** Unsatisfied prerequisites (rows of job_run_dependency) plus 1 while its interface is gated. */
  @Column({ type: 'int', default: 0 })
  waitingOn: number;

  /** Whether waitingOn includes the gate of its interface (parents in the execution not done). */
  @FlagColumn({ default: 0 })
  gated: boolean;

  /** A queued run is not dispatched before this time (retry interval). */
  @TimeColumn()
  notBefore: Date;

  @Column({ type: 'int', nullable: true })
  hostId: number | null;

  /** A host to avoid for the next attempt (the one that lost the previous attempt). */
  @Column({ type: 'int', nullable: true })
  avoidHostId: number | null;

  @Column({ type: 'int', nullable: true })
  pid: number | null;

  @Column({ type: 'int', nullable: true })
  exitCode: number | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  exitSignal: string | null;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  error: string | null;

  /** JSON of the last output lines reported with run.finished (for alert mails). */
  @Column({ type: 'text', nullable: true })
  tail: string | null;

  /** JSON `{ name: value }` the job printed (`::meshcron::output`), reported with run.finished. */
  @Column({ type: 'text', nullable: true })
  outputs: string | null;

  /** JSON of the upstream outputs the current attempt was sent with (run-outputs.ts). */
  @Column({ type: 'text', nullable: true })
  inputs: string | null;

  /** Skipped because an edge condition chose another branch (not because something upstream failed). */
  @FlagColumn({ default: 0 })
  branchSkipped: boolean;

  /** The warn timeout alert was raised for the current attempt. */
  @FlagColumn({ default: 0 })
  warned: boolean;

  /** The attempt for which the "running late" alert was raised (0 = none): once per attempt. */
  @Column({ type: 'int', default: 0 })
  lateAlertedAttempt: number;

  @TimeColumn()
  createdAt: Date;

  @TimeColumn({ nullable: true })
  dispatchedAt: Date | null;

  @TimeColumn({ nullable: true })
  startedAt: Date | null;

  @TimeColumn({ nullable: true })
  finishedAt: Date | null;

  @TimeColumn()
  updatedAt: Date;
}

/**
 * Run → prerequisite edge. Inside the execution the prerequisite is a run (prerequisiteRunId);
 * a prerequisite job outside the execution is satisfied by any succeeded run of that job for the
 * same data date (prerequisiteRunId null).
 */
@Entity('job_run_dependency')
// Rerun and skip cascade walk upstream/downstream of a run: WHERE run_id = ?.
@Index('ix_job_run_dependency_run', ['runId'])
// Releasing dependents when a run succeeds or fails: WHERE prerequisite_run_id = ? AND satisfied = 0.
@Index('ix_job_run_dependency_prerequisite_run', ['prerequisiteRunId', 'satisfied'])
// Cross-execution prerequisites: WHERE prerequisite_job_id = ? AND data_date = ? AND satisfied = 0.
@Index('ix_job_run_dependency_external', ['prerequisiteJobId', 'dataDate', 'satisfied'])
export class JobRunDependencyEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'int' })
  runId: number;

  @Column({ type: 'int' })
  prerequisiteJobId: number;

  @Column({ type: 'int', nullable: true })
  prerequisiteRunId: number | null;

  /** The waiting run's data date (cross-execution lookups). */
  @Column({ type: 'varchar', length: 10 })
  dataDate: string;

  @FlagColumn({ default: 0 })
  satisfied: boolean;

  /** The job edge's condition at snapshot time (etl_job_dependency). */
  // CONDITION is a reserved word in MySQL: the column is edge_condition.
  @Column({ name: 'edge_condition', type: 'varchar', length: 16, default: 'succeeded' })
  condition: EdgeCondition;

  @Column({ type: 'varchar', length: 64, default: '' })
  outputName: string;

  @Column({ type: 'varchar', length: 1000, default: '' })
  outputMatch: string;
}

/** Every state change of a run: who, when, from, to, why. */
@Entity('job_run_transition')
// A run's history: WHERE run_id = ? ORDER BY id.
@Index('ix_job_run_transition_run', ['runId', 'id'])
export class JobRunTransitionEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'int' })
  runId: number;

  @Column({ type: 'int' })
  executionId: number;

  @Column({ type: 'int' })
  attempt: number;

  @Column({ type: 'varchar', length: 16 })
  fromState: string;

  @Column({ type: 'varchar', length: 16 })
  toState: string;

  @TimeColumn()
  at: Date;

  /** A user name, "engine", or "node:<name>". */
  @Column({ type: 'varchar', length: 128 })
  actor: string;

  @Column({ type: 'varchar', length: 1000, default: '' })
  reason: string;
}
