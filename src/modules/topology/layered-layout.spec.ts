import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { layeredLayout } from './layered-layout.js';

/** Crossings between edges of adjacent layers (the ones a reader sees crossing). */
function crossings(layer: number[], row: number[], edges: [number, number][]): number {
  const short = edges.filter(([a, b]) => layer[b] === layer[a] + 1);
  let count = 0;
  for (let i = 0; i < short.length; i++) {
    for (let j = i + 1; j < short.length; j++) {
      const [a, b] = short[i];
      const [c, d] = short[j];
      if (layer[a] !== layer[c]) continue;
      if ((row[a] - row[c]) * (row[b] - row[d]) < 0) count++;
    }
  }
  return count;
}

/** A deterministic random DAG: edges only from a lower to a higher index. */
function randomDag(count: number, edgesPerNode: number, seed: number): [number, number][] {
  let state = seed;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const edges: [number, number][] = [];
  for (let node = 1; node < count; node++) {
    for (let k = 0; k < edgesPerNode; k++) edges.push([Math.floor(random() * node), node]);
  }
  return edges;
}

describe('layered layout', () => {
  it('puts every upstream node in a lower layer than its dependents, with distinct rows per layer', () => {
    const edges = randomDag(400, 2, 7);
    const layout = layeredLayout(400, edges);
    for (const [from, to] of edges) assert.ok(layout.layer[from] < layout.layer[to], `${from} → ${to}`);
    const seen = new Set(layout.layer.map((layer, node) => `${layer}:${layout.row[node]}`));
    assert.equal(seen.size, 400, 'no two nodes share a place');
    assert.equal(layout.reversed.filter(Boolean).length, 0);
    assert.equal(layout.layers, Math.max(...layout.layer) + 1);
  });

  it('moves a source next to its dependent instead of leaving it in the first column', () => {
    // 0 → 1 → 2 → 3, and 4 → 3: node 4 belongs in layer 2
    const layout = layeredLayout(5, [
      [0, 1],
      [1, 2],
      [2, 3],
      [4, 3],
    ]);
    assert.deepEqual(layout.layer, [0, 1, 2, 3, 2]);
  });

  it('untangles crossings a reader would see', () => {
    // layer 0: a b c, layer 1: d e f; given order wires a→f, b→e, c→d (three crossings)
    const edges: [number, number][] = [
      [0, 5],
      [1, 4],
      [2, 3],
    ];
    const identity = { layer: [0, 0, 0, 1, 1, 1], row: [0, 1, 2, 0, 1, 2] };
    assert.equal(crossings(identity.layer, identity.row, edges), 3);
    const layout = layeredLayout(6, edges);
    assert.equal(crossings(layout.layer, layout.row, edges), 0);
  });

  it('draws a cycle by reversing one edge, and layers the rest', () => {
    const edges: [number, number][] = [
      [0, 1],
      [1, 2],
      [2, 0],
      [2, 3],
    ];
    const layout = layeredLayout(4, edges);
    assert.deepEqual(layout.reversed, [false, false, true, false]);
    edges.forEach(([from, to], index) => {
      if (layout.reversed[index]) assert.ok(layout.layer[from] > layout.layer[to]);
      else assert.ok(layout.layer[from] < layout.layer[to]);
    });
  });

  it('handles a 100,000-node chain without recursion and 10,000 nodes / 20,000 edges quickly', () => {
    const chain = Array.from({ length: 99_999 }, (_, index) => [index, index + 1] as [number, number]);
    assert.equal(layeredLayout(100_000, chain).layers, 100_000);
    const edges = randomDag(10_000, 2, 11);
    const start = performance.now();
    layeredLayout(10_000, edges);
    assert.ok(performance.now() - start < 1000, 'well under a second');
  });
});
