import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource } from 'typeorm';
import { notFound } from '../../common/http/app.exception.js';
import { LIKE_ESCAPE, containsPattern } from '../../common/db/like.js';
import { interfaceCondition, type AccessUser } from '../access/access.service.js';
import { DispatchEntity } from '../dispatch/dispatch.entity.js';
import { JobEntity } from '../job/job.entity.js';
import { InterfaceDependencyEntity, InterfaceEntity } from './interface.entity.js';
import { folderCondition, searchCondition, type ListQuery } from './list-query.js';

export const INTERFACE_SORTS = ['name', 'folder', 'enabled', 'updatedAt', 'createdAt', 'id'] as const;
export type InterfaceSort = (typeof INTERFACE_SORTS)[number];

const SORT_COLUMNS: Record<InterfaceSort, string> = {
  name: 'i.name',
  folder: 'i.folder',
  enabled: 'i.enabled',
  updatedAt: 'i.updated_at',
  createdAt: 'i.created_at',
  id: 'i.id',
};

export interface NamedRef {
  id: number;
  name: string;
}

export type InterfaceRow = InterfaceEntity & { parents: NamedRef[]; jobCount: number };

export interface InterfaceDetail {
  row: InterfaceEntity;
  parents: (NamedRef & { enabled: boolean })[];
  children: (NamedRef & { enabled: boolean })[];
  jobs: Pick<JobEntity, 'id' | 'name' | 'description' | 'enabled'>[];
  jobCount: number;
  dispatches: Pick<DispatchEntity, 'id' | 'name' | 'cron' | 'timezone' | 'enabled'>[];
}

/** Shown on an interface's page; the rest is one click away in the filtered job list. */
export const DETAIL_JOB_LIMIT = 200;

