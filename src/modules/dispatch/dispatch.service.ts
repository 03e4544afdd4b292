import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, type EntityManager, type Repository } from 'typeorm';
import type { Principal } from '../../common/auth/permissions.js';
import { containsPattern, LIKE_ESCAPE } from '../../common/db/like.js';
import { ValidationException, notFound } from '../../common/http/app.exception.js';
import { AccessService, interfaceCondition, type AccessUser } from '../access/access.service.js';
import { AuditService } from '../audit/audit.service.js';
import { isUniqueViolation, requireAll, type ListQuery } from '../exec-host/crud-support.js';
import { InterfaceEntity } from '../interface/interface.entity.js';
import { DispatchAlertEntity, DispatchEntity } from './dispatch.entity.js';
import { dispatchProblems, type DispatchInput } from './dispatch.input.js';
import { dispatchView, type DispatchView } from './dispatch.view.js';

export const DISPATCH_SORTS = ['name', 'interface', 'cron', 'timezone', 'enabled', 'updatedAt'] as const;
export type DispatchSort = (typeof DISPATCH_SORTS)[number];

const SORT_COLUMNS: Record<DispatchSort, string> = {
  name: 'd.name',
  interface: 'i.name',
  cron: 'd.cron',
  timezone: 'd.timezone',
  enabled: 'd.enabled',
  updatedAt: 'd.updatedAt',
};

export interface DispatchListQuery extends ListQuery<DispatchSort> {
  interfaceId?: number;
  enabled?: boolean;
  /** Only dispatches of interfaces this user may see. */
  user?: AccessUser;
}

/**
 * Dispatch definitions. Every change moves updated_at, which is how the scheduler (which polls a
 * change marker) learns about it. Resuming, or changing the cron or zone, sets last_fire_at to now:
 * fires missed while paused, or belonging to the old schedule, are not recovered as misfires.
 */
@Injectable()
export class DispatchService {
  constructor(
    @InjectRepository(DispatchEntity) private readonly dispatches: Repository<DispatchEntity>,
    @InjectRepository(InterfaceEntity) private readonly interfaces: Repository<InterfaceEntity>,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly access: AccessService,
  ) {}

  async list(query: DispatchListQuery): Promise<{ rows: DispatchView[]; total: number }> {
    const builder = this.dispatches.createQueryBuilder('d').leftJoin(InterfaceEntity, 'i', 'i.id = d.interfaceId');
    if (query.search) {
      builder.andWhere(
        `(d.name LIKE :search ${LIKE_ESCAPE} OR d.description LIKE :search ${LIKE_ESCAPE} OR i.name LIKE :search ${LIKE_ESCAPE})`,
        { search: containsPattern(query.search) },
      );
    }
    if (query.interfaceId !== undefined)
      builder.andWhere('d.interfaceId = :interfaceId', { interfaceId: query.interfaceId });
    if (query.enabled !== undefined) builder.andWhere('d.enabled = :enabled', { enabled: query.enabled ? 1 : 0 });
    const visible = query.user && interfaceCondition(query.user, 'd.interface_id');
    if (visible) builder.andWhere(visible.sql, visible.params);
    const total = await builder.getCount();
    const rows = await builder
      .orderBy(SORT_COLUMNS[query.sort], query.order)
      .addOrderBy('d.id', 'ASC')
      .offset((query.page - 1) * query.pageSize)
      .limit(query.pageSize)
      .getMany();
    return { rows: await this.views(rows), total };
  }

  private async views(rows: DispatchEntity[]): Promise<DispatchView[]> {
    const ids = [...new Set(rows.map((row) => row.interfaceId))];
    const interfaces =
      ids.length > 0 ? await this.interfaces.find({ select: { id: true, name: true }, where: { id: In(ids) } }) : [];
    const now = new Date();
    return rows.map((row) =>
      dispatchView(row, interfaces.find((item) => item.id === row.interfaceId)?.name ?? null, now),
    );
  }

  async entity(id: number): Promise<DispatchEntity> {
    const dispatch = await this.dispatches.findOneBy({ id });
    if (!dispatch) throw notFound('dispatch');
    return dispatch;
  }

  async get(id: number): Promise<DispatchView> {
    const [view] = await this.views([await this.entity(id)]);
    return view;
  }

  /** Interfaces for the form's picker. */
  interfaceChoices(user?: AccessUser): Promise<{ id: number; name: string }[]> {
    const builder = this.interfaces
      .createQueryBuilder('i')
      .select(['i.id', 'i.name'])
      .orderBy('i.name', 'ASC')
      .take(5000);
    const visible = user && interfaceCondition(user, 'i.id');
    if (visible) builder.andWhere(visible.sql, visible.params);
    return builder.getMany();
  }

  /** An interface the actor may not see is reported exactly like a missing one. */
  private async check(input: DispatchInput, creating: boolean, actor: AccessUser, current?: DispatchEntity) {
    const { fields, schedule } = dispatchProblems(input, creating, current);
    if (
      !fields.interfaceId &&
      input.interfaceId !== undefined &&
      !(
        (await this.interfaces.existsBy({ id: input.interfaceId })) &&
        (await this.access.filterVisible(actor, [input.interfaceId])).has(input.interfaceId)
      )
    ) {
      fields.interfaceId = `interface ${input.interfaceId} does not exist`;
    }
    if (!fields.name && input.name !== undefined && input.name !== current?.name) {
      if (await this.dispatches.existsBy({ name: input.name })) fields.name = 'is already taken';
    }
    if (Object.keys(fields).length > 0) throw new ValidationException(fields);
    return schedule;
  }

