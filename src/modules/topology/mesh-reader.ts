import { notFound } from '../../common/http/app.exception.js';
import type { JobEdge, MeshInterface, MeshJob, TopologyRepository } from './topology.repository.js';

/** The interface-level mesh: interfaces and both kinds of edges between them. */
export interface InterfaceMesh {
  interfaces: Map<number, MeshInterface>;
  /** `[parent, child]`: the child's jobs wait for the parent interface. */
  gates: [number, number][];
  /** `[interface of prerequisites, interface of dependents, job edges]`. */
  crossJobs: [number, number, number][];
  /** Interface → interfaces right after it (gate children and holders of dependent jobs). */
  downstream: Map<number, number[]>;
  upstream: Map<number, number[]>;
}

/** Every job and job edge: what the impact walk needs. */
export interface JobMesh {
  jobs: Map<number, MeshJob>;
  edges: JobEdge[];
}

/** Adds `value` to the list under `key`. */
export function append<T>(map: Map<number, T[]>, key: number, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * One request's view of the definitions: each part is read at most once per request (in bulk) and
 * shared by whatever the request computes.
 */
export class MeshReader {
  private interfaceMesh?: Promise<InterfaceMesh>;
  private rows?: Promise<Map<number, MeshInterface>>;
  private gateEdges?: Promise<[number, number][]>;
  private jobMesh?: Promise<JobMesh>;

  constructor(private readonly repository: TopologyRepository) {}

  /** Interfaces with their job counts, by name. */
  interfaceRows(): Promise<Map<number, MeshInterface>> {
    this.rows ??= this.repository.interfaces().then((rows) => new Map(rows.map((row) => [row.id, row])));
    return this.rows;
  }

  /** `[parent, child]` interface edges. */
  gates(): Promise<[number, number][]> {
    this.gateEdges ??= this.repository.interfaceEdges();
    return this.gateEdges;
  }

  interfaces(): Promise<InterfaceMesh> {
    this.interfaceMesh ??= this.loadInterfaces();
    return this.interfaceMesh;
  }

  jobs(): Promise<JobMesh> {
    this.jobMesh ??= this.loadJobs();
    return this.jobMesh;
  }

  async interface(id: number): Promise<MeshInterface> {
    const found = (await this.interfaceRows()).get(id);
    if (!found) throw notFound('interface');
    return found;
  }

  private async loadInterfaces(): Promise<InterfaceMesh> {
    const [interfaces, gates, crossJobs] = await Promise.all([
      this.interfaceRows(),
      this.gates(),
      this.repository.crossInterfaceJobEdges(),
    ]);
    const downstream = new Map<number, number[]>();
    const upstream = new Map<number, number[]>();
    const seen = new Set<string>();
    for (const [from, to] of [...gates, ...crossJobs]) {
      const key = `${from}:${to}`;
      if (seen.has(key)) continue;
      seen.add(key);
      append(downstream, from, to);
      append(upstream, to, from);
    }
    return { interfaces, gates, crossJobs, downstream, upstream };
  }

  private async loadJobs(): Promise<JobMesh> {
    const [jobs, edges] = await Promise.all([this.repository.allJobs(), this.repository.allJobEdges()]);
    return { jobs: new Map(jobs.map((job) => [job.id, job])), edges };
  }
}
