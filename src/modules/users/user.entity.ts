import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { FlagColumn, TimeColumn } from '../../infra/database/columns.js';

export const ROLES = ['admin', 'operator', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

@Entity('app_user')
export class UserEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Index('uq_app_user_username', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  username: string;

  @Column({ type: 'varchar', length: 128, default: '' })
  displayName: string;

  @Column({ type: 'varchar', length: 255, default: '' })
  email: string;

  /** scrypt$N$r$p$salt$hash (see password.ts). */
  @Column({ type: 'varchar', length: 255 })
  passwordHash: string;

  @Column({ type: 'varchar', length: 16 })
  role: Role;

  @FlagColumn({ default: 1 })
  enabled: boolean;

  /** '' = follow the browser's Accept-Language. */
  @Column({ type: 'varchar', length: 8, default: '' })
  language: string;

  @Column({ type: 'int', default: 0 })
  failedLogins: number;

  @TimeColumn({ nullable: true })
  lockedUntil: Date | null;

  @TimeColumn({ nullable: true })
  lastLoginAt: Date | null;

  @TimeColumn()
  createdAt: Date;

  @TimeColumn()
  updatedAt: Date;
}
