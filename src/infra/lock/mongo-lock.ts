import { MongoServerError, type Collection, type Db } from 'mongodb';
import { newLockOwner, SchedulerLock, type Lease } from './scheduler-lock.js';

export const LOCK_COLLECTION = 'scheduler_lock';

/** A lease document: who holds `_id` until when. */
export interface LockDocument {
  _id: string;
  owner: string;
  expireAt: Date;
}

export interface MongoLockOptions {
  owner?: string;
  /** How often the owner deletes expired leases itself when the server has no TTL index. */
  sweepIntervalMs?: number;
  /** Where the one-time TTL fallback warning goes (the Nest logger in the portal). */
  warn?: (message: string) => void;
}

const DUPLICATE_KEY = 11000;
const NOT_IMPLEMENTED = 238;

/**
 * Lease lock in the `scheduler_lock` collection. One conditional update takes a free, expired or
 * own lease; when the key is held by someone else the upsert collides on `_id` (E11000) and the
 * answer is "held". Expired leases are removed by a TTL index, or, on servers without TTL indexes
 * (FerretDB v1), by the owner's own sweep; neither is needed for correctness.
 */
export class MongoSchedulerLock extends SchedulerLock {
  readonly driver = 'mongo';
  readonly owner: string;
  private collectionPromise?: Promise<Collection<LockDocument>>;
  private indexes?: Promise<void>;
  private sweeper?: NodeJS.Timeout;
  private sweeping?: Promise<unknown>;

  /** `db` may be a function that connects on first use, so a MongoDB outage does not stop start-up. */
  constructor(
    private readonly db: Db | (() => Promise<Db>),
    private readonly options: MongoLockOptions = {},
  ) {
    super();
    this.owner = options.owner ?? newLockOwner();
  }

  private collection(): Promise<Collection<LockDocument>> {
    const { db } = this;
    this.collectionPromise ??= (typeof db === 'function' ? db() : Promise.resolve(db)).then(
      (database) => database.collection<LockDocument>(LOCK_COLLECTION),
      (error: unknown) => {
        this.collectionPromise = undefined;
        throw error;
      },
    );
    return this.collectionPromise;
  }

  async acquire(key: string, leaseMs: number): Promise<Lease | null> {
    await this.ensureIndexes();
    const collection = await this.collection();
    const now = new Date();
    try {
      await collection.findOneAndUpdate(
        { _id: key, $or: [{ expireAt: { $lte: now } }, { owner: this.owner }] },
        { $set: { owner: this.owner, expireAt: new Date(now.getTime() + leaseMs) } },
        { upsert: true },
      );
    } catch (error) {
      if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) return null;
      throw error;
    }
    return this.lease(collection, key, leaseMs);
  }

  /** Deletes leases that expired; what the TTL monitor does where it exists. */
  async sweep(): Promise<number> {
    const collection = await this.collection();
    const result = await collection.deleteMany({ expireAt: { $lt: new Date() } });
    return result.deletedCount;
  }

  async close(): Promise<void> {
    if (this.sweeper !== undefined) clearInterval(this.sweeper);
    this.sweeper = undefined;
    await this.sweeping;
  }

  /** Creates the indexes once per instance (concurrent callers share the attempt). */
  ensureIndexes(): Promise<void> {
    this.indexes ??= this.createIndexes().catch((error: unknown) => {
      this.indexes = undefined;
      throw error;
    });
    return this.indexes;
  }

  private async createIndexes(): Promise<void> {
    const collection = await this.collection();
    try {
      // Serves the server's TTL monitor (deletes documents with expireAt <= now) and the
      // fallback sweep `deleteMany({ expireAt: { $lt: now } })`. Acquire, renew and release
      // query by _id (the built-in index).
      await collection.createIndex({ expireAt: 1 }, { name: 'ttl_expire_at', expireAfterSeconds: 0 });
    } catch (error) {
      if (!(error instanceof MongoServerError && error.code === NOT_IMPLEMENTED)) throw error;
      this.options.warn?.(
        `${LOCK_COLLECTION}: this MongoDB server does not implement TTL indexes (${error.message}); ` +
          'expired leases are not removed by the server, so each portal instance deletes them itself ' +
          `every ${this.sweepIntervalMs()} ms (locking stays correct: expired leases are free to take)`,
      );
      // Serves the fallback sweep `deleteMany({ expireAt: { $lt: now } })`.
      await collection.createIndex({ expireAt: 1 }, { name: 'ix_expire_at' });
      this.startSweeper();
    }
  }

  private sweepIntervalMs(): number {
    return this.options.sweepIntervalMs ?? 60_000;
  }

  private startSweeper(): void {
    this.sweeper = setInterval(() => {
      if (this.sweeping !== undefined) return;
      this.sweeping = this.sweep()
        .catch((error: unknown) => this.options.warn?.(`${LOCK_COLLECTION}: sweep failed: ${String(error)}`))
        .finally(() => (this.sweeping = undefined));
    }, this.sweepIntervalMs());
    this.sweeper.unref();
  }

  private lease(collection: Collection<LockDocument>, key: string, leaseMs: number): Lease {
    const { owner } = this;
    return {
      key,
      async renew() {
        const result = await collection.updateOne(
          { _id: key, owner },
          { $set: { expireAt: new Date(Date.now() + leaseMs) } },
        );
        return result.matchedCount === 1;
      },
      async release() {
        await collection.deleteOne({ _id: key, owner });
      },
    };
  }
}
