import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { FlagColumn, TimeColumn } from '../../infra/database/columns.js';

export const MISFIRE_POLICIES = ['skip', 'run_once', 'run_all'] as const;
export type MisfirePolicy = (typeof MISFIRE_POLICIES)[number];
export const OVERLAP_POLICIES = ['skip', 'queue', 'parallel'] as const;
export type OverlapPolicy = (typeof OVERLAP_POLICIES)[number];

/** A cron schedule bound to an interface. */
@Entity('dispatch')
export class DispatchEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Index('ix_dispatch_interface')
  @Column({ type: 'int' })
  interfaceId: number;

  @Index('uq_dispatch_name', { unique: true })
  @Column({ type: 'varchar', length: 128 })
  name: string;

  @Column({ type: 'varchar', length: 1000, default: '' })
  description: string;

  /** Six fields with seconds; L, W and # allowed (croner). */
  @Column({ type: 'varchar', length: 128 })
  cron: string;

  @Column({ type: 'varchar', length: 64, default: 'UTC' })
  timezone: string;

  /** false = paused. */
  @FlagColumn({ default: 1 })
  enabled: boolean;

  @Column({ type: 'varchar', length: 16, default: 'run_once' })
  misfirePolicy: MisfirePolicy;

  @Column({ type: 'varchar', length: 16, default: 'skip' })
  overlapPolicy: OverlapPolicy;

  /** Also run the interfaces downstream of this one. */
  @FlagColumn({ default: 1 })
  runDownstream: boolean;

  /** Data date = fire date in the dispatch's zone plus this many days (-1 = T-1). */
  @Column({ type: 'int', default: -1 })
  dataDateOffsetDays: number;

  /** Last scheduled fire time handled, for misfire recovery. */
  @TimeColumn({ nullable: true })
  lastFireAt: Date | null;

  @TimeColumn()
  createdAt: Date;

  @TimeColumn()
  updatedAt: Date;

  @Column({ type: 'varchar', length: 64, default: '' })
  updatedBy: string;
}

export const ALERT_EVENTS = ['failure', 'success', 'timeout', 'recovery', 'late'] as const;
export type AlertEvent = (typeof ALERT_EVENTS)[number];

/** Per dispatch: on which event, through which channel, to whom. */
@Entity('dispatch_alert')
@Index('uq_dispatch_alert', ['dispatchId', 'event', 'channelId'], { unique: true })
export class DispatchAlertEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'int' })
  dispatchId: number;

  @Column({ type: 'varchar', length: 16 })
  event: AlertEvent;

  @Index('ix_dispatch_alert_channel')
  @Column({ type: 'int' })
  channelId: number;

  /** Comma-separated addresses (email) or an optional mention list (webhook). */
  @Column({ type: 'varchar', length: 2000, default: '' })
  recipients: string;

  @FlagColumn({ default: 1 })
  enabled: boolean;
}
