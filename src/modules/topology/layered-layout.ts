/**
 * Layered ("Sugiyama-style") drawing of a directed graph, computed on the server so the browser
 * only places points: x = layer, y = row within the layer.
 *
 * Nodes are 0..count-1; an edge `[from, to]` means `from` is upstream (a prerequisite, a parent
 * interface) and is drawn left of `to`. Steps, all iterative and linear or n·log n:
 * 1. cycle breaking: a depth-first search marks back edges; they are reversed for layering only
 *    (collapsed views can have cycles even though jobs and interfaces cannot);
 * 2. layering: longest path from the sources, then every source moves right next to its nearest
 *    dependent, which shortens edges;
 * 3. ordering: starting from the given node order, a few barycenter sweeps (down, then up) sort each
 *    layer by the mean row of its neighbours, which removes most avoidable crossings.
 */
export interface Layout {
  layer: number[];
  row: number[];
  /** Per input edge: drawn against the layers because it closes a cycle. */
  reversed: boolean[];
  /** Number of layers and of rows in the widest layer. */
  layers: number;
  rows: number;
}

const SWEEPS = 2;

interface Adjacency {
  out: number[][];
  in: number[][];
}

/** Back edges of an iterative depth-first search over the nodes in index order. */
function backEdges(count: number, edges: readonly (readonly [number, number])[]): boolean[] {
  const outEdges: number[][] = Array.from({ length: count }, () => []);
  edges.forEach(([from], index) => outEdges[from].push(index));
  const state = new Uint8Array(count); // 0 new, 1 on the stack, 2 done
  const reversed = edges.map(([from, to]) => from === to);
  const stack: number[] = [];
  const next = new Int32Array(count);
  for (let root = 0; root < count; root++) {
    if (state[root] !== 0) continue;
    state[root] = 1;
    stack.push(root);
    while (stack.length > 0) {
      const node = stack[stack.length - 1];
      if (next[node] >= outEdges[node].length) {
        state[node] = 2;
        stack.pop();
        continue;
      }
      const edge = outEdges[node][next[node]++];
      const target = edges[edge][1];
      if (state[target] === 1) reversed[edge] = true;
      else if (state[target] === 0) {
        state[target] = 1;
        stack.push(target);
      }
    }
  }
  return reversed;
}

function acyclicAdjacency(
  count: number,
  edges: readonly (readonly [number, number])[],
  reversed: boolean[],
): Adjacency {
  const adjacency: Adjacency = {
    out: Array.from({ length: count }, () => []),
    in: Array.from({ length: count }, () => []),
  };
  edges.forEach(([from, to], index) => {
    if (from === to) return;
    const [a, b] = reversed[index] ? [to, from] : [from, to];
    adjacency.out[a].push(b);
    adjacency.in[b].push(a);
  });
  return adjacency;
}

function topologicalOrder(count: number, adjacency: Adjacency): number[] {
  const indegree = adjacency.in.map((sources) => sources.length);
  const order: number[] = [];
  for (let node = 0; node < count; node++) if (indegree[node] === 0) order.push(node);
  for (let index = 0; index < order.length; index++) {
    for (const target of adjacency.out[order[index]]) if (--indegree[target] === 0) order.push(target);
  }
  return order;
}

function assignLayers(count: number, adjacency: Adjacency): number[] {
  const order = topologicalOrder(count, adjacency);
  const layer = new Array<number>(count).fill(0);
  for (const node of order)
    for (const target of adjacency.out[node]) layer[target] = Math.max(layer[target], layer[node] + 1);
  // A source may sit anywhere left of its dependents: put it just before the nearest one.
  for (const node of order) {
    if (adjacency.in[node].length > 0 || adjacency.out[node].length === 0) continue;
    let nearest = Infinity;
    for (const target of adjacency.out[node]) nearest = Math.min(nearest, layer[target]);
    layer[node] = nearest - 1;
  }
  return layer;
}

/** Sorts one layer by the mean centred row of each node's neighbours (nodes without any keep their place). */
function sortByBarycenter(members: number[], neighbours: number[][], centred: Float64Array): void {
  const key = new Map<number, number>();
  for (const node of members) {
    const around = neighbours[node];
    if (around.length === 0) {
      key.set(node, centred[node]);
      continue;
    }
    let sum = 0;
    for (const other of around) sum += centred[other];
    key.set(node, sum / around.length);
  }
  members.sort((a, b) => key.get(a)! - key.get(b)! || centred[a] - centred[b]);
  members.forEach((node, index) => (centred[node] = index - (members.length - 1) / 2));
}

function orderLayers(byLayer: number[][], adjacency: Adjacency, count: number): Float64Array {
  const centred = new Float64Array(count);
  for (const members of byLayer) members.forEach((node, index) => (centred[node] = index - (members.length - 1) / 2));
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    for (let layer = 1; layer < byLayer.length; layer++) sortByBarycenter(byLayer[layer], adjacency.in, centred);
    for (let layer = byLayer.length - 2; layer >= 0; layer--) sortByBarycenter(byLayer[layer], adjacency.out, centred);
  }
  return centred;
}

/** Lays out `count` nodes; `edges` are `[upstream, downstream]` index pairs; node order breaks ties. */
export function layeredLayout(count: number, edges: readonly (readonly [number, number])[]): Layout {
  const reversed = backEdges(count, edges);
  const adjacency = acyclicAdjacency(count, edges, reversed);
  const layer = assignLayers(count, adjacency);
  let layers = 0;
  for (const value of layer) layers = Math.max(layers, value + 1);
  const byLayer: number[][] = Array.from({ length: layers }, () => []);
  for (let node = 0; node < count; node++) byLayer[layer[node]].push(node);
  orderLayers(byLayer, adjacency, count);
  const row = new Array<number>(count).fill(0);
  let rows = 0;
  for (const members of byLayer) {
    members.forEach((node, index) => (row[node] = index));
    rows = Math.max(rows, members.length);
  }
  return { layer, row, reversed, layers, rows };
}
