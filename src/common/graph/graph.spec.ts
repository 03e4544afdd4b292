import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CycleError,
  adjacencyFrom,
  cycleThrough,
  findCycle,
  findPath,
  layers,
  reachableFrom,
  reverseGraph,
  topologicalOrder,
} from './graph.js';

// a → b → c, a → c, d alone with an edge to c
const sample = () =>
  adjacencyFrom<string>([
    ['a', 'b'],
    ['b', 'c'],
    ['a', 'c'],
    ['d', 'c'],
  ]);

describe('graph utilities', () => {
  it('builds adjacency without duplicate edges and reverses it', () => {
    const graph = adjacencyFrom([
      [1, 2],
      [1, 2],
      [1, 3],
    ]);
    assert.deepEqual(graph.get(1), [2, 3]);
    assert.deepEqual([...reverseGraph(graph)].sort(), [
      [2, [1]],
      [3, [1]],
    ]);
  });

  it('finds the shortest path, or null when there is none', () => {
    assert.deepEqual(findPath(sample(), 'a', 'c'), ['a', 'c']);
    assert.deepEqual(findPath(sample(), 'b', 'c'), ['b', 'c']);
    assert.equal(findPath(sample(), 'c', 'a'), null);
    assert.deepEqual(findPath(sample(), 'a', 'a'), ['a']);
  });

  it('names the cycle an edit would close, and ignores the node’s old edges', () => {
    const graph = sample();
    assert.deepEqual(cycleThrough(graph, 'c', ['a']), ['c', 'a', 'c']);
    assert.deepEqual(cycleThrough(graph, 'c', ['e', 'b']), ['c', 'b', 'c']);
    assert.deepEqual(cycleThrough(graph, 'x', ['x']), ['x', 'x']);
    assert.equal(cycleThrough(graph, 'c', ['e']), null);
    // b's current edge b → c is replaced, so pointing c at b no longer loops back.
    assert.deepEqual(cycleThrough(graph, 'b', ['a']), ['b', 'a', 'b']);
    assert.equal(cycleThrough(adjacencyFrom([['c', 'b']]), 'b', []), null);
  });

  it('finds a cycle anywhere in the graph, or null when acyclic', () => {
    assert.equal(findCycle(sample()), null);
    const cycle = findCycle(
      adjacencyFrom([
        [1, 2],
        [2, 3],
        [3, 4],
        [4, 2],
      ]),
    );
    assert.deepEqual(cycle, [2, 3, 4, 2]);
    assert.deepEqual(findCycle(adjacencyFrom([[7, 7]])), [7, 7]);
  });

  it('lists everything downstream through the reversed graph', () => {
    const dependents = reachableFrom(reverseGraph(sample()), ['c']);
    assert.deepEqual([...dependents].sort(), ['a', 'b', 'd']);
    assert.deepEqual([...reachableFrom(sample(), ['c'])], []);
  });

  it('orders nodes so every edge goes forward, stably, including lone nodes', () => {
    const order = topologicalOrder(sample(), ['z', 'd']);
    assert.deepEqual(order, ['z', 'd', 'a', 'b', 'c']);
    const prerequisitesFirst = topologicalOrder(reverseGraph(sample()));
    assert.equal(prerequisitesFirst[0], 'c');
    assert.ok(prerequisitesFirst.indexOf('b') < prerequisitesFirst.indexOf('a'));
  });

  it('throws a CycleError naming the cycle when there is no order', () => {
    const graph = adjacencyFrom([
      ['x', 'y'],
      ['y', 'x'],
      ['y', 'z'],
    ]);
    assert.throws(
      () => topologicalOrder(graph),
      (error: unknown) => error instanceof CycleError && error.message === 'cycle: x → y → x',
    );
  });

  it('puts nodes in layers after everything they point to', () => {
    const level = layers(sample(), ['lone']);
    assert.deepEqual(Object.fromEntries(level), { c: 0, d: 1, b: 1, a: 2, lone: 0 });
  });

  it('handles deep chains without recursion limits', () => {
    const edges: [number, number][] = [];
    for (let i = 0; i < 50_000; i++) edges.push([i, i + 1]);
    const graph = adjacencyFrom(edges);
    assert.equal(findCycle(graph), null);
    assert.deepEqual(cycleThrough(graph, 50_000, [0])?.length, 50_002);
    assert.equal(topologicalOrder(graph).length, 50_001);
  });
});
