import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { InterfaceGraph } from '../interface/interface-graph.service.js';
import { EDGE_CONDITION, EDGE_JOB } from './graph-payload.js';
import { jobDagView } from './job-dag-view.js';

const node = (id: number, name: string) => ({
  id,
  name,
  interfaceId: 1,
  interfaceName: 'etl',
  enabled: true,
  external: false,
  layer: 0,
});

describe('jobDagView edge conditions', () => {
  it('marks non-default edges with their condition and leaves success edges plain', () => {
    const graph: InterfaceGraph = {
      interface: { id: 1, name: 'etl' },
      nodes: [node(1, 'load'), node(2, 'cleanup'), node(3, 'always'), node(4, 'big'), node(5, 'report')],
      edges: [
        { source: 1, target: 2, condition: 'failed' },
        { source: 1, target: 3, condition: 'finished' },
        { source: 1, target: 4, condition: 'output', outputName: 'rows', outputMatch: '/^[1-9]/' },
        { source: 1, target: 5, condition: 'succeeded' },
      ],
    };
    const view = jobDagView(graph);
    const byTarget = new Map(view.edges.map((edge) => [view.nodes[edge[1]][2], edge]));
    assert.deepEqual(byTarget.get('cleanup')!.slice(2), [EDGE_JOB | EDGE_CONDITION, 1, 'failed']);
    assert.deepEqual(byTarget.get('always')!.slice(2), [EDGE_JOB | EDGE_CONDITION, 1, 'finished']);
    assert.deepEqual(byTarget.get('big')!.slice(2), [EDGE_JOB | EDGE_CONDITION, 1, 'output', 'rows=/^[1-9]/']);
    assert.deepEqual(byTarget.get('report')!.slice(2), [EDGE_JOB, 1]);
  });
});
