import type { NodeTuple, TopologyGraph } from '../topology/graph-payload.js';
import type { ImpactReport } from '../topology/impact.service.js';
import { isAdmin, type AccessService, type AccessUser } from './access.service.js';
import { hiddenInterfaceLabel, hiddenJobLabel } from './execution-mask.js';

/** The interface a topology node belongs to: an interface node is one, a job node's ref names it. */
const interfaceOfNode = (node: NodeTuple): number => (node[0] === 'i' ? node[1] : node[6]);

/**
 * A topology graph as the caller may see it: nodes of interfaces the caller may not see keep their
 * place and edges (they still gate what runs) but are labelled "hidden interface #id" / "hidden job #id".
 */
export async function maskTopologyGraph(
  access: AccessService,
  user: AccessUser,
  graph: TopologyGraph,
): Promise<TopologyGraph> {
  if (isAdmin(user)) return graph;
  const visible = await access.filterVisible(user, [...new Set(graph.nodes.map(interfaceOfNode))]);
  return {
    ...graph,
    nodes: graph.nodes.map((node): NodeTuple => {
      if (visible.has(interfaceOfNode(node))) return node;
      const label = node[0] === 'i' ? hiddenInterfaceLabel(node[1]) : hiddenJobLabel(node[1]);
      return [node[0], node[1], label, node[3], node[4], node[5], node[6]];
    }),
  };
}

/** An impact report with blocked interfaces and jobs the caller may not see anonymised the same way. */
export async function maskImpact(access: AccessService, user: AccessUser, report: ImpactReport): Promise<ImpactReport> {
  if (isAdmin(user)) return report;
  const visible = await access.filterVisible(user, [
    ...new Set([...report.interfaces.map((row) => row.id), ...report.jobs.map((job) => job[2])]),
  ]);
  return {
    ...report,
    interfaces: report.interfaces.map((row) =>
      visible.has(row.id) ? row : { ...row, name: hiddenInterfaceLabel(row.id) },
    ),
    jobs: report.jobs.map(([id, name, interfaceId]) => [
      id,
      visible.has(interfaceId) ? name : hiddenJobLabel(id),
      interfaceId,
    ]),
  };
}
