import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { FlagColumn, TimeColumn } from '../../infra/database/columns.js';

export const ROUTING_STRATEGIES = ['round_robin', 'least_busy', 'random', 'failover'] as const;
export type RoutingStrategy = (typeof ROUTING_STRATEGIES)[number];
export const COMMAND_TYPES = ['argv', 'script'] as const;
export type CommandType = (typeof COMMAND_TYPES)[number];

/** One command to run on an exec host, inside an interface. */
@Entity('etl_job')
@Index('uq_etl_job_interface_name', ['interfaceId', 'name'], { unique: true })
export class JobEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Index('ix_etl_job_interface')
  @Column({ type: 'int' })
  interfaceId: number;

  @Index('ix_etl_job_name')
  @Column({ type: 'varchar', length: 128 })
  name: string;

  @Column({ type: 'varchar', length: 1000, default: '' })
  description: string;

  @Index('ix_etl_job_folder')
  @Column({ type: 'varchar', length: 128, default: '' })
  folder: string;

  /** A fixed host (execHostId), or any enabled host carrying hostTag, chosen by routingStrategy. */
  @Index('ix_etl_job_exec_host')
  @Column({ type: 'int', nullable: true })
  execHostId: number | null;

  @Column({ type: 'varchar', length: 64, default: '' })
  hostTag: string;

  @Column({ type: 'varchar', length: 16, default: 'round_robin' })
  routingStrategy: RoutingStrategy;

  /** Run on every online enabled host carrying hostTag (docs/definitions.md, "Broadcast jobs"). */
  @FlagColumn({ default: 0 })
  broadcast: boolean;

  /** Broadcast: hosts running at once (0 = all). */
  @Column({ type: 'int', default: 0 })
  broadcastParallel: number;

  /** Broadcast failure budget: percent of hosts that may fail (null = no percent budget). */
  @Column({ type: 'int', nullable: true })
  failRate: number | null;

  /** Broadcast failure budget: hosts that may fail (null = no count budget). */
  @Column({ type: 'int', nullable: true })
  failCount: number | null;

  /** Broadcast: once the budget is exceeded, kill the hosts' runs still running. */
  @FlagColumn({ default: 0 })
  killOnBudgetExceeded: boolean;

  @Column({ type: 'varchar', length: 1024, default: '' })
  workingDir: string;

  /** argv: a command line split into words without a shell; script: a script run by `interpreter`. */
  @Column({ type: 'varchar', length: 8, default: 'argv' })
  commandType: CommandType;

  @Column({ type: 'text' })
  command: string;

  @Column({ type: 'varchar', length: 256, default: '' })
  interpreter: string;

  /** Comma-separated exit codes that mean success, e.g. "0" or "0,3". */
  @Column({ type: 'varchar', length: 64, default: '0' })
  successExitCodes: string;

  /** 0 = no limit. Past warn an alert is raised; past fail the run is ended as timed_out. */
  @Column({ type: 'int', default: 0 })
  timeoutWarnSeconds: number;

  @Column({ type: 'int', default: 0 })
  timeoutFailSeconds: number;

  /** null = the interface's default. */
  @Column({ type: 'int', nullable: true })
  retryCount: number | null;

  @Column({ type: 'int', nullable: true })
  retryIntervalSeconds: number | null;

  /** Multiplier applied to the interval after each retry, in percent (100 = constant, 200 = doubling). */
  @Column({ type: 'int', default: 100 })
  retryBackoffPercent: number;

  /** Whether a run lost with its host is retried. */
  @FlagColumn({ default: 1 })
  retryLost: boolean;

  @FlagColumn({ default: 1 })
  enabled: boolean;

  @TimeColumn()
  createdAt: Date;

  @TimeColumn()
  updatedAt: Date;

  @Column({ type: 'varchar', length: 64, default: '' })
  updatedBy: string;
}

export const PARAM_KINDS = ['static', 'context', 'input'] as const;
export type ParamKind = (typeof PARAM_KINDS)[number];

/** An ordered job parameter; reaches the process as a separate argv element and MC_PARAM_<NAME>. */
@Entity('etl_job_param')
export class JobParamEntity {
  @PrimaryColumn({ type: 'int' })
  jobId: number;

  @PrimaryColumn({ type: 'int' })
  position: number;

  @Column({ type: 'varchar', length: 64 })
  name: string;

  @Column({ type: 'varchar', length: 16 })
  kind: ParamKind;

  /**
   * static: the value; context: an expression such as `data_date:yyyyMMdd:-1`; input: an upstream
   * output, `name` or `job.name`, resolved when the run is sent (see docs/definitions.md).
   */
  @Column({ type: 'varchar', length: 1000 })
  value: string;
}

export const EDGE_CONDITIONS = ['succeeded', 'failed', 'finished', 'output'] as const;
export type EdgeCondition = (typeof EDGE_CONDITIONS)[number];

/** Job → prerequisite job edge; the prerequisite may live in any interface. */
@Entity('etl_job_dependency')
export class JobDependencyEntity {
  @PrimaryColumn({ type: 'int' })
  jobId: number;

  @Index('ix_etl_job_dependency_prerequisite')
  @PrimaryColumn({ type: 'int' })
  prerequisiteId: number;

  /** When the edge lets the job run: the prerequisite succeeded, failed, ended at all, or printed an output. */
  // CONDITION is a reserved word in MySQL: the column is edge_condition.
  @Column({ name: 'edge_condition', type: 'varchar', length: 16, default: 'succeeded' })
  condition: EdgeCondition;

  /** condition `output`: the output's name and the value it must have (exact, or `/regex/`). */
  @Column({ type: 'varchar', length: 64, default: '' })
  outputName: string;

  @Column({ type: 'varchar', length: 1000, default: '' })
  outputMatch: string;
}
