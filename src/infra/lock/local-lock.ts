import { newLockOwner, SchedulerLock, type Lease } from './scheduler-lock.js';

interface LocalEntry {
  owner: string;
  expireAt: number;
}

/** The leases of one process; owners sharing a table exclude each other. */
export class LocalLeaseTable {
  readonly entries = new Map<string, LocalEntry>();
}

/** In-process lock for the embedded default (one portal instance); the same lease rules as the others. */
export class LocalSchedulerLock extends SchedulerLock {
  readonly driver = 'local';

  constructor(
    private readonly table = new LocalLeaseTable(),
    readonly owner = newLockOwner(),
  ) {
    super();
  }

  acquire(key: string, leaseMs: number): Promise<Lease | null> {
    const now = Date.now();
    const current = this.table.entries.get(key);
    if (current !== undefined && current.expireAt > now && current.owner !== this.owner) return Promise.resolve(null);
    this.table.entries.set(key, { owner: this.owner, expireAt: now + leaseMs });
    this.sweep(now);
    return Promise.resolve(this.lease(key, leaseMs));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private lease(key: string, leaseMs: number): Lease {
    const { entries } = this.table;
    const owner = this.owner;
    return {
      key,
      renew() {
        const current = entries.get(key);
        const mine = current !== undefined && current.owner === owner;
        if (mine) current.expireAt = Date.now() + leaseMs;
        return Promise.resolve(mine);
      },
      release() {
        if (entries.get(key)?.owner === owner) entries.delete(key);
        return Promise.resolve();
      },
    };
  }

  /** Expired entries are dropped as new ones come, so the map stays as small as the live leases. */
  private sweep(now: number): void {
    for (const [key, entry] of this.table.entries) {
      if (entry.expireAt <= now) this.table.entries.delete(key);
    }
  }
}