/** Reads interfaces for lists, pickers and detail pages; a page of rows costs a fixed number of queries. */
@Injectable()
export class InterfaceQueryService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** `user`: only the interfaces that user may see. */
  async list(query: ListQuery<InterfaceSort>, user?: AccessUser): Promise<{ rows: InterfaceRow[]; total: number }> {
    const builder = this.dataSource.getRepository(InterfaceEntity).createQueryBuilder('i');
    const visible = user && interfaceCondition(user, 'i.id');
    if (visible) builder.andWhere(visible.sql, visible.params);
    if (query.search) {
      const condition = searchCondition(['i.name', 'i.description'], query.search);
      builder.andWhere(condition.sql, condition.params);
    }
    if (query.folder) {
      const condition = folderCondition('i.folder', query.folder);
      builder.andWhere(condition.sql, condition.params);
    }
    if (query.enabled !== null) builder.andWhere('i.enabled = :enabled', { enabled: query.enabled ? 1 : 0 });
    const total = await builder.getCount();
    const order = query.order === 'desc' ? 'DESC' : 'ASC';
    const rows = await builder
      .orderBy(SORT_COLUMNS[query.sort], order)
      .addOrderBy('i.id', order)
      .offset((query.page - 1) * query.pageSize)
      .limit(query.pageSize)
      .getMany();
    return { rows: await this.decorate(rows), total };
  }

  /** Parents and job counts for a page of interfaces: two queries, whatever the page size. */
  private async decorate(rows: InterfaceEntity[]): Promise<InterfaceRow[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((row) => row.id);
    const parents = await this.dataSource
      .getRepository(InterfaceDependencyEntity)
      .createQueryBuilder('d')
      .innerJoin(InterfaceEntity, 'p', 'p.id = d.parent_id')
      .select(['d.interface_id AS childId', 'p.id AS id', 'p.name AS name'])
      .where('d.interface_id IN (:...ids)', { ids })
      .orderBy('p.name', 'ASC')
      .getRawMany<{ childId: number | string; id: number | string; name: string }>();
    const counts = await this.dataSource
      .getRepository(JobEntity)
      .createQueryBuilder('j')
      .select(['j.interface_id AS interfaceId', 'COUNT(*) AS jobs'])
      .where('j.interface_id IN (:...ids)', { ids })
      .groupBy('j.interface_id')
      .getRawMany<{ interfaceId: number | string; jobs: number | string }>();
    const jobCount = new Map(counts.map((row) => [Number(row.interfaceId), Number(row.jobs)]));
    return rows.map((row) => ({
      ...row,
      parents: parents
        .filter((parent) => Number(parent.childId) === row.id)
        .map((parent) => ({ id: Number(parent.id), name: parent.name })),
      jobCount: jobCount.get(row.id) ?? 0,
    }));
  }

  findById(id: number): Promise<InterfaceEntity | null> {
    return this.dataSource.getRepository(InterfaceEntity).findOneBy({ id });
  }

  async get(id: number): Promise<InterfaceRow> {
    const row = (await this.findById(id)) ?? this.notFound();
    return (await this.decorate([row]))[0];
  }

  async detail(id: number): Promise<InterfaceDetail> {
    const row = (await this.findById(id)) ?? this.notFound();
    const linked = async (column: 'parent_id' | 'interface_id', where: 'interface_id' | 'parent_id') =>
      (
        await this.dataSource
          .getRepository(InterfaceDependencyEntity)
          .createQueryBuilder('d')
          .innerJoin(InterfaceEntity, 'x', `x.id = d.${column}`)
          .select(['x.id AS id', 'x.name AS name', 'x.enabled AS enabled'])
          .where(`d.${where} = :id`, { id })
          .orderBy('x.name', 'ASC')
          .getRawMany<{ id: number | string; name: string; enabled: number | string }>()
      ).map((ref) => ({ id: Number(ref.id), name: ref.name, enabled: Number(ref.enabled) === 1 }));
    const jobs = this.dataSource.getRepository(JobEntity);
    return {
      row,
      parents: await linked('parent_id', 'interface_id'),
      children: await linked('interface_id', 'parent_id'),
      jobs: await jobs.find({
        select: { id: true, name: true, description: true, enabled: true },
        where: { interfaceId: id },
        order: { name: 'ASC' },
        take: DETAIL_JOB_LIMIT,
      }),
      jobCount: await jobs.countBy({ interfaceId: id }),
      dispatches: await this.dataSource.getRepository(DispatchEntity).find({
        select: { id: true, name: true, cron: true, timezone: true, enabled: true },
        where: { interfaceId: id },
        order: { name: 'ASC' },
      }),
    };
  }

  /** Search-as-you-type for pickers: name contains `q`, at most `limit` rows. */
  async options(
    q: string,
    limit: number,
    exclude: number[],
    user?: AccessUser,
  ): Promise<(NamedRef & { folder: string })[]> {
    const builder = this.dataSource
      .getRepository(InterfaceEntity)
      .createQueryBuilder('i')
      .select(['i.id', 'i.name', 'i.folder'])
      .orderBy('i.name', 'ASC')
      .limit(limit);
    if (q) builder.andWhere(`i.name LIKE :q ${LIKE_ESCAPE}`, { q: containsPattern(q) });
    if (exclude.length > 0) builder.andWhere('i.id NOT IN (:...exclude)', { exclude });
    const visible = user && interfaceCondition(user, 'i.id');
    if (visible) builder.andWhere(visible.sql, visible.params);
    const rows = await builder.getMany();
    return rows.map((row) => ({ id: row.id, name: row.name, folder: row.folder }));
  }

  /** Interfaces by name (exact), for forms where a user types names. */
  async idsByName(names: string[]): Promise<Map<string, number>> {
    if (names.length === 0) return new Map();
    const rows = await this.dataSource
      .getRepository(InterfaceEntity)
      .find({ select: { id: true, name: true }, where: { name: In(names) } });
    return new Map(rows.map((row) => [row.name, row.id]));
  }

  async refs(ids: number[]): Promise<NamedRef[]> {
    if (ids.length === 0) return [];
    const rows = await this.dataSource
      .getRepository(InterfaceEntity)
      .find({ select: { id: true, name: true }, where: { id: In(ids) } });
    const byId = new Map(rows.map((row) => [row.id, row.name]));
    return ids.filter((id) => byId.has(id)).map((id) => ({ id, name: byId.get(id)! }));
  }

  notFound(): never {
    throw notFound('interface');
  }
}
