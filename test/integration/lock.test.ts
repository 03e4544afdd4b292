import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { MongoClient, type Db } from 'mongodb';
import type { Redis } from 'ioredis';
import { LeaseKeeper } from '../../src/infra/lock/lease-keeper.js';
import { LocalLeaseTable, LocalSchedulerLock } from '../../src/infra/lock/local-lock.js';
import { LOCK_COLLECTION, MongoSchedulerLock } from '../../src/infra/lock/mongo-lock.js';
import { RedisSchedulerLock } from '../../src/infra/lock/redis-lock.js';
import type { SchedulerLock } from '../../src/infra/lock/scheduler-lock.js';
import { createRedisClient } from '../../src/infra/redis/redis-connection.js';
import {
  createTestMongoDatabase,
  redisConfig,
  redisKeyPrefix,
  uniqueName,
  type TestMongoDatabase,
} from '../support/services.js';

interface LockBackend {
  /** A lock with its own owner identity, on the shared backend. */
  newOwner(): SchedulerLock;
}

const key = () => uniqueName('dispatch');

/** The lease rules every driver must keep. */
function lockContract(setup: () => LockBackend): void {
  it('lets only one owner hold a key, even when many ask at once', async () => {
    const backend = setup();
    const k = key();
    const contenders = Array.from({ length: 8 }, () => backend.newOwner());
    const leases = await Promise.all(contenders.map((lock) => lock.acquire(k, 5000)));
    assert.equal(leases.filter((lease) => lease !== null).length, 1);
    const holder = leases.find((lease) => lease !== null)!;
    assert.equal(await backend.newOwner().acquire(k, 5000), null, 'a later owner is refused too');
    await holder.release();
    assert.notEqual(await backend.newOwner().acquire(k, 5000), null, 'free again after release');
  });

  it('keeps different keys independent', async () => {
    const backend = setup();
    const [a, b] = [backend.newOwner(), backend.newOwner()];
    assert.notEqual(await a.acquire(key(), 5000), null);
    assert.notEqual(await b.acquire(key(), 5000), null);
  });

  it('lets another owner in once the lease has expired, and tells the old holder it lost it', async () => {
    const backend = setup();
    const [a, b] = [backend.newOwner(), backend.newOwner()];
    const k = key();
    const first = await a.acquire(k, 300);
    assert.notEqual(first, null);
    assert.equal(await b.acquire(k, 300), null);
    await sleep(450);
    const second = await b.acquire(k, 5000);
    assert.notEqual(second, null, 'expired lease is free to take');
    assert.equal(await first!.renew(), false, 'the old holder cannot renew a lease it lost');
  });

  it('releases only for the owner', async () => {
    const backend = setup();
    const [a, b, c] = [backend.newOwner(), backend.newOwner(), backend.newOwner()];
    const k = key();
    const stale = await a.acquire(k, 300);
    await sleep(450);
    const current = await b.acquire(k, 5000);
    assert.notEqual(current, null);
    await stale!.release();
    assert.equal(await c.acquire(k, 5000), null, "the old holder's release must not free B's lease");
    await current!.release();
    assert.notEqual(await c.acquire(k, 5000), null);
  });

  it('keeps the lease while it is renewed at half the lease, beyond its first expiry', async () => {
    const backend = setup();
    const [a, b] = [backend.newOwner(), backend.newOwner()];
    const k = key();
    const lease = await a.acquire(k, 400);
    const keeper = new LeaseKeeper(lease!, 400);
    try {
      const until = Date.now() + 1500;
      while (Date.now() < until) {
        assert.equal(await b.acquire(k, 400), null, 'held while renewed');
        await sleep(100);
      }
      assert.equal(keeper.lost, false);
    } finally {
      await keeper.release();
    }
    assert.notEqual(await b.acquire(k, 400), null, 'free after release');
  });
}

describe('scheduler lock: local driver', () => {
  lockContract(() => {
    const table = new LocalLeaseTable();
    return { newOwner: () => new LocalSchedulerLock(table) };
  });
});

