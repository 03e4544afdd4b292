import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, Not, type DataSource, type EntityManager } from 'typeorm';
import type { Principal } from '../../common/auth/permissions.js';
import { cycleThrough } from '../../common/graph/graph.js';
import { ValidationException, notFound } from '../../common/http/app.exception.js';
import { OwnerService } from '../access/owner.service.js';
import { AuditService } from '../audit/audit.service.js';
import { changedFields, listChange, type FieldErrors } from './definition-rules.js';
import {
  INTERFACE_AUDIT_FIELDS,
  checkInterfaceInput,
  type InterfaceInput,
  type InterfaceValues,
} from './interface-input.js';
import { InterfaceDependencyEntity, InterfaceEntity } from './interface.entity.js';
import { cycleException, interfaceNames, loadInterfaceGraph } from './mesh-graph.js';
import { chunks, isUniqueViolation, meshTransaction } from './mesh-write.js';

export interface Actor {
  principal: Principal;
  ip?: string;
}

/** Who is acting in a request (the guard has put the principal there). */
export const actorOf = (request: Request): Actor => ({ principal: request.principal!, ip: request.ip });

/** Creates, updates, enables and disables interfaces and their parent edges (the interface mesh). */
@Injectable()
export class InterfaceService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly owners: OwnerService,
  ) {}

  async create(input: InterfaceInput, actor: Actor): Promise<InterfaceEntity> {
    const values = await this.check(input, null);
    const owner = await this.owners.forCreate(input, actor.principal);
    return this.saving(() =>
      meshTransaction(this.dataSource, async (manager) => {
        const now = new Date();
        const row = manager.getRepository(InterfaceEntity).create({
          ...values,
          ...owner,
          createdAt: now,
          updatedAt: now,
          updatedBy: actor.principal.username,
        });
        await manager.getRepository(InterfaceEntity).insert(row);
        await this.replaceParents(manager, row.id, values.parentIds);
        const parents = [...(await interfaceNames(manager, values.parentIds)).values()];
        await this.audit.record(
          {
            ...this.auditBase(actor, row),
            action: 'create',
            detail: { ...values, ...owner, parentIds: undefined, parents },
          },
          manager,
        );
        return row;
      }),
    );
  }

  async update(id: number, input: InterfaceInput, actor: Actor): Promise<InterfaceEntity> {
    const values = await this.check(input, id);
    return this.saving(() =>
      meshTransaction(this.dataSource, async (manager) => {
        const repository = manager.getRepository(InterfaceEntity);
        const before = (await repository.findOneBy({ id })) ?? this.notFound();
        if (values.parentIds.length > 0) await this.refuseCycle(manager, id, values.parentIds);
        const oldParentIds = await this.parentIds(manager, id);
        const owner = await this.owners.forUpdate(input, before, actor.principal);
        const { parentIds, ...columns } = values;
        const changes = { ...columns, ...owner, updatedAt: new Date(), updatedBy: actor.principal.username };
        await repository.update({ id }, changes);
        await this.replaceParents(manager, id, parentIds);
        const names = await interfaceNames(manager, [...oldParentIds, ...parentIds]);
        const label = (ids: number[]) => ids.map((parent) => names.get(parent) ?? `#${parent}`);
        const detail = {
          ...changedFields(before, { ...before, ...columns }, INTERFACE_AUDIT_FIELDS),
          ...owner,
          parents: listChange(label(oldParentIds), label(parentIds)),
        };
        await this.audit.record({ ...this.auditBase(actor, before), action: 'update', detail }, manager);
        return { ...before, ...changes };
      }),
    );
  }

  /** Enables or disables interfaces; unknown ids fail the whole call. Returns the ids changed. */
  async setEnabled(ids: number[], enabled: boolean, actor: Actor): Promise<number[]> {
    return meshTransaction(this.dataSource, async (manager) => {
      const repository = manager.getRepository(InterfaceEntity);
      const rows = await repository.find({ select: { id: true, name: true, enabled: true }, where: { id: In(ids) } });
      const missing = ids.filter((id) => !rows.some((row) => row.id === id));
      if (ids.length === 1 && missing.length === 1) this.notFound();
      if (missing.length > 0) throw new ValidationException({ ids: `no such interface: ${missing.join(', ')}` });
      for (const part of chunks(ids)) {
        await repository.update(
          { id: In(part) },
          { enabled, updatedAt: new Date(), updatedBy: actor.principal.username },
        );
      }
      for (const row of rows) {
        const action = enabled ? 'enable' : 'disable';
        await this.audit.record({ ...this.auditBase(actor, row), action, detail: { was: row.enabled } }, manager);
      }
      return rows.map((row) => row.id);
    });
  }

  notFound(): never {
    throw notFound('interface');
  }

  /** Field checks, then the ones that read: unique name, parents that exist and are not itself. */
  private async check(input: InterfaceInput, id: number | null): Promise<InterfaceValues> {
    const { values, fields } = checkInterfaceInput(input);
    if (id !== null && !(await this.dataSource.getRepository(InterfaceEntity).existsBy({ id }))) this.notFound();
    await this.checkReferences(values, id, fields);
    if (Object.keys(fields).length > 0) throw new ValidationException(fields);
    return values;
  }

  private async checkReferences(values: InterfaceValues, id: number | null, fields: FieldErrors): Promise<void> {
    const repository = this.dataSource.getRepository(InterfaceEntity);
    if (fields.name === undefined) {
      const taken = await repository.existsBy({ name: values.name, ...(id === null ? {} : { id: Not(id) }) });
      if (taken) fields.name = 'is already used by another interface';
    }
    if (fields.parentIds !== undefined) return;
    if (id !== null && values.parentIds.includes(id)) {
      fields.parentIds = 'an interface cannot be its own parent';
      return;
    }
    const found = await interfaceNames(this.dataSource.manager, values.parentIds);
    const missing = values.parentIds.filter((parent) => !found.has(parent));
    if (missing.length > 0) fields.parentIds = `no such interface: ${missing.join(', ')}`;
  }

  private async refuseCycle(manager: EntityManager, id: number, parentIds: number[]): Promise<void> {
    const cycle = cycleThrough(await loadInterfaceGraph(manager), id, parentIds);
    if (!cycle) return;
    const names = await interfaceNames(manager, cycle);
    throw cycleException(
      'interface',
      cycle.map((node) => names.get(node) ?? `#${node}`),
      cycle,
    );
  }

  private async parentIds(manager: EntityManager, id: number): Promise<number[]> {
    const rows = await manager.getRepository(InterfaceDependencyEntity).find({ where: { interfaceId: id } });
    return rows.map((row) => row.parentId);
  }

  private async replaceParents(manager: EntityManager, id: number, parentIds: number[]): Promise<void> {
    const repository = manager.getRepository(InterfaceDependencyEntity);
    await repository.delete({ interfaceId: id });
    for (const part of chunks(parentIds)) {
      await repository.insert(part.map((parentId) => ({ interfaceId: id, parentId })));
    }
  }

  /** A concurrent save of the same name loses on the unique index: report it like the check does. */
  private async saving<T>(save: () => Promise<T>): Promise<T> {
    try {
      return await save();
    } catch (error) {
      if (isUniqueViolation(error)) throw new ValidationException({ name: 'is already used by another interface' });
      throw error;
    }
  }

  private auditBase(actor: Actor, row: Pick<InterfaceEntity, 'id' | 'name'>) {
    return { actor: actor.principal, targetType: 'interface', targetId: row.id, targetName: row.name, ip: actor.ip };
  }
}
