/**
 * Directed-graph utilities for the mesh, generic over node ids (numbers, strings, ...).
 *
 * A graph is an adjacency map: `graph.get(a)` lists the nodes `a` has an edge to. The meaning of
 * an edge is the caller's; the definitions use "a → b: a depends on b" (a job on its prerequisite,
 * an interface on its parent). Every function is iterative, so deep chains cannot overflow the stack.
 */
export type Adjacency<T> = ReadonlyMap<T, readonly T[]>;

/** Builds an adjacency map from `[from, to]` pairs (duplicate edges are kept once). */
export function adjacencyFrom<T>(edges: Iterable<readonly [T, T]>): Map<T, T[]> {
  const graph = new Map<T, T[]>();
  const seen = new Map<T, Set<T>>();
  for (const [from, to] of edges) {
    let targets = seen.get(from);
    if (!targets) {
      targets = new Set();
      seen.set(from, targets);
      graph.set(from, []);
    }
    if (targets.has(to)) continue;
    targets.add(to);
    graph.get(from)!.push(to);
  }
  return graph;
}

/** The same graph with every edge turned around (dependencies ↔ dependents). */
export function reverseGraph<T>(graph: Adjacency<T>): Map<T, T[]> {
  const pairs: [T, T][] = [];
  for (const [from, targets] of graph) for (const to of targets) pairs.push([to, from]);
  return adjacencyFrom(pairs);
}

/** A copy of the graph where `node`'s outgoing edges are exactly `targets` (an edit being checked). */
export function withEdges<T>(graph: Adjacency<T>, node: T, targets: Iterable<T>): Map<T, T[]> {
  const copy = new Map<T, T[]>(graph as Map<T, T[]>);
  copy.set(node, [...new Set(targets)]);
  return copy;
}

/** The shortest path from `from` to `to` (both included), or null when `to` cannot be reached. */
export function findPath<T>(graph: Adjacency<T>, from: T, to: T): T[] | null {
  if (from === to) return [from];
  const previous = new Map<T, T>();
  const visited = new Set<T>([from]);
  let frontier: T[] = [from];
  while (frontier.length > 0) {
    const next: T[] = [];
    for (const node of frontier) {
      for (const target of graph.get(node) ?? []) {
        if (visited.has(target)) continue;
        visited.add(target);
        previous.set(target, node);
        if (target === to) return unwind(previous, from, to);
        next.push(target);
      }
    }
    frontier = next;
  }
  return null;
}

function unwind<T>(previous: Map<T, T>, from: T, to: T): T[] {
  const path = [to];
  let node = to;
  while (node !== from) {
    node = previous.get(node)!;
    path.push(node);
  }
  return path.reverse();
}

/**
 * The cycle that giving `node` the edges `node → targets` would close, as `[node, …, node]`, or
 * null. The graph's current edges of `node` are ignored, so it checks an edit as well as an insert.
 */
export function cycleThrough<T>(graph: Adjacency<T>, node: T, targets: Iterable<T>): T[] | null {
  const edited = withEdges(graph, node, targets);
  let shortest: T[] | null = null;
  for (const target of edited.get(node) ?? []) {
    const path = findPath(edited, target, node);
    if (path && (!shortest || path.length + 1 < shortest.length)) shortest = [node, ...path];
  }
  return shortest;
}

/** Some cycle of the graph as `[a, b, …, a]`, or null when the graph is acyclic. */
export function findCycle<T>(graph: Adjacency<T>): T[] | null {
  const state = new Map<T, 'open' | 'done'>();
  for (const root of graph.keys()) {
    if (state.has(root)) continue;
    const stack: { node: T; next: number }[] = [{ node: root, next: 0 }];
    state.set(root, 'open');
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const targets = graph.get(top.node) ?? [];
      if (top.next >= targets.length) {
        state.set(top.node, 'done');
        stack.pop();
        continue;
      }
      const target = targets[top.next++];
      const seen = state.get(target);
      if (seen === 'open') {
        const start = stack.findIndex((frame) => frame.node === target);
        return [...stack.slice(start).map((frame) => frame.node), target];
      }
      if (seen === undefined) {
        state.set(target, 'open');
        stack.push({ node: target, next: 0 });
      }
    }
  }
  return null;
}

/** Every node reachable from `starts` by one edge or more (a start is included only on a cycle). */
export function reachableFrom<T>(graph: Adjacency<T>, starts: Iterable<T>): Set<T> {
  const reached = new Set<T>();
  const pending = [...starts];
  while (pending.length > 0) {
    for (const target of graph.get(pending.pop()!) ?? []) {
      if (reached.has(target)) continue;
      reached.add(target);
      pending.push(target);
    }
  }
  return reached;
}

/** Thrown by topologicalOrder when the graph has a cycle; `cycle` is `[a, b, …, a]`. */
export class CycleError<T> extends Error {
  constructor(readonly cycle: T[]) {
    super(`cycle: ${cycle.map(String).join(' → ')}`);
  }
}

/**
 * The nodes in an order where every edge `a → b` has `a` before `b` (reverse the graph first for
 * "prerequisites first"). `nodes` adds nodes without edges and fixes the order of ties (stable:
 * among nodes ready at the same time, the one given first comes first). Throws CycleError.
 */
export function topologicalOrder<T>(graph: Adjacency<T>, nodes: Iterable<T> = []): T[] {
  const all = allNodes(graph, nodes);
  const indegree = new Map<T, number>(all.map((node) => [node, 0]));
  for (const targets of graph.values()) for (const to of targets) indegree.set(to, indegree.get(to)! + 1);
  const rank = new Map(all.map((node, index) => [node, index]));
  const ready = all.filter((node) => indegree.get(node) === 0);
  const order: T[] = [];
  while (ready.length > 0) {
    const node = ready.shift()!;
    order.push(node);
    const released: T[] = [];
    for (const target of graph.get(node) ?? []) {
      const left = indegree.get(target)! - 1;
      indegree.set(target, left);
      if (left === 0) released.push(target);
    }
    if (released.length > 0) insertByRank(ready, released, rank);
  }
  if (order.length < all.length) throw new CycleError(findCycle(graph) ?? []);
  return order;
}

function insertByRank<T>(ready: T[], released: T[], rank: Map<T, number>): void {
  ready.push(...released);
  ready.sort((a, b) => rank.get(a)! - rank.get(b)!);
}

function allNodes<T>(graph: Adjacency<T>, nodes: Iterable<T>): T[] {
  const seen = new Set<T>(nodes);
  for (const [from, targets] of graph) {
    seen.add(from);
    for (const to of targets) seen.add(to);
  }
  return [...seen];
}

/**
 * The layer of every node for drawing: nodes with no outgoing edge are layer 0, every other node is
 * one more than the highest layer it has an edge to (so prerequisites sit left of their dependents
 * when edges mean "depends on"). Throws CycleError.
 */
export function layers<T>(graph: Adjacency<T>, nodes: Iterable<T> = []): Map<T, number> {
  const order = topologicalOrder(graph, nodes);
  const layer = new Map<T, number>();
  for (let index = order.length - 1; index >= 0; index--) {
    const node = order[index];
    let level = 0;
    for (const target of graph.get(node) ?? []) level = Math.max(level, layer.get(target)! + 1);
    layer.set(node, level);
  }
  return layer;
}
