import { In, type EntityManager } from 'typeorm';
import { adjacencyFrom } from '../../common/graph/graph.js';
import { AppException } from '../../common/http/app.exception.js';
import { JobDependencyEntity, JobEntity } from '../job/job.entity.js';
import { InterfaceDependencyEntity, InterfaceEntity } from './interface.entity.js';
import { chunks } from './mesh-write.js';

/** Edges "interface → parent" of the whole interface mesh. */
export async function loadInterfaceGraph(manager: EntityManager): Promise<Map<number, number[]>> {
  const edges = await manager.getRepository(InterfaceDependencyEntity).find();
  return adjacencyFrom(edges.map((edge) => [edge.interfaceId, edge.parentId] as const));
}

/** Edges "job → prerequisite" of the whole job mesh, across interfaces. */
export async function loadJobGraph(manager: EntityManager): Promise<Map<number, number[]>> {
  const edges = await manager.getRepository(JobDependencyEntity).find();
  return adjacencyFrom(edges.map((edge) => [edge.jobId, edge.prerequisiteId] as const));
}

export async function interfaceNames(manager: EntityManager, ids: readonly number[]): Promise<Map<number, string>> {
  const names = new Map<number, string>();
  for (const part of chunks([...new Set(ids)])) {
    const rows = await manager
      .getRepository(InterfaceEntity)
      .find({ select: { id: true, name: true }, where: { id: In(part) } });
    for (const row of rows) names.set(row.id, row.name);
  }
  return names;
}

export interface JobLabel {
  id: number;
  name: string;
  interfaceId: number;
  interfaceName: string;
}

/** `interface / job` for each id: how a job is named wherever interfaces are mixed. */
export async function jobLabels(manager: EntityManager, ids: readonly number[]): Promise<Map<number, JobLabel>> {
  const labels = new Map<number, JobLabel>();
  for (const part of chunks([...new Set(ids)])) {
    const rows = await manager
      .getRepository(JobEntity)
      .createQueryBuilder('j')
      .innerJoin(InterfaceEntity, 'i', 'i.id = j.interface_id')
      .select(['j.id AS id', 'j.name AS name', 'j.interface_id AS interfaceId', 'i.name AS interfaceName'])
      .where('j.id IN (:...part)', { part })
      .getRawMany<{ id: number | string; name: string; interfaceId: number | string; interfaceName: string }>();
    for (const row of rows) {
      const id = Number(row.id);
      labels.set(id, { id, name: row.name, interfaceId: Number(row.interfaceId), interfaceName: row.interfaceName });
    }
  }
  return labels;
}

export const jobLabelText = (label: Pick<JobLabel, 'name' | 'interfaceName'>) =>
  `${label.interfaceName} / ${label.name}`;

/** 400 CYCLE naming the cycle: "interface cycle: a → b → a" (→ reads "depends on"). */
export function cycleException(kind: 'interface' | 'job', names: string[], ids: number[]): AppException {
  return new AppException('CYCLE', `${kind} cycle: ${names.join(' → ')}`, { cycle: names, ids });
}
