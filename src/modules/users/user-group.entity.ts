import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { TimeColumn } from '../../infra/database/columns.js';

/** A pool of users that can own interfaces together. */
@Entity('user_group')
export class UserGroupEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Index('uq_user_group_name', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  name: string;

  @Column({ type: 'varchar', length: 255, default: '' })
  description: string;

  @TimeColumn()
  createdAt: Date;

  @TimeColumn()
  updatedAt: Date;
}

/** Membership of a user in a group. */
@Entity('user_group_member')
export class UserGroupMemberEntity {
  @PrimaryColumn({ type: 'int' })
  groupId: number;

  @Index('ix_user_group_member_user')
  @PrimaryColumn({ type: 'int' })
  userId: number;
}
