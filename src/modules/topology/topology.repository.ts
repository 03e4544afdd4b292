import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { InterfaceDependencyEntity, InterfaceEntity } from '../interface/interface.entity.js';
import { chunks } from '../interface/mesh-write.js';
import { JobDependencyEntity, JobEntity } from '../job/job.entity.js';

export interface MeshInterface {
  id: number;
  name: string;
  enabled: boolean;
  jobCount: number;
}

export interface MeshJob {
  id: number;
  name: string;
  interfaceId: number;
  enabled: boolean;
}

/** `[prerequisite job, dependent job]`. */
export type JobEdge = [number, number];
/** `[prerequisite job, dependent job, interface of the prerequisite, interface of the dependent]`. */
export type TouchingEdge = [number, number, number, number];

type Raw = Record<string, string | number | null>;

const toJob = (row: Raw): MeshJob => ({
  id: Number(row.id),
  name: String(row.name),
  interfaceId: Number(row.interfaceId),
  enabled: Number(row.enabled) === 1,
});

/**
 * Bulk reads of the definitions for topology views: each method is one query (or one per chunk of
 * ids), never one per node, so a 10,000-job mesh costs a handful of round trips.
 */
@Injectable()
export class TopologyRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async interfaces(): Promise<MeshInterface[]> {
    const rows = await this.dataSource
      .getRepository(InterfaceEntity)
      .createQueryBuilder('i')
      .select(['i.id AS id', 'i.name AS name', 'i.enabled AS enabled'])
      .orderBy('i.name', 'ASC')
      .getRawMany<Raw>();
    const counts = await this.dataSource
      .getRepository(JobEntity)
      .createQueryBuilder('j')
      .select(['j.interface_id AS interfaceId', 'COUNT(*) AS jobs'])
      .groupBy('j.interface_id')
      .getRawMany<Raw>();
    const jobCount = new Map(counts.map((row) => [Number(row.interfaceId), Number(row.jobs)]));
    return rows.map((row) => ({
      id: Number(row.id),
      name: String(row.name),
      enabled: Number(row.enabled) === 1,
      jobCount: jobCount.get(Number(row.id)) ?? 0,
    }));
  }

  /** `[parent, child]` interface edges. */
  async interfaceEdges(): Promise<[number, number][]> {
    const rows = await this.dataSource
      .getRepository(InterfaceDependencyEntity)
      .createQueryBuilder('d')
      .select(['d.parent_id AS parentId', 'd.interface_id AS childId'])
      .getRawMany<Raw>();
    return rows.map((row) => [Number(row.parentId), Number(row.childId)]);
  }

  /** `[interface of the prerequisite, interface of the dependent, how many job edges]` across interfaces. */
  async crossInterfaceJobEdges(): Promise<[number, number, number][]> {
    const rows = await this.dataSource
      .getRepository(JobDependencyEntity)
      .createQueryBuilder('d')
      .innerJoin(JobEntity, 'j', 'j.id = d.job_id')
      .innerJoin(JobEntity, 'p', 'p.id = d.prerequisite_id')
      .select(['p.interface_id AS fromId', 'j.interface_id AS toId', 'COUNT(*) AS edges'])
      .where('p.interface_id <> j.interface_id')
      .groupBy('p.interface_id')
      .addGroupBy('j.interface_id')
      .getRawMany<Raw>();
    return rows.map((row) => [Number(row.fromId), Number(row.toId), Number(row.edges)]);
  }

  /** Jobs of the interfaces, by name. */
  async jobsOf(interfaceIds: readonly number[]): Promise<MeshJob[]> {
    const jobs: MeshJob[] = [];
    for (const part of chunks([...new Set(interfaceIds)])) {
      const rows = await this.jobQuery().where('j.interface_id IN (:...part)', { part }).getRawMany<Raw>();
      jobs.push(...rows.map(toJob));
    }
    return jobs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id - b.id));
  }

  async job(id: number): Promise<MeshJob | null> {
    const row = await this.jobQuery().where('j.id = :id', { id }).getRawOne<Raw>();
    return row ? toJob(row) : null;
  }

  async allJobs(): Promise<MeshJob[]> {
    return (await this.jobQuery().getRawMany<Raw>()).map(toJob);
  }

  /** Every job edge with an end in one of the interfaces. */
  async jobEdgesTouching(interfaceIds: readonly number[]): Promise<TouchingEdge[]> {
    const seen = new Set<string>();
    const edges: TouchingEdge[] = [];
    for (const part of chunks([...new Set(interfaceIds)])) {
      for (const side of ['j', 'p']) {
        const rows = await this.jobEdgeQuery().where(`${side}.interface_id IN (:...part)`, { part }).getRawMany<Raw>();
        for (const row of rows) {
          const key = `${row.prerequisiteId}:${row.jobId}`;
          if (seen.has(key)) continue;
          seen.add(key);
          edges.push([
            Number(row.prerequisiteId),
            Number(row.jobId),
            Number(row.prerequisiteInterfaceId),
            Number(row.jobInterfaceId),
          ]);
        }
      }
    }
    return edges;
  }

  async allJobEdges(): Promise<JobEdge[]> {
    const rows = await this.dataSource
      .getRepository(JobDependencyEntity)
      .createQueryBuilder('d')
      .select(['d.prerequisite_id AS prerequisiteId', 'd.job_id AS jobId'])
      .getRawMany<Raw>();
    return rows.map((row) => [Number(row.prerequisiteId), Number(row.jobId)]);
  }

  private jobQuery() {
    return this.dataSource
      .getRepository(JobEntity)
      .createQueryBuilder('j')
      .select(['j.id AS id', 'j.name AS name', 'j.interface_id AS interfaceId', 'j.enabled AS enabled']);
  }

  private jobEdgeQuery() {
    return this.dataSource
      .getRepository(JobDependencyEntity)
      .createQueryBuilder('d')
      .innerJoin(JobEntity, 'j', 'j.id = d.job_id')
      .innerJoin(JobEntity, 'p', 'p.id = d.prerequisite_id')
      .select([
        'd.prerequisite_id AS prerequisiteId',
        'd.job_id AS jobId',
        'p.interface_id AS prerequisiteInterfaceId',
        'j.interface_id AS jobInterfaceId',
      ]);
  }
}
