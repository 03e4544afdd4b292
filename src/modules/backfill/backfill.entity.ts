import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { FlagColumn, TimeColumn } from '../../infra/database/columns.js';
import type { BackfillOrder, BackfillState } from './backfill-plan.js';

/** A run of one dispatch over a range of data dates, a few executions at a time. */
@Entity('backfill')
// The driver: WHERE state = 'running'.
@Index('ix_backfill_state', ['state'])
// A dispatch's backfills, newest first.
@Index('ix_backfill_dispatch', ['dispatchId', 'id'])
export class BackfillEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'int' })
  dispatchId: number;

  @Column({ type: 'varchar', length: 128 })
  dispatchName: string;

  /** The dispatch's interface (whose owners may see and act on the backfill). */
  @Column({ type: 'int' })
  interfaceId: number;

  /** YYYY-MM-DD, both included. */
  @Column({ type: 'varchar', length: 10 })
  dateFrom: string;

  @Column({ type: 'varchar', length: 10 })
  dateThrough: string;

  @Column({ type: 'varchar', length: 16 })
  dateOrder: BackfillOrder;

  /** Most executions of the backfill running at once. */
  @Column({ type: 'int' })
  parallelism: number;

  @FlagColumn({ default: 0 })
  runDownstream: boolean;

  /** After a failed execution, start no further dates. */
  @FlagColumn({ default: 0 })
  stopOnFailure: boolean;

  @Column({ type: 'varchar', length: 16 })
  state: BackfillState;

  /** The next data date to start; null once every date has an execution. Advanced by compare-and-set. */
  @Column({ type: 'varchar', length: 10, nullable: true })
  nextDate: string | null;

  @Column({ type: 'int' })
  totalDates: number;

  /** Why it ended other than by its executions (the dispatch was deleted, a date could not start). */
  @Column({ type: 'varchar', length: 255, default: '' })
  note: string;

  @Column({ type: 'varchar', length: 64 })
  createdBy: string;

  @TimeColumn()
  createdAt: Date;

  @TimeColumn()
  updatedAt: Date;

  @TimeColumn({ nullable: true })
  finishedAt: Date | null;
}

/** The execution a backfill started for one data date; the key makes that start happen once. */
@Entity('backfill_date')
@Index('uq_backfill_date_execution', ['executionId'], { unique: true })
export class BackfillDateEntity {
  @PrimaryColumn({ type: 'int' })
  backfillId: number;

  @PrimaryColumn({ type: 'varchar', length: 10 })
  dataDate: string;

  @Column({ type: 'int' })
  executionId: number;
}
