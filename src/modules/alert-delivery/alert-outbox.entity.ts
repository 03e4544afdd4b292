import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { TimeColumn } from '../../infra/database/columns.js';

export const OUTBOX_STATES = ['pending', 'sent', 'failed'] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];

/**
 * Alerts to deliver, inserted in the same transaction as the state change that causes them, and
 * delivered by the sender loop with retries (claimed by lease, so several portals never send twice).
 */
@Entity('alert_outbox')
// The sender's pick: WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at.
@Index('ix_alert_outbox_due', ['state', 'nextAttemptAt'])
export class AlertOutboxEntity {
  @PrimaryGeneratedColumn()
  id: number;

  /** e.g. failure:<executionId>:<channelId>; a second insert of the same alert is refused. */
  @Index('uq_alert_outbox_dedupe_key', { unique: true })
  @Column({ type: 'varchar', length: 128 })
  dedupeKey: string;

  @Column({ type: 'int' })
  executionId: number;

  @Column({ type: 'int', nullable: true })
  dispatchId: number | null;

  @Column({ type: 'varchar', length: 16 })
  event: string;

  @Column({ type: 'int' })
  channelId: number;

  @Column({ type: 'varchar', length: 2000, default: '' })
  recipients: string;

  @Column({ type: 'varchar', length: 512 })
  subject: string;

  /** Plain-text message (mail body). */
  @Column({ type: 'text' })
  body: string;

  /** JSON of the template values (webhook bodies). */
  @Column({ type: 'text' })
  placeholderValues: string;

  @Column({ type: 'varchar', length: 16 })
  state: OutboxState;

  @Column({ type: 'int', default: 0 })
  attempts: number;

  /** Also the claim lease: a sender moves it forward before it sends. */
  @TimeColumn()
  nextAttemptAt: Date;

  @Column({ type: 'varchar', length: 64, nullable: true })
  claimedBy: string | null;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  lastError: string | null;

  @TimeColumn()
  createdAt: Date;

  @TimeColumn({ nullable: true })
  sentAt: Date | null;
}
