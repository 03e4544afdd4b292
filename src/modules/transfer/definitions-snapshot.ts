import type { EntityManager } from 'typeorm';
import { AlertChannelEntity, type ChannelType } from '../alert/alert-channel.entity.js';
import { DispatchAlertEntity, DispatchEntity } from '../dispatch/dispatch.entity.js';
import { ExecHostEntity, ExecHostTagEntity } from '../exec-host/exec-host.entity.js';
import { InterfaceDependencyEntity, InterfaceEntity } from '../interface/interface.entity.js';
import { JobDependencyEntity, JobEntity, JobParamEntity } from '../job/job.entity.js';
import { jobMapKey } from './import-model.js';

export interface NamedRow {
  id: number;
  name: string;
}

/**
 * Every definition of the installation, read once: what an export writes out and what an import
 * is compared with (the cycle check needs the whole mesh anyway). Read inside the import's
 * transaction when applying, so the check and the write see the same state.
 */
export interface DefinitionsSnapshot {
  interfaces: InterfaceEntity[];
  interfaceById: Map<number, InterfaceEntity>;
  interfaceByName: Map<string, InterfaceEntity>;
  /** interface id → parent interface ids */
  parentIds: Map<number, number[]>;
  jobs: JobEntity[];
  jobById: Map<number, JobEntity>;
  /** jobMapKey(interface name, job name) → job */
  jobByKey: Map<string, JobEntity>;
  /** job id → params in order */
  params: Map<number, JobParamEntity[]>;
  /** job id → prerequisite job ids */
  prerequisiteIds: Map<number, number[]>;
  /** "<job id>:<prerequisite id>" → the edge, for edges that are not plain `succeeded` */
  edgeRules: Map<string, JobDependencyEntity>;
  hostById: Map<number, NamedRow>;
  hostByName: Map<string, NamedRow>;
  tags: Set<string>;
  channelById: Map<number, NamedRow & { type: ChannelType }>;
  channelByName: Map<string, NamedRow & { type: ChannelType }>;
  dispatches: DispatchEntity[];
  dispatchByName: Map<string, DispatchEntity>;
  /** dispatch id → alert rules */
  alerts: Map<number, DispatchAlertEntity[]>;
}

function group<T, K>(rows: T[], key: (row: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const row of rows) {
    const list = out.get(key(row));
    if (list) list.push(row);
    else out.set(key(row), [row]);
  }
  return out;
}

export async function loadSnapshot(manager: EntityManager): Promise<DefinitionsSnapshot> {
  const interfaces = await manager.getRepository(InterfaceEntity).find({ order: { name: 'ASC' } });
  const interfaceById = new Map(interfaces.map((row) => [row.id, row]));
  const jobs = await manager.getRepository(JobEntity).find({ order: { id: 'ASC' } });
  const params = await manager.getRepository(JobParamEntity).find({ order: { jobId: 'ASC', position: 'ASC' } });
  const interfaceEdges = await manager.getRepository(InterfaceDependencyEntity).find();
  const jobEdges = await manager.getRepository(JobDependencyEntity).find();
  const hosts = await manager.getRepository(ExecHostEntity).find({ select: { id: true, name: true } });
  const tags = await manager.getRepository(ExecHostTagEntity).find();
  const channels = await manager
    .getRepository(AlertChannelEntity)
    .find({ select: { id: true, name: true, type: true } });
  const dispatches = await manager.getRepository(DispatchEntity).find({ order: { name: 'ASC' } });
  const alerts = await manager.getRepository(DispatchAlertEntity).find({ order: { id: 'ASC' } });
  const jobByKey = new Map<string, JobEntity>();
  for (const job of jobs) {
    const owner = interfaceById.get(job.interfaceId);
    if (owner) jobByKey.set(jobMapKey(owner.name, job.name), job);
  }
  return {
    interfaces,
    interfaceById,
    interfaceByName: new Map(interfaces.map((row) => [row.name, row])),
    parentIds: mapValues(
      group(interfaceEdges, (edge) => edge.interfaceId),
      (edge) => edge.parentId,
    ),
    jobs,
    jobById: new Map(jobs.map((row) => [row.id, row])),
    jobByKey,
    params: group(params, (param) => param.jobId),
    prerequisiteIds: mapValues(
      group(jobEdges, (edge) => edge.jobId),
      (edge) => edge.prerequisiteId,
    ),
    edgeRules: new Map(
      jobEdges
        .filter((edge) => edge.condition !== 'succeeded')
        .map((edge) => [`${edge.jobId}:${edge.prerequisiteId}`, edge]),
    ),
    hostById: new Map(hosts.map((row) => [row.id, row])),
    hostByName: new Map(hosts.map((row) => [row.name, row])),
    tags: new Set(tags.map((row) => row.tag)),
    channelById: new Map(channels.map((row) => [row.id, row])),
    channelByName: new Map(channels.map((row) => [row.name, row])),
    dispatches,
    dispatchByName: new Map(dispatches.map((row) => [row.name, row])),
    alerts: group(alerts, (rule) => rule.dispatchId),
  };
}

function mapValues<K, T, V>(groups: Map<K, T[]>, pick: (row: T) => V): Map<K, V[]> {
  return new Map([...groups].map(([key, rows]) => [key, rows.map(pick)]));
}
