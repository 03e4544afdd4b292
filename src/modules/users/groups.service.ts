import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, Not, type DataSource, type EntityManager } from 'typeorm';
import type { Principal } from '../../common/auth/permissions.js';
import { LIKE_ESCAPE, containsPattern } from '../../common/db/like.js';
import { AppException, ValidationException, notFound } from '../../common/http/app.exception.js';
import { AuditService } from '../audit/audit.service.js';
import { InterfaceEntity } from '../interface/interface.entity.js';
import { UserGroupEntity, UserGroupMemberEntity } from './user-group.entity.js';
import { UserEntity } from './user.entity.js';

export interface GroupInput {
  name?: string;
  description?: string;
}

export interface GroupMember {
  id: number;
  username: string;
  displayName: string;
}

export type GroupRow = UserGroupEntity & { memberCount: number };
export type GroupDetail = UserGroupEntity & { members: GroupMember[] };

interface Actor {
  principal: Principal;
  ip?: string;
}

const NAME = /^[A-Za-z0-9_.@-]{1,64}$/;

/** Groups ("pools") of users that own interfaces together: CRUD and membership, all audited. */
@Injectable()
export class GroupsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  notFound(): never {
    throw notFound('group');
  }

  async list(search = ''): Promise<GroupRow[]> {
    const builder = this.dataSource
      .getRepository(UserGroupEntity)
      .createQueryBuilder('g')
      .orderBy('g.name', 'ASC')
      .limit(1000);
    if (search) builder.where(`g.name LIKE :search ${LIKE_ESCAPE}`, { search: containsPattern(search) });
    const rows = await builder.getMany();
    const counts = await this.memberCounts(rows.map((row) => row.id));
    return rows.map((row) => ({ ...row, memberCount: counts.get(row.id) ?? 0 }));
  }

  async get(id: number): Promise<GroupDetail> {
    const group = (await this.dataSource.getRepository(UserGroupEntity).findOneBy({ id })) ?? this.notFound();
    return { ...group, members: await this.members(id) };
  }

  /** Groups by name (exact), for import and owner fields. */
  async byName(name: string): Promise<UserGroupEntity | null> {
    return this.dataSource.getRepository(UserGroupEntity).findOneBy({ name });
  }

  /** The groups a user is in (user page). */
  async groupsOf(userId: number): Promise<UserGroupEntity[]> {
    return this.dataSource
      .getRepository(UserGroupEntity)
      .createQueryBuilder('g')
      .innerJoin(UserGroupMemberEntity, 'm', 'm.group_id = g.id')
      .where('m.user_id = :userId', { userId })
      .orderBy('g.name', 'ASC')
      .getMany();
  }

  async create(input: GroupInput, actor: Actor): Promise<UserGroupEntity> {
    const values = await this.check(input, null);
    return this.dataSource.transaction(async (manager) => {
      const now = new Date();
      const row = manager.getRepository(UserGroupEntity).create({ ...values, createdAt: now, updatedAt: now });
      await manager.getRepository(UserGroupEntity).insert(row);
      await this.record(manager, actor, row, 'create', values);
      return row;
    });
  }

  async update(id: number, input: GroupInput, actor: Actor): Promise<UserGroupEntity> {
    const values = await this.check(input, id);
    return this.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(UserGroupEntity);
      const before = (await repository.findOneBy({ id })) ?? this.notFound();
      await repository.update({ id }, { ...values, updatedAt: new Date() });
      const detail = { name: { from: before.name, to: values.name }, description: values.description };
      await this.record(manager, actor, before, 'update', detail);
      return { ...before, ...values };
    });
  }

  /** Refused (409 HAS_DEPENDENTS) while the group owns interfaces: they would belong to nobody. */
  async remove(id: number, actor: Actor): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const group = (await manager.getRepository(UserGroupEntity).findOneBy({ id })) ?? this.notFound();
      const owned = await manager
        .getRepository(InterfaceEntity)
        .find({ select: { id: true, name: true }, where: { ownerGroupId: id }, order: { name: 'ASC' }, take: 50 });
      if (owned.length > 0) {
        throw new AppException(
          'HAS_DEPENDENTS',
          `group owns interfaces (${owned.map((row) => row.name).join(', ')}); give them another owner first`,
          { interfaces: owned },
        );
      }
      await manager.getRepository(UserGroupMemberEntity).delete({ groupId: id });
      await manager.getRepository(UserGroupEntity).delete({ id });
      await this.record(manager, actor, group, 'delete');
    });
  }

  /** Adds members by user name; unknown names fail the whole call, existing members are kept. */
  async addMembers(id: number, usernames: string[], actor: Actor): Promise<GroupMember[]> {
    const users = await this.usersByName(usernames);
    return this.dataSource.transaction(async (manager) => {
      const group = (await manager.getRepository(UserGroupEntity).findOneBy({ id })) ?? this.notFound();
      const repository = manager.getRepository(UserGroupMemberEntity);
      const existing = new Set((await repository.findBy({ groupId: id })).map((row) => row.userId));
      const added = users.filter((user) => !existing.has(user.id));
      if (added.length > 0) await repository.insert(added.map((user) => ({ groupId: id, userId: user.id })));
      await this.record(manager, actor, group, 'add_members', { users: added.map((user) => user.username) });
      return this.members(id, manager);
    });
  }

  async removeMember(id: number, userId: number, actor: Actor): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const group = (await manager.getRepository(UserGroupEntity).findOneBy({ id })) ?? this.notFound();
      const result = await manager.getRepository(UserGroupMemberEntity).delete({ groupId: id, userId });
      if (!result.affected) throw notFound('group member');
      const user = await manager.getRepository(UserEntity).findOneBy({ id: userId });
      await this.record(manager, actor, group, 'remove_member', { user: user?.username ?? `#${userId}` });
    });
  }

  private async usersByName(usernames: string[]): Promise<UserEntity[]> {
    const names = [...new Set(usernames.map((name) => name.trim()).filter((name) => name !== ''))];
    if (names.length === 0) throw new ValidationException({ usernames: 'name at least one user' });
    const users = await this.dataSource.getRepository(UserEntity).findBy({ username: In(names) });
    const missing = names.filter((name) => !users.some((user) => user.username === name));
    if (missing.length > 0) throw new ValidationException({ usernames: `no such user: ${missing.join(', ')}` });
    return users;
  }

  private async members(id: number, manager: EntityManager = this.dataSource.manager): Promise<GroupMember[]> {
    const rows = await manager
      .getRepository(UserEntity)
      .createQueryBuilder('u')
      .innerJoin(UserGroupMemberEntity, 'm', 'm.user_id = u.id')
      .where('m.group_id = :id', { id })
      .orderBy('u.username', 'ASC')
      .getMany();
    return rows.map((user) => ({ id: user.id, username: user.username, displayName: user.displayName }));
  }

  private async memberCounts(ids: number[]): Promise<Map<number, number>> {
    if (ids.length === 0) return new Map();
    const rows = await this.dataSource
      .getRepository(UserGroupMemberEntity)
      .createQueryBuilder('m')
      .select(['m.group_id AS groupId', 'COUNT(*) AS members'])
      .where('m.group_id IN (:...ids)', { ids })
      .groupBy('m.group_id')
      .getRawMany<{ groupId: number | string; members: number | string }>();
    return new Map(rows.map((row) => [Number(row.groupId), Number(row.members)]));
  }

  private async check(input: GroupInput, id: number | null): Promise<Required<GroupInput>> {
    const name = (input.name ?? '').trim();
    const description = (input.description ?? '').trim();
    const fields: Record<string, string> = {};
    if (!NAME.test(name)) fields.name = 'must be 1-64 letters, digits or _ . @ -';
    if (description.length > 255) fields.description = 'must be at most 255 characters';
    if (id !== null && !(await this.dataSource.getRepository(UserGroupEntity).existsBy({ id }))) this.notFound();
    if (fields.name === undefined) {
      const taken = await this.dataSource
        .getRepository(UserGroupEntity)
        .existsBy({ name, ...(id === null ? {} : { id: Not(id) }) });
      if (taken) fields.name = 'is already used by another group';
    }
    if (Object.keys(fields).length > 0) throw new ValidationException(fields);
    return { name, description };
  }

  private async record(
    manager: EntityManager,
    actor: Actor,
    group: Pick<UserGroupEntity, 'id' | 'name'>,
    action: string,
    detail?: unknown,
  ): Promise<void> {
    await this.audit.record(
      {
        actor: actor.principal,
        action,
        targetType: 'user_group',
        targetId: group.id,
        targetName: group.name,
        detail,
        ip: actor.ip,
      },
      manager,
    );
  }
}
