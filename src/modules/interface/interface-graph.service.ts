import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource } from 'typeorm';
import { CycleError, adjacencyFrom, layers } from '../../common/graph/graph.js';
import { notFound } from '../../common/http/app.exception.js';
import { JobDependencyEntity, JobEntity, type EdgeCondition } from '../job/job.entity.js';
import { InterfaceEntity } from './interface.entity.js';
import { jobLabels } from './mesh-graph.js';
import { chunks } from './mesh-write.js';

export interface GraphNode {
  id: number;
  name: string;
  interfaceId: number;
  interfaceName: string;
  enabled: boolean;
  /** A prerequisite from another interface. */
  external: boolean;
  /** Column for a left-to-right drawing: prerequisites have lower layers than their dependents. */
  layer: number;
}

/** Data flow: `source` is the prerequisite, `target` the job that waits for it, when `condition` holds. */
export interface GraphEdge {
  source: number;
  target: number;
  condition: EdgeCondition;
  /** condition `output`: the output's name and the value it must have (exact, or `/regex/`). */
  outputName?: string;
  outputMatch?: string;
}

export interface InterfaceGraph {
  interface: { id: number; name: string };
  nodes: GraphNode[];
  edges: GraphEdge[];
}

function graphEdge(row: JobDependencyEntity): GraphEdge {
  const edge: GraphEdge = { source: row.prerequisiteId, target: row.jobId, condition: row.condition };
  if (row.condition === 'output') Object.assign(edge, { outputName: row.outputName, outputMatch: row.outputMatch });
  return edge;
}

/** The job DAG of one interface, with the prerequisites it has in other interfaces. */
@Injectable()
export class InterfaceGraphService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async graph(id: number): Promise<InterfaceGraph> {
    const owner = await this.dataSource.getRepository(InterfaceEntity).findOneBy({ id });
    if (!owner) throw notFound('interface');
    const jobs = await this.dataSource.getRepository(JobEntity).find({
      select: { id: true, name: true, enabled: true, interfaceId: true },
      where: { interfaceId: id },
      order: { name: 'ASC' },
    });
    const edges: GraphEdge[] = [];
    for (const part of chunks(jobs.map((job) => job.id))) {
      const rows = await this.dataSource.getRepository(JobDependencyEntity).find({ where: { jobId: In(part) } });
      edges.push(...rows.map(graphEdge));
    }
    const own = new Set(jobs.map((job) => job.id));
    const externalIds = [...new Set(edges.map((edge) => edge.source).filter((source) => !own.has(source)))];
    const external = await jobLabels(this.dataSource.manager, externalIds);
    const enabled = await this.enabledOf(externalIds);
    const nodes: Omit<GraphNode, 'layer'>[] = [
      ...jobs.map((job) => ({ ...job, interfaceName: owner.name, external: false })),
      ...externalIds.map((jobId) => ({
        id: jobId,
        name: external.get(jobId)?.name ?? '',
        interfaceId: external.get(jobId)?.interfaceId ?? 0,
        interfaceName: external.get(jobId)?.interfaceName ?? '',
        enabled: enabled.get(jobId) ?? false,
        external: true,
      })),
    ];
    const layer = this.layerOf(
      nodes.map((node) => node.id),
      edges,
    );
    return {
      interface: { id: owner.id, name: owner.name },
      nodes: nodes.map((node) => ({ ...node, layer: layer.get(node.id) ?? 0 })),
      edges,
    };
  }

  private async enabledOf(ids: number[]): Promise<Map<number, boolean>> {
    const enabled = new Map<number, boolean>();
    for (const part of chunks(ids)) {
      const rows = await this.dataSource
        .getRepository(JobEntity)
        .find({ select: { id: true, enabled: true }, where: { id: In(part) } });
      for (const row of rows) enabled.set(row.id, row.enabled);
    }
    return enabled;
  }

  private layerOf(ids: number[], edges: { source: number; target: number }[]): Map<number, number> {
    try {
      // "depends on" edges: a job is one layer right of its furthest prerequisite
      return layers(adjacencyFrom(edges.map((edge) => [edge.target, edge.source] as const)), ids);
    } catch (error) {
      // cycles are refused on save; should one exist anyway, draw everything in one column
      if (error instanceof CycleError) return new Map();
      throw error;
    }
  }
}
