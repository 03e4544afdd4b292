import { Entity, PrimaryColumn } from 'typeorm';
import { TimeColumn } from '../../infra/database/columns.js';

/** Run events already applied, so a redelivered event (at-least-once outbox) is answered but ignored. */
@Entity('node_event')
export class NodeEventEntity {
  // The primary key is the dedupe key: WHERE run_id IN (...) against (run_id, attempt, seq).
  @PrimaryColumn({ type: 'int' })
  runId: number;

  @PrimaryColumn({ type: 'int' })
  attempt: number;

  @PrimaryColumn({ type: 'int' })
  seq: number;

  @TimeColumn()
  receivedAt: Date;
}
