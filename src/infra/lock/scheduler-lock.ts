import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';

export type LockDriver = 'local' | 'mongo' | 'redis';

/** A held lock. It lapses after its lease unless renewed; only its owner can renew or release it. */
export interface Lease {
  readonly key: string;
  /** Extends the lease by its full duration; false when it was lost (lapsed and taken, or released). */
  renew(): Promise<boolean>;
  /** Gives the lock up; a no-op when it is no longer ours. */
  release(): Promise<void>;
}

/**
 * Mutual exclusion between portal instances, keyed by a string (`dispatch:<id>:<scheduledAt>`).
 * `acquire` answers null when another owner holds the key, and throws when the lock's backend cannot
 * be reached. Correctness never depends on a backend deleting expired leases: an expired lease is
 * free to take.
 */
export abstract class SchedulerLock {
  abstract readonly driver: LockDriver;
  /** Who holds leases taken through this instance. */
  abstract readonly owner: string;
  abstract acquire(key: string, leaseMs: number): Promise<Lease | null>;
  /** Stops background work (renewals, sweeps); held leases lapse on their own. */
  abstract close(): Promise<void>;
}

/** `<host>:<pid>:<random>`: unique per process start, readable in the lock collection. */
export function newLockOwner(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}
