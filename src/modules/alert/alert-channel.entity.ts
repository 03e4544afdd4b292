import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { FlagColumn, TimeColumn } from '../../infra/database/columns.js';

export const CHANNEL_TYPES = ['smtp', 'webhook'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

/** Where alerts go: an SMTP server or a generic webhook for chat tools. */
@Entity('alert_channel')
export class AlertChannelEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Index('uq_alert_channel_name', { unique: true })
  @Column({ type: 'varchar', length: 128 })
  name: string;

  @Column({ type: 'varchar', length: 16 })
  type: ChannelType;

  /** Non-secret settings as JSON: smtp {host, port, tls, user, from}; webhook {url, method, bodyTemplate, headers}. */
  @Column({ type: 'text' })
  settings: string;

  /** AES-256-GCM of the secret part (SMTP password, webhook secret header), '' when none. */
  @Column({ type: 'text' })
  secretEncrypted: string;

  @FlagColumn({ default: 1 })
  enabled: boolean;

  @TimeColumn()
  createdAt: Date;

  @TimeColumn()
  updatedAt: Date;

  @Column({ type: 'varchar', length: 64, default: '' })
  updatedBy: string;
}
