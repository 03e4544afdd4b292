import { Injectable } from '@nestjs/common';
import { ValidationException } from '../../common/http/app.exception.js';
import { InterfaceGraphService } from '../interface/interface-graph.service.js';
import type { TopologyGraph } from './graph-payload.js';
import { jobDagView } from './job-dag-view.js';
import { MeshReader } from './mesh-reader.js';
import { scopeOf } from './mesh-scope.js';
import { meshView, type ExpandedJobs } from './mesh-view.js';
import type { MeshRequest } from './topology-params.js';
import { TopologyRepository } from './topology.repository.js';

/** Jobs shown one by one in a mesh view at most; beyond that the browser stops being pleasant. */
export const MAX_EXPANDED_JOBS = 2000;

/** Topology views: the job DAG of an interface and the interface mesh, laid out on the server. */
@Injectable()
export class TopologyService {
  constructor(
    private readonly graphs: InterfaceGraphService,
    private readonly repository: TopologyRepository,
  ) {}

  /** The job DAG of the interface with its external prerequisites (404 for an unknown interface). */
  async jobDag(interfaceId: number): Promise<TopologyGraph> {
    return jobDagView(await this.graphs.graph(interfaceId));
  }

  async mesh(request: MeshRequest): Promise<TopologyGraph> {
    const reader = new MeshReader(this.repository);
    if (request.interfaceId !== null) await reader.interface(request.interfaceId);
    const mesh = await reader.interfaces();
    const scope = scopeOf(mesh, request.interfaceId, request.scope, request.depth);
    const expand = (request.expand === 'all' ? [...scope] : request.expand).filter(
      (id) => scope.has(id) && (mesh.interfaces.get(id)?.jobCount ?? 0) > 0,
    );
    const drawn = expand.reduce((sum, id) => sum + (mesh.interfaces.get(id)?.jobCount ?? 0), 0);
    if (drawn > MAX_EXPANDED_JOBS) {
      throw new ValidationException({
        expand: `would show ${drawn} jobs one by one; expand interfaces holding at most ${MAX_EXPANDED_JOBS} jobs`,
      });
    }
    const expanded: ExpandedJobs =
      expand.length === 0
        ? { jobs: [], edges: [] }
        : { jobs: await this.repository.jobsOf(expand), edges: await this.repository.jobEdgesTouching(expand) };
    return meshView(mesh, scope, request.interfaceId, expanded);
  }
}
