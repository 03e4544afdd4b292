import { Injectable } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import type { InterfaceEntity } from '../interface/interface.entity.js';
import type { ImportDocument } from '../transfer/import-model.js';
import { addError, type ImportPlan, type PlannedInterface } from '../transfer/plan-context.js';
import { UserGroupEntity } from '../users/user-group.entity.js';
import { UserEntity } from '../users/user.entity.js';
import { AccessService, type AccessUser } from './access.service.js';
import type { OwnerColumns, OwnerInput } from './owner.service.js';

/** Owner columns to write per interface name (only the ones that change). */
export type OwnerWrites = Map<string, Partial<OwnerColumns>>;

const given = (value: string | null | undefined): value is string => typeof value === 'string' && value.trim() !== '';

interface Names {
  users: Map<string, number>;
  groups: Map<string, number>;
}

/**
 * Owners in a definitions file (`ownerUser` / `ownerGroup` by name, `shared`; all optional): a new
 * interface gets the named owner or else the importer, and is shared only when the file says so; an
 * existing one changes only the fields the file gives, and only when the importer owns it or is an
 * admin. Unknown names and forbidden changes are errors on the interface's row.
 */
@Injectable()
export class ImportOwnersService {
  constructor(private readonly access: AccessService) {}

  async decide(
    plan: ImportPlan,
    document: ImportDocument,
    actor: AccessUser,
    manager: EntityManager,
  ): Promise<OwnerWrites> {
    const inputs = new Map(document.interfaces.map((item) => [item.name, item.owner ?? {}]));
    const names = await this.names(manager, [...inputs.values()]);
    const writes: OwnerWrites = new Map();
    for (const item of plan.interfaces) {
      const input = inputs.get(item.after.name) ?? {};
      const owner = resolve(item, input, names);
      if (owner === 'invalid') continue;
      if (!item.existing) {
        writes.set(item.after.name, {
          ...(owner ?? { ownerUserId: actor.userId, ownerGroupId: null }),
          shared: input.shared ?? false,
        });
        continue;
      }
      const changes = ownerChanges(item.existing, owner, input.shared);
      if (Object.keys(changes).length === 0) continue;
      if (!(await this.access.isOwner(actor, item.existing))) {
        addError(item.row, item.origin, 'ownerUser', 'only an owner of the interface or an admin may change its owner');
        continue;
      }
      writes.set(item.after.name, changes);
      if (item.row.action === 'unchanged') item.row.action = 'update';
      item.row.changes = { ...item.row.changes, ...changeList(item.existing, changes) };
    }
    return writes;
  }

  /** The users and groups the file names: two queries. */
  private async names(manager: EntityManager, inputs: OwnerInput[]): Promise<Names> {
    const userNames = [...new Set(inputs.map((input) => input.ownerUser).filter(given))];
    const groupNames = [...new Set(inputs.map((input) => input.ownerGroup).filter(given))];
    const users =
      userNames.length === 0 ? [] : await manager.getRepository(UserEntity).findBy({ username: In(userNames) });
    const groups =
      groupNames.length === 0 ? [] : await manager.getRepository(UserGroupEntity).findBy({ name: In(groupNames) });
    return {
      users: new Map(users.map((user) => [user.username, user.id])),
      groups: new Map(groups.map((group) => [group.name, group.id])),
    };
  }
}

type Owner = Pick<OwnerColumns, 'ownerUserId' | 'ownerGroupId'>;

/** The named owner (null: none named), or 'invalid' after adding the row's error. */
function resolve(item: PlannedInterface, input: OwnerInput, names: Names): Owner | null | 'invalid' {
  if (given(input.ownerUser) && given(input.ownerGroup)) {
    addError(item.row, item.origin, 'ownerGroup', 'give an owner user or an owner group, not both');
    return 'invalid';
  }
  if (given(input.ownerUser)) {
    const id = names.users.get(input.ownerUser);
    if (id !== undefined) return { ownerUserId: id, ownerGroupId: null };
    addError(item.row, item.origin, 'ownerUser', `no such user: ${input.ownerUser}`);
    return 'invalid';
  }
  if (given(input.ownerGroup)) {
    const id = names.groups.get(input.ownerGroup);
    if (id !== undefined) return { ownerUserId: null, ownerGroupId: id };
    addError(item.row, item.origin, 'ownerGroup', `no such group: ${input.ownerGroup}`);
    return 'invalid';
  }
  return null;
}

function ownerChanges(existing: InterfaceEntity, owner: Owner | null, shared: boolean | null | undefined) {
  const changes: Partial<OwnerColumns> = {};
  if (owner && (owner.ownerUserId !== existing.ownerUserId || owner.ownerGroupId !== existing.ownerGroupId)) {
    Object.assign(changes, owner);
  }
  if (typeof shared === 'boolean' && shared !== existing.shared) changes.shared = shared;
  return changes;
}

function changeList(existing: InterfaceEntity, changes: Partial<OwnerColumns>) {
  return Object.fromEntries(
    (Object.keys(changes) as (keyof OwnerColumns)[]).map((key) => [key, { from: existing[key], to: changes[key] }]),
  );
}
