import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { FlagColumn, TimeColumn } from '../../infra/database/columns.js';

/** A registered exec node. Its token is stored encrypted and never shown again after save. */
@Entity('exec_host')
export class ExecHostEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Index('uq_exec_host_name', { unique: true })
  @Column({ type: 'varchar', length: 128 })
  name: string;

  /** Base URL of the node, e.g. http://etl-01:7391. */
  @Column({ type: 'varchar', length: 512 })
  address: string;

  /** AES-256-GCM of the node token (see infra/crypto). */
  @Column({ type: 'text' })
  tokenEncrypted: string;

  @Column({ type: 'int', default: 4 })
  slots: number;

  @FlagColumn({ default: 1 })
  enabled: boolean;

  @Column({ type: 'varchar', length: 1000, default: '' })
  description: string;

  @TimeColumn()
  createdAt: Date;

  @TimeColumn()
  updatedAt: Date;

  @Column({ type: 'varchar', length: 64, default: '' })
  updatedBy: string;
}

@Entity('exec_host_tag')
export class ExecHostTagEntity {
  @PrimaryColumn({ type: 'int' })
  hostId: number;

  @Index('ix_exec_host_tag_tag')
  @PrimaryColumn({ type: 'varchar', length: 64 })
  tag: string;
}

export const HOST_STATES = ['unknown', 'online', 'offline', 'draining'] as const;
export type HostState = (typeof HOST_STATES)[number];

/** Live status from heartbeats, one row per host (kept apart so heartbeats never touch definitions). */
@Entity('exec_host_status')
export class ExecHostStatusEntity {
  @PrimaryColumn({ type: 'int' })
  hostId: number;

  @Column({ type: 'varchar', length: 16, default: 'unknown' })
  state: HostState;

  @TimeColumn({ nullable: true })
  lastSeenAt: Date | null;

  /** Last host.info / heartbeat payload as JSON (load, memory, disk, versions). */
  @Column({ type: 'text', nullable: true })
  info: string | null;

  @Column({ type: 'int', default: 0 })
  runningCount: number;

  @Column({ type: 'int', default: 0 })
  slotsTotal: number;
}
