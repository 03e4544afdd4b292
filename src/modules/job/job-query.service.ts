import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource, type SelectQueryBuilder } from 'typeorm';
import { LIKE_ESCAPE, containsPattern } from '../../common/db/like.js';
import { notFound } from '../../common/http/app.exception.js';
import { interfaceCondition, type AccessUser } from '../access/access.service.js';
import { ExecHostEntity } from '../exec-host/exec-host.entity.js';
import { InterfaceEntity } from '../interface/interface.entity.js';
import { folderCondition, searchCondition, type ListQuery } from '../interface/list-query.js';
import { interfaceNames, jobLabels, type JobLabel } from '../interface/mesh-graph.js';
import { chunks } from '../interface/mesh-write.js';
import { JobDependencyEntity, JobEntity, JobParamEntity } from './job.entity.js';

export const JOB_SORTS = ['name', 'interface', 'folder', 'enabled', 'updatedAt', 'createdAt', 'id'] as const;
export type JobSort = (typeof JOB_SORTS)[number];

const SORT_COLUMNS: Record<JobSort, string> = {
  name: 'j.name',
  interface: 'i.name',
  folder: 'j.folder',
  enabled: 'j.enabled',
  updatedAt: 'j.updated_at',
  createdAt: 'j.created_at',
  id: 'j.id',
};

export interface JobListQuery extends ListQuery<JobSort> {
  interfaceId: number | null;
  /** Interface name contains. */
  interfaceName: string;
}

export type JobParamView = Pick<JobParamEntity, 'name' | 'kind' | 'value'>;

/** A job with what lists and the API show next to it, each loaded once per page. */
export type JobRow = JobEntity & {
  interfaceName: string;
  execHostName: string | null;
  params: JobParamView[];
  prerequisites: PrerequisiteLabel[];
};

/** A prerequisite as lists, pages and the API show it: the job's label and the edge's condition. */
export type PrerequisiteLabel = JobLabel & Pick<JobDependencyEntity, 'condition' | 'outputName' | 'outputMatch'>;

export interface JobDetail {
  row: JobRow;
  dependents: JobLabel[];
}