  async create(input: DispatchInput, actor: Principal, ip = ''): Promise<DispatchView> {
    const schedule = (await this.check(input, true, actor))!;
    await this.access.assertInterface(actor, input.interfaceId!, 'act');
    const now = new Date();
    const dispatch = this.dispatches.create({
      interfaceId: input.interfaceId!,
      name: input.name!,
      description: input.description ?? '',
      cron: schedule.expression,
      timezone: schedule.timezone,
      enabled: input.enabled ?? true,
      misfirePolicy: input.misfirePolicy!,
      overlapPolicy: input.overlapPolicy!,
      runDownstream: input.runDownstream ?? true,
      dataDateOffsetDays: input.dataDateOffsetDays!,
      lastFireAt: null,
      createdAt: now,
      updatedAt: now,
      updatedBy: actor.username,
    });
    await this.saving(async (manager) => {
      await manager.getRepository(DispatchEntity).insert(dispatch);
      const { createdAt: _c, updatedAt: _u, updatedBy: _b, lastFireAt: _l, id: _id, ...detail } = dispatch;
      await this.audit.record(
        {
          actor,
          action: 'create',
          targetType: 'dispatch',
          targetId: dispatch.id,
          targetName: dispatch.name,
          detail,
          ip,
        },
        manager,
      );
    });
    return this.get(dispatch.id);
  }

  async update(id: number, input: DispatchInput, actor: Principal, ip = ''): Promise<DispatchView> {
    const current = await this.entity(id);
    const schedule = await this.check(input, false, actor, current);
    if (input.interfaceId !== undefined) await this.access.assertInterface(actor, input.interfaceId, 'act');
    const now = new Date();
    const changes: Partial<DispatchEntity> = {};
    for (const key of [
      'interfaceId',
      'name',
      'description',
      'enabled',
      'misfirePolicy',
      'overlapPolicy',
      'runDownstream',
      'dataDateOffsetDays',
    ] as const) {
      if (input[key] !== undefined && input[key] !== current[key]) Object.assign(changes, { [key]: input[key] });
    }
    if (schedule && (schedule.expression !== current.cron || schedule.timezone !== current.timezone)) {
      Object.assign(changes, { cron: schedule.expression, timezone: schedule.timezone, lastFireAt: now });
    }
    if (changes.enabled === true) changes.lastFireAt = now;
    await this.saving(async (manager) => {
      await manager
        .getRepository(DispatchEntity)
        .update({ id }, { ...changes, updatedAt: now, updatedBy: actor.username });
      const { lastFireAt: _l, ...detail } = changes;
      await this.audit.record(
        {
          actor,
          action: 'update',
          targetType: 'dispatch',
          targetId: id,
          targetName: changes.name ?? current.name,
          detail,
          ip,
        },
        manager,
      );
    });
    return this.get(id);
  }

  /** Pause (enabled = false) or resume. */
  async setEnabled(id: number, enabled: boolean, actor: Principal, ip = ''): Promise<DispatchView> {
    const dispatch = await this.entity(id);
    const now = new Date();
    await this.dataSource.transaction(async (manager) => {
      const changes: Partial<DispatchEntity> = { enabled, updatedAt: now, updatedBy: actor.username };
      if (enabled && !dispatch.enabled) changes.lastFireAt = now;
      await manager.getRepository(DispatchEntity).update({ id }, changes);
      await this.audit.record(
        {
          actor,
          action: enabled ? 'resume' : 'pause',
          targetType: 'dispatch',
          targetId: id,
          targetName: dispatch.name,
          ip,
        },
        manager,
      );
    });
    return this.get(id);
  }

  /** Deletes dispatches and their alert rules in one transaction (executions keep their history). */
  async remove(ids: number[], actor: Principal, ip = ''): Promise<{ deleted: number[]; deletedRules: number }> {
    const rows = ids.length > 0 ? await this.dispatches.findBy({ id: In(ids) }) : [];
    requireAll('dispatch', ids, rows);
    await this.access.assertInterfaces(actor, [...new Set(rows.map((row) => row.interfaceId))], 'act');
    let deletedRules = 0;
    await this.dataSource.transaction(async (manager) => {
      deletedRules = (await manager.getRepository(DispatchAlertEntity).delete({ dispatchId: In(ids) })).affected ?? 0;
      await manager.getRepository(DispatchEntity).delete({ id: In(ids) });
      for (const row of rows) {
        await this.audit.record(
          { actor, action: 'delete', targetType: 'dispatch', targetId: row.id, targetName: row.name, ip },
          manager,
        );
      }
    });
    return { deleted: rows.map((row) => row.id), deletedRules };
  }

  private async saving(work: (manager: EntityManager) => Promise<void>): Promise<void> {
    try {
      await this.dataSource.transaction(work);
    } catch (error) {
      if (isUniqueViolation(error)) throw new ValidationException({ name: 'is already taken' });
      throw error;
    }
  }
}
