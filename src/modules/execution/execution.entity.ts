import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { FlagColumn, TimeColumn } from '../../infra/database/columns.js';

export const EXECUTION_TRIGGERS = ['schedule', 'misfire', 'manual', 'backfill'] as const;
export type ExecutionTrigger = (typeof EXECUTION_TRIGGERS)[number];
export const EXECUTION_STATES = ['running', 'succeeded', 'failed', 'killed'] as const;
export type ExecutionState = (typeof EXECUTION_STATES)[number];

/** One run of a dispatch (or a manual run) for one data date: the root of a snapshot. */
@Entity('execution')
// Fire dedupe: a second fire of (dispatch, scheduledAt) finds the row. NULL dispatch ids (manual
// single-job runs) never collide, on SQLite and MySQL alike.
@Index('uq_execution_dispatch_scheduled', ['dispatchId', 'scheduledAt'], { unique: true })
// hasActiveExecution: WHERE dispatch_id = ? AND state = 'running'.
@Index('ix_execution_dispatch_state', ['dispatchId', 'state'])
// Dispatch history: WHERE dispatch_id = ? ORDER BY id DESC.
@Index('ix_execution_dispatch_id', ['dispatchId', 'id'])
export class ExecutionEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'int', nullable: true })
  dispatchId: number | null;

  /** The interface the execution was started for (its downstream ones may be included). */
  @Column({ type: 'int' })
  interfaceId: number;

  @Column({ type: 'varchar', length: 128 })
  interfaceName: string;

  @Column({ type: 'varchar', length: 128, default: '' })
  dispatchName: string;

  @TimeColumn()
  scheduledAt: Date;

  /** YYYY-MM-DD. */
  @Column({ type: 'varchar', length: 10 })
  dataDate: string;

  @Column({ type: 'varchar', length: 16 })
  trigger: ExecutionTrigger;

  // Execution list filtered by state: WHERE state = ? ORDER BY id DESC.
  @Index('ix_execution_state')
  @Column({ type: 'varchar', length: 16 })
  state: ExecutionState;

  @FlagColumn({ default: 0 })
  runDownstream: boolean;

  @Column({ type: 'varchar', length: 64 })
  createdBy: string;

  @TimeColumn()
  createdAt: Date;

  @TimeColumn({ nullable: true })
  finishedAt: Date | null;

  /** Touched by every transaction that ends runs of the execution: it serialises them (MySQL row lock). */
  @TimeColumn()
  updatedAt: Date;

  /** Set once by the transaction that queues the failure alert (one failure alert per execution). */
  @FlagColumn({ default: 0 })
  failureAlerted: boolean;
}

export const INTERFACE_RUN_STATES = ['waiting', 'running', 'succeeded', 'failed'] as const;
export type InterfaceRunState = (typeof INTERFACE_RUN_STATES)[number];

/** An interface inside an execution; gates its runs until its parents in the same execution succeed. */
@Entity('execution_interface')
// Monitor: latest row per interface (MAX(execution_id) WHERE interface_id = ?) and its last succeeded ones.
@Index('ix_execution_interface_interface', ['interfaceId', 'executionId'])
export class ExecutionInterfaceEntity {
  @PrimaryColumn({ type: 'int' })
  executionId: number;

  @PrimaryColumn({ type: 'int' })
  interfaceId: number;

  @Column({ type: 'varchar', length: 128 })
  interfaceName: string;

  /** Comma-separated ids of its parent interfaces that are part of this execution. */
  @Column({ type: 'varchar', length: 2000, default: '' })
  parentIds: string;

  /** Breadth-first distance from the execution's interface (display order). */
  @Column({ type: 'int', default: 0 })
  level: number;

  @Column({ type: 'varchar', length: 16 })
  state: InterfaceRunState;

  /** Parents in this execution that have not succeeded yet; its runs wait while > 0. */
  @Column({ type: 'int', default: 0 })
  waitingOn: number;

  /** First start of its runs, stamped when it succeeds (expected durations on the monitor). */
  @TimeColumn({ nullable: true })
  startedAt: Date | null;

  @TimeColumn({ nullable: true })
  finishedAt: Date | null;
}