describe('scheduler lock: mongo driver (FerretDB)', () => {
  let database: TestMongoDatabase;
  let client: MongoClient;
  let db: Db;
  const locks: SchedulerLock[] = [];
  const newLock = (options: ConstructorParameters<typeof MongoSchedulerLock>[1] = {}) => {
    const lock = new MongoSchedulerLock(db, options);
    locks.push(lock);
    return lock;
  };

  before(async () => {
    database = await createTestMongoDatabase('mc_lock');
    client = await MongoClient.connect(database.url, { serverSelectionTimeoutMS: 5000 });
    db = client.db(database.name);
  });
  after(async () => {
    for (const lock of locks) await lock.close();
    await client.close();
    await database.drop();
  });

  lockContract(() => ({ newOwner: () => newLock() }));

  it('stores a lease as {_id: key, owner, expireAt} and removes it on release', async () => {
    const lock = newLock();
    const k = key();
    const before = Date.now();
    const lease = await lock.acquire(k, 10_000);
    const document = await db.collection(LOCK_COLLECTION).findOne({ _id: k as never });
    assert.equal(document?.owner, lock.owner);
    const expireAt = (document?.expireAt as Date).getTime();
    assert.ok(expireAt >= before + 10_000 && expireAt <= Date.now() + 10_000, `expireAt ${expireAt}`);
    await lease!.release();
    assert.equal(await db.collection(LOCK_COLLECTION).countDocuments({ _id: k as never }), 0);
  });

  it('falls back to a plain index and its own sweep when TTL indexes are not implemented, warning once', async () => {
    const warnings: string[] = [];
    const lock = newLock({ warn: (message) => warnings.push(message), sweepIntervalMs: 200 });
    for (let i = 0; i < 3; i++) await lock.acquire(key(), 5000);
    await lock.ensureIndexes();
    const indexes = await db.collection(LOCK_COLLECTION).indexes();
    const onExpireAt = indexes.filter((index) => Object.keys(index.key).join() === 'expireAt');
    assert.equal(onExpireAt.length, 1, JSON.stringify(indexes));
    if (onExpireAt[0].expireAfterSeconds === 0) {
      assert.deepEqual(warnings, [], 'a server with TTL indexes needs no fallback');
      return;
    }
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0], /does not implement TTL indexes/);
    assert.match(warnings[0], /deletes them itself/);

    const expiring = key();
    const live = key();
    await lock.acquire(expiring, 100);
    await lock.acquire(live, 60_000);
    await sleep(700);
    const collection = db.collection(LOCK_COLLECTION);
    assert.equal(await collection.countDocuments({ _id: expiring as never }), 0, 'expired lease swept');
    assert.equal(await collection.countDocuments({ _id: live as never }), 1, 'live lease kept');
    assert.equal(warnings.length, 1, 'still one warning after sweeping');
  });
});

describe('scheduler lock: redis driver (redlock)', () => {
  let clients: Redis[] = [];
  const prefix = redisKeyPrefix('mc_lock');

  before(() => {
    clients = [0, 1].map(() => createRedisClient({ ...redisConfig(), db: 0 }));
  });
  after(async () => {
    for (const client of clients) {
      const keys = await client.keys(`${prefix}*`);
      if (keys.length > 0) await client.del(...keys);
      await client.quit();
    }
  });

  let turn = 0;
  lockContract(() => ({
    // Owners alternate between two connections, as two portal instances would.
    newOwner: () => new RedisSchedulerLock(clients[turn++ % 2], { keyPrefix: prefix }),
  }));

  it('writes its keys under the configured prefix with the lease as TTL', async () => {
    const lock = new RedisSchedulerLock(clients[0], { keyPrefix: prefix });
    const k = key();
    const lease = await lock.acquire(k, 10_000);
    const ttl = await clients[0].pttl(`${prefix}${k}`);
    assert.ok(ttl > 9000 && ttl <= 10_000, `pttl ${ttl}`);
    await lease!.release();
    assert.equal(await clients[0].exists(`${prefix}${k}`), 0);
  });

  it('throws, rather than answering "held", when Redis cannot be reached', async () => {
    const unreachable = createRedisClient({ ...redisConfig(), port: 1, db: 0 });
    unreachable.on('error', () => undefined);
    try {
      const lock = new RedisSchedulerLock(unreachable, { keyPrefix: prefix });
      await assert.rejects(lock.acquire(key(), 1000));
    } finally {
      unreachable.disconnect();
    }
  });
});
