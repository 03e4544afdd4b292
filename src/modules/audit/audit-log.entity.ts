import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { TimeColumn } from '../../infra/database/columns.js';

@Entity('audit_log')
@Index('ix_audit_log_target', ['targetType', 'targetId'])
export class AuditLogEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Index('ix_audit_log_at')
  @TimeColumn()
  at: Date;

  @Column({ type: 'int', nullable: true })
  userId: number | null;

  @Column({ type: 'varchar', length: 64 })
  username: string;

  /** e.g. login, login_failed, logout, create, update, delete, run, kill. */
  @Column({ type: 'varchar', length: 32 })
  action: string;

  @Column({ type: 'varchar', length: 32, default: '' })
  targetType: string;

  @Column({ type: 'varchar', length: 64, default: '' })
  targetId: string;

  @Column({ type: 'varchar', length: 255, default: '' })
  targetName: string;

  @Column({ type: 'text', nullable: true })
  detail: string | null;

  @Column({ type: 'varchar', length: 64, default: '' })
  ip: string;
}
