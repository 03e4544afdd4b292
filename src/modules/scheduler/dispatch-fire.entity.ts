import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { TimeColumn } from '../../infra/database/columns.js';

export const FIRE_TRIGGERS = ['schedule', 'misfire'] as const;
export type FireTrigger = (typeof FIRE_TRIGGERS)[number];
/** pending = claimed, start not yet answered; skipped = overlap policy "skip" saw an active execution. */
export const FIRE_OUTCOMES = ['pending', 'started', 'skipped', 'failed'] as const;
export type FireOutcome = (typeof FIRE_OUTCOMES)[number];

/**
 * One fire of a dispatch: the scheduler's record that (dispatch, scheduledAt) was handled. The unique
 * key is the final guard of exactly-once firing across portal instances (the lock only spares work).
 */
@Entity('dispatch_fire')
// Claim: INSERT fails on a second (dispatch_id, scheduled_at); also serves the history of one
// dispatch: WHERE dispatch_id = ? ORDER BY scheduled_at.
@Index('uq_dispatch_fire', ['dispatchId', 'scheduledAt'], { unique: true })
// Restart recovery: WHERE outcome = 'pending' AND scheduled_at >= ? ORDER BY scheduled_at.
@Index('ix_dispatch_fire_outcome', ['outcome', 'scheduledAt'])
export class DispatchFireEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'int' })
  dispatchId: number;

  @TimeColumn()
  scheduledAt: Date;

  @Column({ type: 'varchar', length: 16 })
  trigger: FireTrigger;

  @Column({ type: 'varchar', length: 16 })
  outcome: FireOutcome;

  /** YYYY-MM-DD handed to the engine. */
  @Column({ type: 'varchar', length: 10 })
  dataDate: string;

  /** The portal instance (lock owner) that fired. */
  @Column({ type: 'varchar', length: 128 })
  instance: string;

  /** When the fire was claimed. */
  @TimeColumn()
  firedAt: Date;

  /** Scheduled time to the moment ExecutionStarter.start was called, in ms (null when not started). */
  @Column({ type: 'int', nullable: true })
  latencyMs: number | null;

  @Column({ type: 'int', nullable: true })
  executionId: number | null;

  @Column({ type: 'varchar', length: 1000, default: '' })
  error: string;
}
