import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { FlagColumn, TimeColumn } from '../../infra/database/columns.js';

/** A workflow: a named group of jobs with a data-date watermark. */
@Entity('etl_interface')
export class InterfaceEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Index('uq_etl_interface_name', { unique: true })
  @Column({ type: 'varchar', length: 128 })
  name: string;

  @Column({ type: 'varchar', length: 1000, default: '' })
  description: string;

  /** Free grouping path for search and filters, e.g. "dw/ods". */
  @Index('ix_etl_interface_folder')
  @Column({ type: 'varchar', length: 128, default: '' })
  folder: string;

  /** Latest data date (YYYY-MM-DD) this interface completed; gates scheduled downstream runs. */
  @Column({ type: 'varchar', length: 10, nullable: true })
  dataDateWatermark: string | null;

  /** Defaults for jobs that do not set their own retries. */
  @Column({ type: 'int', default: 0 })
  retryCount: number;

  @Column({ type: 'int', default: 60 })
  retryIntervalSeconds: number;

  @FlagColumn({ default: 1 })
  enabled: boolean;

  @TimeColumn()
  createdAt: Date;

  @TimeColumn()
  updatedAt: Date;

  @Column({ type: 'varchar', length: 64, default: '' })
  updatedBy: string;

  /** Owning user (null when a group owns it, or for interfaces from before owners existed). */
  @Index('ix_etl_interface_owner_user')
  @Column({ type: 'int', nullable: true })
  ownerUserId: number | null;

  /** Owning group (user_group.id); at most one of ownerUserId / ownerGroupId is set. */
  @Index('ix_etl_interface_owner_group')
  @Column({ type: 'int', nullable: true })
  ownerGroupId: number | null;

  /** Everyone may see and act on it (roles permitting). Interfaces from before owners existed are shared. */
  @FlagColumn({ default: 1 })
  shared: boolean;
}

/** Interface → parent interface edge of the interface mesh. */
@Entity('etl_interface_dependency')
export class InterfaceDependencyEntity {
  @PrimaryColumn({ type: 'int' })
  interfaceId: number;

  @Index('ix_etl_interface_dependency_parent')
  @PrimaryColumn({ type: 'int' })
  parentId: number;
}
