import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { TimeColumn } from '../../infra/database/columns.js';

/** A machine-client token; only its SHA-256 is stored, the token itself is shown once. */
@Entity('api_token')
export class ApiTokenEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Index('ix_api_token_user')
  @Column({ type: 'int' })
  userId: number;

  @Column({ type: 'varchar', length: 128 })
  name: string;

  @Index('uq_api_token_hash', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  tokenHash: string;

  /** First characters of the token, so a user can tell tokens apart. */
  @Column({ type: 'varchar', length: 16 })
  prefix: string;

  @TimeColumn()
  createdAt: Date;

  @TimeColumn({ nullable: true })
  lastUsedAt: Date | null;

  @TimeColumn({ nullable: true })
  expiresAt: Date | null;

  @TimeColumn({ nullable: true })
  revokedAt: Date | null;
}
