import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TimeColumn } from '../../infra/database/columns.js';

/** Server-side session rows, shared by every portal instance. */
@Entity('http_session')
export class SessionEntity {
  @PrimaryColumn({ type: 'varchar', length: 128 })
  sid: string;

  @Index('ix_http_session_user')
  @Column({ type: 'int', nullable: true })
  userId: number | null;

  @Index('ix_http_session_expires')
  @TimeColumn()
  expiresAt: Date;

  @Column({ type: 'text' })
  data: string;
}
