import type { RoutingStrategy } from '../job/job.entity.js';

export interface RoutableRun {
  targetHostId: number | null;
  hostTag: string;
  routingStrategy: RoutingStrategy;
  /** The host that lost the previous attempt: used only when nothing else can take the run. */
  avoidHostId: number | null;
}

export interface HostSlots {
  id: number;
  tags: readonly string[];
  slots: number;
  /** Runs dispatched or running there. */
  used: number;
  /** Enabled, online, not draining, not refusing right now. */
  available: boolean;
}

/**
 * Picks the host for a run: its fixed host, else the hosts carrying its tag (or every host when it
 * has neither), among those available with a free slot, by the job's strategy. Keeps the
 * round-robin position per tag.
 */
export class Router {
  private readonly positions = new Map<string, number>();

  constructor(private readonly random: () => number = Math.random) {}

  choose(run: RoutableRun, hosts: readonly HostSlots[]): HostSlots | null {
    const candidates = this.candidates(run, hosts);
    const free = candidates.filter((host) => host.available && host.used < host.slots);
    const preferred = free.filter((host) => host.id !== run.avoidHostId);
    const pool = preferred.length > 0 ? preferred : free;
    if (pool.length === 0) return null;
    switch (run.routingStrategy) {
      case 'least_busy':
        return pool.reduce((best, host) => (host.used / host.slots < best.used / best.slots ? host : best));
      case 'random':
        return pool[Math.floor(this.random() * pool.length) % pool.length];
      case 'failover':
        return pool[0];
      case 'round_robin':
        return this.next(run.hostTag || '*', candidates, pool);
    }
  }

  private candidates(run: RoutableRun, hosts: readonly HostSlots[]): HostSlots[] {
    if (run.targetHostId !== null) return hosts.filter((host) => host.id === run.targetHostId);
    if (run.hostTag) return hosts.filter((host) => host.tags.includes(run.hostTag));
    return [...hosts];
  }

  /** The next host after the last one used for this tag, skipping hosts that cannot take it. */
  private next(key: string, candidates: HostSlots[], pool: HostSlots[]): HostSlots {
    const start = this.positions.get(key) ?? -1;
    const order = candidates.map((host) => host.id);
    for (let step = 1; step <= order.length; step++) {
      const index = (start + step) % order.length;
      const host = pool.find((item) => item.id === order[index]);
      if (host) {
        this.positions.set(key, index);
        return host;
      }
    }
    return pool[0];
  }
}
