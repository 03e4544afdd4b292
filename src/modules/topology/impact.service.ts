import { Injectable } from '@nestjs/common';
import { notFound } from '../../common/http/app.exception.js';
import { impactOf, type ImpactDefinitions } from './impact.js';
import { MeshReader, append, type JobMesh } from './mesh-reader.js';
import type { MeshInterface } from './topology.repository.js';
import { TopologyRepository } from './topology.repository.js';

export type ImpactOrigin = { kind: 'job'; id: number } | { kind: 'interface'; id: number };

export interface ImpactInterface {
  id: number;
  name: string;
  /** Blocked jobs of this interface, and how many of its jobs run at all. */
  blockedJobs: number;
  jobs: number;
  /** Blocked as a whole: it waits for a parent interface that cannot succeed. */
  gated: boolean;
  /** The failed job's own interface (or the failed interface). */
  origin: boolean;
}

export interface ImpactReport {
  origin:
    | { kind: 'job'; id: number; name: string; interfaceId: number; interfaceName: string }
    | { kind: 'interface'; id: number; name: string };
  /** Blocked jobs; interfaces that cannot succeed besides the origin's. */
  counts: { jobs: number; interfaces: number };
  interfaces: ImpactInterface[];
  /** `[id, name, interfaceId]` of every blocked job, by interface name then job name. */
  jobs: [number, string, number][];
}

function definitionsOf(
  interfaces: Map<number, MeshInterface>,
  gates: [number, number][],
  jobs: JobMesh,
): ImpactDefinitions {
  const enabledInterfaces = new Set([...interfaces.values()].filter((row) => row.enabled).map((row) => row.id));
  const definitions = {
    jobInterface: new Map<number, number>(),
    runnable: new Set<number>(),
    enabledInterfaces,
    dependents: new Map<number, number[]>(),
    children: new Map<number, number[]>(),
    jobsOf: new Map<number, number[]>(),
  };
  for (const job of jobs.jobs.values()) {
    definitions.jobInterface.set(job.id, job.interfaceId);
    if (job.enabled && enabledInterfaces.has(job.interfaceId)) definitions.runnable.add(job.id);
    append(definitions.jobsOf, job.interfaceId, job.id);
  }
  for (const [prerequisite, job] of jobs.edges) append(definitions.dependents, prerequisite, job);
  for (const [parent, child] of gates) append(definitions.children, parent, child);
  return definitions;
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** "If this job (or interface) fails, what is blocked": the walk of impact.ts over the whole mesh. */
@Injectable()
export class ImpactService {
  constructor(private readonly repository: TopologyRepository) {}

  async impact(origin: ImpactOrigin): Promise<ImpactReport> {
    const reader = new MeshReader(this.repository);
    const [rows, gates, jobs] = await Promise.all([reader.interfaceRows(), reader.gates(), reader.jobs()]);
    const definitions = definitionsOf(rows, gates, jobs);
    let failedJobs: number[];
    let report: ImpactReport['origin'];
    if (origin.kind === 'job') {
      const job = jobs.jobs.get(origin.id);
      if (!job) throw notFound('job');
      const interfaceName = rows.get(job.interfaceId)?.name ?? '';
      failedJobs = [job.id];
      report = { kind: 'job', id: job.id, name: job.name, interfaceId: job.interfaceId, interfaceName };
    } else {
      const iface = await reader.interface(origin.id);
      failedJobs = (definitions.jobsOf.get(iface.id) ?? []).filter((id) => definitions.runnable.has(id));
      report = { kind: 'interface', id: iface.id, name: iface.name };
    }
    const originInterface = report.kind === 'job' ? report.interfaceId : report.id;
    const found = impactOf(definitions, failedJobs, [originInterface]);
    const interfaces = [...found.interfaces].map((id) => {
      const members = definitions.jobsOf.get(id) ?? [];
      return {
        id,
        name: rows.get(id)?.name ?? '',
        blockedJobs: members.filter((job) => found.jobs.has(job)).length,
        jobs: members.filter((job) => definitions.runnable.has(job)).length,
        gated: found.gated.has(id),
        origin: id === originInterface,
      };
    });
    interfaces.sort((a, b) => Number(b.origin) - Number(a.origin) || byName(a.name, b.name));
    const rank = new Map(interfaces.map((row, index) => [row.id, index]));
    const blocked = [...found.jobs].map((id) => jobs.jobs.get(id)!);
    blocked.sort((a, b) => rank.get(a.interfaceId)! - rank.get(b.interfaceId)! || byName(a.name, b.name));
    return {
      origin: report,
      counts: { jobs: found.jobs.size, interfaces: interfaces.filter((row) => !row.origin).length },
      interfaces,
      jobs: blocked.map((job) => [job.id, job.name, job.interfaceId]),
    };
  }
}
