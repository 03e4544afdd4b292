import type { GraphEdge, InterfaceGraph } from '../interface/interface-graph.service.js';
import {
  DraftGraph,
  EDGE_CONDITION,
  EDGE_JOB,
  NODE_DISABLED,
  type EdgeCondition,
  NODE_EXTERNAL,
  NODE_FOCUS,
  type TopologyGraph,
} from './graph-payload.js';

/** The condition part of an edge tuple: nothing for a plain success edge. */
export function conditionOf(edge: GraphEdge): EdgeCondition {
  if (edge.condition === 'succeeded') return [];
  if (edge.condition !== 'output') return [edge.condition];
  return [edge.condition, `${edge.outputName ?? ''}=${edge.outputMatch ?? ''}`];
}

/**
 * The job DAG of one interface (from the interface module's graph), laid out in layers: its jobs by
 * name, then the prerequisites it has in other interfaces, labelled "interface / job".
 */
export function jobDagView(graph: InterfaceGraph): TopologyGraph {
  const draft = new DraftGraph();
  const own = graph.nodes.filter((node) => !node.external);
  const external = graph.nodes
    .filter((node) => node.external)
    .map((node) => ({ ...node, label: `${node.interfaceName} / ${node.name}` }))
    .sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : a.id - b.id));
  for (const node of own) {
    draft.add({
      type: 'j',
      id: node.id,
      label: node.name,
      flags: NODE_FOCUS | (node.enabled ? 0 : NODE_DISABLED),
      ref: node.interfaceId,
    });
  }
  for (const node of external) {
    draft.add({
      type: 'j',
      id: node.id,
      label: node.label,
      flags: NODE_EXTERNAL | (node.enabled ? 0 : NODE_DISABLED),
      ref: node.interfaceId,
    });
  }
  for (const edge of graph.edges) {
    const source = draft.indexOf('j', edge.source);
    const target = draft.indexOf('j', edge.target);
    if (source === undefined || target === undefined) continue;
    const condition = conditionOf(edge);
    draft.link(source, target, EDGE_JOB | (condition.length > 0 ? EDGE_CONDITION : 0), 1, condition);
  }
  return draft.toPayload('jobs', graph.interface);
}
