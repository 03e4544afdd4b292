import {
  DraftGraph,
  EDGE_GATE,
  EDGE_JOB,
  NODE_COLLAPSED,
  NODE_DISABLED,
  NODE_FOCUS,
  type TopologyGraph,
} from './graph-payload.js';
import { append, type InterfaceMesh } from './mesh-reader.js';
import type { MeshJob, TouchingEdge } from './topology.repository.js';

/** The jobs of the expanded interfaces and every job edge touching them. */
export interface ExpandedJobs {
  jobs: MeshJob[];
  edges: TouchingEdge[];
}

interface Ends {
  /** Jobs nothing else in their interface waits for: the interface is done when they are. */
  sinks: Map<number, number[]>;
  /** Jobs with no prerequisite in their interface: they are what waits for a parent interface. */
  sources: Map<number, number[]>;
}

function endsOf(expanded: ExpandedJobs): Ends {
  const hasDependent = new Set<number>();
  const hasPrerequisite = new Set<number>();
  for (const [prerequisite, job, prerequisiteInterface, jobInterface] of expanded.edges) {
    if (prerequisiteInterface !== jobInterface) continue;
    hasDependent.add(prerequisite);
    hasPrerequisite.add(job);
  }
  const ends: Ends = { sinks: new Map(), sources: new Map() };
  for (const job of expanded.jobs) {
    if (!hasDependent.has(job.id)) append(ends.sinks, job.interfaceId, job.id);
    if (!hasPrerequisite.has(job.id)) append(ends.sources, job.interfaceId, job.id);
  }
  return ends;
}

/**
 * Builds the mesh view: one node per interface in scope ("collapsed": it stands for its jobs and
 * carries their number), except expanded interfaces, which show their jobs instead. Job edges
 * between collapsed interfaces merge into one edge whose weight is how many they are; a parent →
 * child gate into or out of an expanded interface attaches to its first jobs (sources) or last jobs
 * (sinks), which is exactly what waits and what is waited for.
 */
export function meshView(
  mesh: InterfaceMesh,
  scope: ReadonlySet<number>,
  focus: number | null,
  expanded: ExpandedJobs,
): TopologyGraph {
  const draft = new DraftGraph();
  const jobsByInterface = new Map<number, MeshJob[]>();
  for (const job of expanded.jobs) append(jobsByInterface, job.interfaceId, job);
  for (const iface of mesh.interfaces.values()) {
    if (!scope.has(iface.id)) continue;
    const base = (iface.id === focus ? NODE_FOCUS : 0) | (iface.enabled ? 0 : NODE_DISABLED);
    const jobs = jobsByInterface.get(iface.id);
    if (!jobs) {
      draft.add({
        type: 'i',
        id: iface.id,
        label: iface.name,
        flags: base | (iface.jobCount > 0 ? NODE_COLLAPSED : 0),
        ref: iface.jobCount,
      });
      continue;
    }
    for (const job of jobs) {
      const flags = base | (job.enabled ? 0 : NODE_DISABLED);
      draft.add({ type: 'j', id: job.id, label: `${iface.name} / ${job.name}`, flags, ref: iface.id });
    }
  }
  linkGates(draft, mesh, jobsByInterface, endsOf(expanded));
  linkJobs(draft, mesh, jobsByInterface, expanded);
  return draft.toPayload('mesh', focus === null ? null : { id: focus, name: mesh.interfaces.get(focus)?.name ?? '' });
}

function linkGates(draft: DraftGraph, mesh: InterfaceMesh, expanded: Map<number, MeshJob[]>, ends: Ends): void {
  const nodesOf = (interfaceId: number, side: Map<number, number[]>): number[] => {
    const jobs = expanded.has(interfaceId) ? (side.get(interfaceId) ?? []) : [];
    const nodes = jobs.length > 0 ? jobs.map((id) => draft.indexOf('j', id)) : [draft.indexOf('i', interfaceId)];
    return nodes.filter((node): node is number => node !== undefined);
  };
  for (const [parent, child] of mesh.gates) {
    for (const source of nodesOf(parent, ends.sinks)) {
      for (const target of nodesOf(child, ends.sources)) draft.link(source, target, EDGE_GATE, 0);
    }
  }
}

function linkJobs(draft: DraftGraph, mesh: InterfaceMesh, expanded: Map<number, MeshJob[]>, jobs: ExpandedJobs): void {
  for (const [from, to, count] of mesh.crossJobs) {
    if (expanded.has(from) || expanded.has(to)) continue;
    const source = draft.indexOf('i', from);
    const target = draft.indexOf('i', to);
    if (source !== undefined && target !== undefined) draft.link(source, target, EDGE_JOB, count);
  }
  // an end in a collapsed interface attaches to the interface node; one outside the scope drops the edge
  const nodeOf = (jobId: number, interfaceId: number) =>
    expanded.has(interfaceId) ? draft.indexOf('j', jobId) : draft.indexOf('i', interfaceId);
  for (const [prerequisite, job, prerequisiteInterface, jobInterface] of jobs.edges) {
    const source = nodeOf(prerequisite, prerequisiteInterface);
    const target = nodeOf(job, jobInterface);
    if (source !== undefined && target !== undefined) draft.link(source, target, EDGE_JOB, 1);
  }
}
