import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource } from 'typeorm';
import { AppException, ValidationException } from '../../common/http/app.exception.js';
import type { InterfaceEntity } from '../interface/interface.entity.js';
import { UserGroupEntity } from '../users/user-group.entity.js';
import { UserEntity } from '../users/user.entity.js';
import { AccessService, type AccessUser } from './access.service.js';

/** Owner fields as forms, the API and import files give them: by name. Left out = keep (or the creator). */
export interface OwnerInput {
  ownerUser?: string | null;
  ownerGroup?: string | null;
  shared?: boolean | null;
}

export type OwnerColumns = Pick<InterfaceEntity, 'ownerUserId' | 'ownerGroupId' | 'shared'>;

/** What lists and detail pages show of an owner. */
export interface OwnerView {
  ownerUser: string | null;
  ownerGroup: string | null;
  shared: boolean;
}

const given = (value: string | null | undefined): value is string => typeof value === 'string' && value.trim() !== '';

/** Turns owner names into ids, checks who may change them, and names owners for display. */
@Injectable()
export class OwnerService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
  ) {}

  /** A new interface: the named owner, else the creator; not shared unless asked. */
  async forCreate(input: OwnerInput, creator: AccessUser): Promise<OwnerColumns> {
    const owner = (await this.resolve(input)) ?? { ownerUserId: creator.userId, ownerGroupId: null };
    return { ...owner, shared: input.shared ?? false };
  }

  /**
   * Changes to an existing interface's owner fields (only the ones given). Only admins and current
   * owners may change them: others get 403 FORBIDDEN.
   */
  async forUpdate(input: OwnerInput, current: OwnerColumns, actor: AccessUser): Promise<Partial<OwnerColumns>> {
    const owner = await this.resolve(input);
    const changes: Partial<OwnerColumns> = {};
    if (owner && (owner.ownerUserId !== current.ownerUserId || owner.ownerGroupId !== current.ownerGroupId)) {
      Object.assign(changes, owner);
    }
    if (typeof input.shared === 'boolean' && input.shared !== current.shared) changes.shared = input.shared;
    if (Object.keys(changes).length > 0 && !(await this.access.isOwner(actor, current))) {
      throw new AppException('FORBIDDEN', 'only an owner of the interface or an admin may change its owner');
    }
    return changes;
  }

  /** Ids for the given names; null when no owner is named. Unknown names answer 400 naming the field. */
  async resolve(input: OwnerInput): Promise<Pick<OwnerColumns, 'ownerUserId' | 'ownerGroupId'> | null> {
    if (given(input.ownerUser) && given(input.ownerGroup)) {
      throw new ValidationException({ ownerGroup: 'give an owner user or an owner group, not both' });
    }
    if (given(input.ownerUser)) {
      const name = input.ownerUser.trim();
      const user = await this.dataSource.getRepository(UserEntity).findOneBy({ username: name });
      if (!user) throw new ValidationException({ ownerUser: `no such user: ${name}` });
      return { ownerUserId: user.id, ownerGroupId: null };
    }
    if (given(input.ownerGroup)) {
      const name = input.ownerGroup.trim();
      const group = await this.dataSource.getRepository(UserGroupEntity).findOneBy({ name });
      if (!group) throw new ValidationException({ ownerGroup: `no such group: ${name}` });
      return { ownerUserId: null, ownerGroupId: group.id };
    }
    return null;
  }

  /** Owner names for rows of interfaces: two queries whatever the number of rows. */
  async views(rows: readonly OwnerColumns[]): Promise<OwnerView[]> {
    const userIds = [...new Set(rows.map((row) => row.ownerUserId).filter((id): id is number => id !== null))];
    const groupIds = [...new Set(rows.map((row) => row.ownerGroupId).filter((id): id is number => id !== null))];
    const users =
      userIds.length === 0
        ? []
        : await this.dataSource
            .getRepository(UserEntity)
            .find({ select: { id: true, username: true }, where: { id: In(userIds) } });
    const groups =
      groupIds.length === 0
        ? []
        : await this.dataSource
            .getRepository(UserGroupEntity)
            .find({ select: { id: true, name: true }, where: { id: In(groupIds) } });
    const userNames = new Map(users.map((user) => [user.id, user.username]));
    const groupNames = new Map(groups.map((group) => [group.id, group.name]));
    return rows.map((row) => ({
      ownerUser: row.ownerUserId === null ? null : (userNames.get(row.ownerUserId) ?? `#${row.ownerUserId}`),
      ownerGroup: row.ownerGroupId === null ? null : (groupNames.get(row.ownerGroupId) ?? `#${row.ownerGroupId}`),
      shared: row.shared,
    }));
  }

  async view(row: OwnerColumns): Promise<OwnerView> {
    return (await this.views([row]))[0];
  }
}
