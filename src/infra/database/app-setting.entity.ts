import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TimeColumn } from './columns.js';

/** Values generated once and shared by all portal instances (e.g. the session secret). */
@Entity('app_setting')
export class AppSettingEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  name: string;

  @Column({ type: 'text' })
  value: string;

  @TimeColumn()
  updatedAt: Date;
}
