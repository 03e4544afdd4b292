import type { Redis } from 'ioredis';
import Redlock, { ExecutionError, ResourceLockedError, type Lock } from 'redlock';
import { newLockOwner, SchedulerLock, type Lease } from './scheduler-lock.js';

export interface RedisLockOptions {
  /** Prepended to every lock key (redis.keyPrefix + "lock:"). */
  keyPrefix?: string;
  owner?: string;
  /** Backend errors other than "already locked" (connection loss…). */
  onError?: (error: Error) => void;
}

/** True when every vote against the operation said "this key is held", i.e. nothing is broken. */
async function onlyLockedVotes(error: ExecutionError): Promise<boolean> {
  const stats = await Promise.all(error.attempts);
  const reasons = stats.flatMap((attempt) => [...attempt.votesAgainst.values()]);
  return reasons.length > 0 && reasons.every((reason) => reason instanceof ResourceLockedError);
}

/**
 * redlock on one Redis. Each lease carries redlock's random value, so only its owner can extend or
 * release it (the scripts compare the value); Redis expires it after the lease.
 */
export class RedisSchedulerLock extends SchedulerLock {
  readonly driver = 'redis';
  readonly owner: string;
  private readonly redlock: Redlock;
  private readonly prefix: string;

  constructor(client: Redis, options: RedisLockOptions = {}) {
    super();
    this.owner = options.owner ?? newLockOwner();
    this.prefix = options.keyPrefix ?? '';
    // One attempt: a held key is an answer, not something to wait for.
    this.redlock = new Redlock([client], { retryCount: 0, driftFactor: 0.01 });
    // redlock emits every failed vote; an unhandled 'error' event would crash the process.
    this.redlock.on('error', (error: Error) => {
      if (!(error instanceof ResourceLockedError)) options.onError?.(error);
    });
  }

  async acquire(key: string, leaseMs: number): Promise<Lease | null> {
    const resource = this.prefix + key;
    try {
      const lock = await this.redlock.acquire([resource], leaseMs);
      return this.lease(key, lock, leaseMs);
    } catch (error) {
      if (error instanceof ExecutionError && (await onlyLockedVotes(error))) return null;
      throw error;
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private lease(key: string, first: Lock, leaseMs: number): Lease {
    let lock = first;
    return {
      key,
      async renew() {
        try {
          lock = await lock.extend(leaseMs);
          return true;
        } catch (error) {
          if (error instanceof ExecutionError) return false;
          throw error;
        }
      },
      async release() {
        // A lease that lapsed and was taken by another owner is left alone (the script checks the value).
        await lock.release().catch(() => undefined);
      },
    };
  }
}
