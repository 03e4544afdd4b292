import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { impactOf, type ImpactDefinitions } from './impact.js';

interface Job {
  id: number;
  interfaceId: number;
  enabled?: boolean;
  prerequisites?: number[];
}

function definitions(jobs: Job[], parents: [number, number][], disabledInterfaces: number[] = []): ImpactDefinitions {
  const interfaces = new Set([...jobs.map((job) => job.interfaceId), ...parents.flat()]);
  const append = (map: Map<number, number[]>, key: number, value: number) =>
    map.set(key, [...(map.get(key) ?? []), value]);
  const result = {
    jobInterface: new Map(jobs.map((job) => [job.id, job.interfaceId])),
    runnable: new Set(
      jobs.filter((job) => job.enabled !== false && !disabledInterfaces.includes(job.interfaceId)).map((job) => job.id),
    ),
    enabledInterfaces: new Set([...interfaces].filter((id) => !disabledInterfaces.includes(id))),
    dependents: new Map<number, number[]>(),
    children: new Map<number, number[]>(),
    jobsOf: new Map<number, number[]>(),
  };
  for (const job of jobs) {
    append(result.jobsOf, job.interfaceId, job.id);
    for (const prerequisite of job.prerequisites ?? []) append(result.dependents, prerequisite, job.id);
  }
  for (const [parent, child] of parents) append(result.children, parent, child);
  return result;
}

describe('failure impact', () => {
  // interface 1: 11 → 12, 13 alone; interface 2 (child of 1): 21; interface 3: 31 needs 12;
  // interface 4 (child of 3): 41; interface 5: 51 alone
  const mesh = definitions(
    [
      { id: 11, interfaceId: 1 },
      { id: 12, interfaceId: 1, prerequisites: [11] },
      { id: 13, interfaceId: 1 },
      { id: 21, interfaceId: 2 },
      { id: 31, interfaceId: 3, prerequisites: [12] },
      { id: 41, interfaceId: 4 },
      { id: 51, interfaceId: 5 },
    ],
    [
      [1, 2],
      [3, 4],
    ],
  );

  it('blocks dependents in any interface and every job of child interfaces, transitively', () => {
    const found = impactOf(mesh, [11], [1]);
    assert.deepEqual([...found.jobs].sort(), [12, 21, 31, 41]);
    assert.deepEqual([...found.interfaces].sort(), [1, 2, 3, 4]);
    assert.deepEqual([...found.gated].sort(), [2, 4]);
  });

  it('leaves sibling jobs of the failed one alone, but still holds back the child interfaces', () => {
    const found = impactOf(mesh, [13], [1]);
    assert.deepEqual([...found.jobs].sort(), [21]);
    assert.ok(!found.jobs.has(12) && !found.jobs.has(31));
  });

  it('neither blocks nor passes through disabled jobs and disabled interfaces', () => {
    const withDisabled = definitions(
      [
        { id: 11, interfaceId: 1 },
        { id: 12, interfaceId: 1, prerequisites: [11], enabled: false },
        { id: 13, interfaceId: 1, prerequisites: [12] },
        { id: 21, interfaceId: 2 },
        { id: 31, interfaceId: 3 },
      ],
      [
        [1, 2],
        [2, 3],
      ],
      [2],
    );
    const found = impactOf(withDisabled, [11], [1]);
    assert.deepEqual([...found.jobs], []);
    assert.deepEqual([...found.interfaces], [1]);
  });
});