/** Reads jobs for lists, pickers and detail pages: a page of rows costs a fixed number of queries. */
@Injectable()
export class JobQueryService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * A page of jobs in two steps: the ids of the page (from the indexes alone, joining interfaces only
   * to sort or filter by their name), then those rows. Sorting the joined rows instead made MariaDB
   * sort all of them for every page.
   */
  async list(query: JobListQuery, user?: AccessUser): Promise<{ rows: JobRow[]; total: number }> {
    const needsInterface = query.sort === 'interface' || query.interfaceName !== '';
    const total = await this.filtered(query, needsInterface, user).getCount();
    const order = query.order === 'desc' ? 'DESC' : 'ASC';
    const page = await this.filtered(query, needsInterface, user)
      .select('j.id', 'id')
      .orderBy(SORT_COLUMNS[query.sort], order)
      .addOrderBy('j.id', order)
      .offset((query.page - 1) * query.pageSize)
      .limit(query.pageSize)
      .getRawMany<{ id: number | string }>();
    const ids = page.map((row) => Number(row.id));
    if (ids.length === 0) return { rows: [], total };
    const found = await this.dataSource.getRepository(JobEntity).find({ where: { id: In(ids) } });
    const byId = new Map(found.map((row) => [row.id, row]));
    const rows = ids.filter((id) => byId.has(id)).map((id) => byId.get(id)!);
    return { rows: await this.decorate(rows), total };
  }

  private filtered(query: JobListQuery, joinInterface: boolean, user?: AccessUser): SelectQueryBuilder<JobEntity> {
    const builder = this.dataSource.getRepository(JobEntity).createQueryBuilder('j');
    const visible = user && interfaceCondition(user, 'j.interface_id');
    if (visible) builder.andWhere(visible.sql, visible.params);
    if (joinInterface) builder.innerJoin(InterfaceEntity, 'i', 'i.id = j.interface_id');
    if (query.search) {
      const condition = searchCondition(['j.name', 'j.description'], query.search);
      builder.andWhere(condition.sql, condition.params);
    }
    if (query.folder) {
      const condition = folderCondition('j.folder', query.folder);
      builder.andWhere(condition.sql, condition.params);
    }
    if (query.enabled !== null) builder.andWhere('j.enabled = :enabled', { enabled: query.enabled ? 1 : 0 });
    if (query.interfaceId !== null)
      builder.andWhere('j.interface_id = :interfaceId', { interfaceId: query.interfaceId });
    if (query.interfaceName) {
      builder.andWhere(`i.name LIKE :interfaceName ${LIKE_ESCAPE}`, {
        interfaceName: containsPattern(query.interfaceName),
      });
    }
    return builder;
  }

  /** Params, prerequisites and host names for a page of jobs: one query each. */
  private async decorate(rows: JobEntity[]): Promise<JobRow[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((row) => row.id);
    const interfaces = await interfaceNames(
      this.dataSource.manager,
      rows.map((row) => row.interfaceId),
    );
    const params = await this.dataSource
      .getRepository(JobParamEntity)
      .find({ where: { jobId: In(ids) }, order: { jobId: 'ASC', position: 'ASC' } });
    const edges = await this.dataSource.getRepository(JobDependencyEntity).find({ where: { jobId: In(ids) } });
    const labels = await jobLabels(
      this.dataSource.manager,
      edges.map((edge) => edge.prerequisiteId),
    );
    const hosts = await this.hostNames(rows.map((row) => row.execHostId).filter((id): id is number => id !== null));
    return rows.map((row) => ({
      ...row,
      interfaceName: interfaces.get(row.interfaceId) ?? '',
      execHostName: row.execHostId === null ? null : (hosts.get(row.execHostId) ?? null),
      params: params.filter((param) => param.jobId === row.id).map(({ name, kind, value }) => ({ name, kind, value })),
      prerequisites: edges
        .filter((edge) => edge.jobId === row.id && labels.has(edge.prerequisiteId))
        .map(({ prerequisiteId, condition, outputName, outputMatch }) => ({
          ...labels.get(prerequisiteId)!,
          condition,
          outputName,
          outputMatch,
        }))
        .sort((a, b) => a.interfaceName.localeCompare(b.interfaceName) || a.name.localeCompare(b.name)),
    }));
  }

  private async hostNames(ids: number[]): Promise<Map<number, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.dataSource
      .getRepository(ExecHostEntity)
      .find({ select: { id: true, name: true }, where: { id: In([...new Set(ids)]) } });
    return new Map(rows.map((row) => [row.id, row.name]));
  }

  async get(id: number): Promise<JobRow> {
    const row = await this.dataSource.getRepository(JobEntity).findOneBy({ id });
    if (!row) throw notFound('job');
    return (await this.decorate([row]))[0];
  }

  async detail(id: number): Promise<JobDetail> {
    const row = await this.get(id);
    const edges = await this.dataSource.getRepository(JobDependencyEntity).find({ where: { prerequisiteId: id } });
    const labels = await jobLabels(
      this.dataSource.manager,
      edges.map((edge) => edge.jobId),
    );
    const dependents = [...labels.values()].sort(
      (a, b) => a.interfaceName.localeCompare(b.interfaceName) || a.name.localeCompare(b.name),
    );
    return { row, dependents };
  }

  /** Search-as-you-type for pickers: job or interface name contains `q`. */
  async options(q: string, limit: number, exclude: number[], user?: AccessUser): Promise<JobLabel[]> {
    const builder = this.dataSource
      .getRepository(JobEntity)
      .createQueryBuilder('j')
      .innerJoin(InterfaceEntity, 'i', 'i.id = j.interface_id')
      .select(['j.id AS id', 'j.name AS name', 'j.interface_id AS interfaceId', 'i.name AS interfaceName'])
      .orderBy('i.name', 'ASC')
      .addOrderBy('j.name', 'ASC')
      .limit(limit);
    if (q) {
      builder.andWhere(`(j.name LIKE :q ${LIKE_ESCAPE} OR i.name LIKE :q ${LIKE_ESCAPE})`, { q: containsPattern(q) });
    }
    if (exclude.length > 0) builder.andWhere('j.id NOT IN (:...exclude)', { exclude });
    const visible = user && interfaceCondition(user, 'j.interface_id');
    if (visible) builder.andWhere(visible.sql, visible.params);
    const rows = await builder.getRawMany<{
      id: number | string;
      name: string;
      interfaceId: number | string;
      interfaceName: string;
    }>();
    return rows.map((row) => ({
      id: Number(row.id),
      name: row.name,
      interfaceId: Number(row.interfaceId),
      interfaceName: row.interfaceName,
    }));
  }

  /**
   * Jobs named the way people write them: `#12` (id) or `interface / job` (the first slash that
   * gives an existing pair wins, so names may contain slashes). Returns ids and what was not found.
   */
  async resolve(references: string[]): Promise<{ ids: number[]; unknown: string[] }> {
    const ids: number[] = [];
    const unknown: string[] = [];
    for (const reference of references) {
      const id = /^#\d+$/.test(reference) ? Number(reference.slice(1)) : await this.byLabel(reference);
      if (id === null) unknown.push(reference);
      else ids.push(id);
    }
    return { ids, unknown };
  }

  private async byLabel(reference: string): Promise<number | null> {
    for (let slash = reference.indexOf('/'); slash >= 0; slash = reference.indexOf('/', slash + 1)) {
      const interfaceName = reference.slice(0, slash).trim();
      const name = reference.slice(slash + 1).trim();
      if (!interfaceName || !name) continue;
      const row = await this.dataSource
        .getRepository(JobEntity)
        .createQueryBuilder('j')
        .innerJoin(InterfaceEntity, 'i', 'i.id = j.interface_id')
        .where('i.name = :interfaceName AND j.name = :name', { interfaceName, name })
        .getOne();
      if (row) return row.id;
    }
    return null;
  }

  /** Exec hosts and tags for the target choice of the job form (hosts are few). */
  async targets(): Promise<{ hosts: Pick<ExecHostEntity, 'id' | 'name' | 'enabled'>[]; tags: string[] }> {
    const hosts = await this.dataSource
      .getRepository(ExecHostEntity)
      .find({ select: { id: true, name: true, enabled: true }, order: { name: 'ASC' }, take: 1000 });
    const tags = await this.dataSource.query<{ tag: string }[]>(
      'SELECT DISTINCT tag FROM exec_host_tag ORDER BY tag LIMIT 1000',
    );
    return { hosts, tags: tags.map((row) => row.tag) };
  }

  async interfaceName(id: number): Promise<string | null> {
    const row = await this.dataSource
      .getRepository(InterfaceEntity)
      .findOne({ select: { id: true, name: true }, where: { id } });
    return row?.name ?? null;
  }

  async interfaceIdByName(name: string): Promise<number | null> {
    const row = await this.dataSource.getRepository(InterfaceEntity).findOne({ select: { id: true }, where: { name } });
    return row?.id ?? null;
  }

  /** Jobs by id for labels (picked prerequisites on a form being shown again). */
  async labels(ids: number[]): Promise<JobLabel[]> {
    const labels = new Map<number, JobLabel>();
    for (const part of chunks(ids))
      for (const [id, label] of await jobLabels(this.dataSource.manager, part)) labels.set(id, label);
    return ids.filter((id) => labels.has(id)).map((id) => labels.get(id)!);
  }
}
