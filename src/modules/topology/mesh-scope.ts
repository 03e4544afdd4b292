import type { InterfaceMesh } from './mesh-reader.js';

/**
 * Which interfaces a mesh view shows, around the focus interface:
 * - local: up to `depth` levels upstream and `depth` levels downstream;
 * - component: everything connected to it, in either direction, at any distance;
 * - downstream: everything that waits for it, directly or not;
 * - all: the whole mesh (no focus needed).
 * "Upstream/downstream" follow both kinds of edges: parent → child interfaces, and interfaces
 * holding prerequisites → interfaces holding the jobs that wait for them.
 */
export const MESH_SCOPES = ['local', 'component', 'downstream', 'all'] as const;
export type MeshScope = (typeof MESH_SCOPES)[number];

/** Breadth-first, at most `depth` steps (Infinity = unlimited). */
function walk(starts: number[], next: (id: number) => readonly number[], depth: number, into: Set<number>): void {
  let frontier = starts;
  for (let step = 0; step < depth && frontier.length > 0; step++) {
    const following: number[] = [];
    for (const id of frontier) {
      for (const other of next(id)) {
        if (into.has(other)) continue;
        into.add(other);
        following.push(other);
      }
    }
    frontier = following;
  }
}

export function scopeOf(mesh: InterfaceMesh, focus: number | null, scope: MeshScope, depth: number): Set<number> {
  if (scope === 'all' || focus === null) return new Set(mesh.interfaces.keys());
  const down = (id: number) => mesh.downstream.get(id) ?? [];
  const up = (id: number) => mesh.upstream.get(id) ?? [];
  const found = new Set([focus]);
  switch (scope) {
    case 'local': {
      const upstream = new Set([focus]);
      walk([focus], down, depth, found);
      walk([focus], up, depth, upstream);
      for (const id of upstream) found.add(id);
      break;
    }
    case 'component':
      walk([focus], (id) => [...down(id), ...up(id)], Infinity, found);
      break;
    case 'downstream':
      walk([focus], down, Infinity, found);
      break;
  }
  return found;
}
