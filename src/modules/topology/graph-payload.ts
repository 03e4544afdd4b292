import { layeredLayout } from './layered-layout.js';

/** Node flags (bits). */
export const NODE_FOCUS = 1; // belongs to the interface the view is about
export const NODE_EXTERNAL = 2; // a prerequisite job in another interface (job DAG)
export const NODE_DISABLED = 4; // the job or its interface is disabled
export const NODE_COLLAPSED = 8; // an interface node standing for its jobs (expandable)

/** Edge flags (bits). */
export const EDGE_JOB = 1; // job prerequisite(s); weight = how many
export const EDGE_GATE = 2; // parent interface → child interface: the child's jobs wait for the parent
export const EDGE_REVERSED = 4; // drawn against the layers: closes a cycle that only a collapsed view has
export const EDGE_CONDITION = 8; // a job edge with a condition other than `succeeded` (job DAG): see the tuple's condition

/** `[type, id, label, layer, row, flags, ref]`: type `i` interface or `j` job; ref = job count (i) or interface id (j). */
export type NodeTuple = ['i' | 'j', number, string, number, number, number, number];
/**
 * `[source, target, flags, weight, condition?, output?]`: source and target index `nodes`; the source
 * is upstream. With EDGE_CONDITION: the edge's condition (`failed`, `finished`, `output`) and, for
 * `output`, `name=match` (e.g. `rows=/^[1-9]/`).
 */
export type EdgeTuple = [number, number, number, number, string?, string?];
/** The optional tail of an edge tuple. */
export type EdgeCondition = [] | [string] | [string, string];

/**
 * What every topology API answers: compact arrays with the layout already computed. x = layer,
 * y = row within the layer (rows are counted from the top of each layer).
 */
export interface TopologyGraph {
  view: 'jobs' | 'mesh';
  interface: { id: number; name: string } | null;
  layers: number;
  rows: number;
  nodes: NodeTuple[];
  edges: EdgeTuple[];
}

export interface DraftNode {
  type: 'i' | 'j';
  id: number;
  label: string;
  flags: number;
  ref: number;
}

/** Nodes in drawing order (ties keep it) and merged edges, before layout. */
export class DraftGraph {
  readonly nodes: DraftNode[] = [];
  private readonly index = new Map<string, number>();
  private readonly edges = new Map<number, EdgeTuple>();

  add(node: DraftNode): number {
    const key = `${node.type}${node.id}`;
    const known = this.index.get(key);
    if (known !== undefined) return known;
    this.index.set(key, this.nodes.length);
    this.nodes.push(node);
    return this.nodes.length - 1;
  }

  indexOf(type: 'i' | 'j', id: number): number | undefined {
    return this.index.get(`${type}${id}`);
  }

  /** Adds an edge, merging it with an existing one between the same nodes (flags or-ed, weights summed). */
  link(source: number, target: number, flags: number, weight: number, condition: EdgeCondition = []): void {
    if (source === target) return;
    const key = source * 0x100000 + target;
    const edge = this.edges.get(key);
    if (edge) {
      edge[2] |= flags;
      edge[3] += weight;
    } else this.edges.set(key, [source, target, flags, weight, ...condition]);
  }

  /** Lays the graph out and encodes it. */
  toPayload(view: TopologyGraph['view'], focus: TopologyGraph['interface']): TopologyGraph {
    const edges = [...this.edges.values()];
    const layout = layeredLayout(
      this.nodes.length,
      edges.map((edge) => [edge[0], edge[1]] as const),
    );
    layout.reversed.forEach((reversed, index) => {
      if (reversed) edges[index][2] |= EDGE_REVERSED;
    });
    return {
      view,
      interface: focus,
      layers: layout.layers,
      rows: layout.rows,
      nodes: this.nodes.map((node, index) => [
        node.type,
        node.id,
        node.label,
        layout.layer[index],
        layout.row[index],
        node.flags,
        node.ref,
      ]),
      edges,
    };
  }
}
