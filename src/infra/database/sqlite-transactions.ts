import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * TypeORM's better-sqlite3 driver has one connection: two transactions started concurrently would
 * nest (the second becomes a SAVEPOINT inside the first, and one's rollback can undo the other).
 * This queues top-level transactions so they run one after another; a transaction started from
 * inside another (same async context) still nests, as it would have anyway, instead of deadlocking.
 */
export function serializeSqliteTransactions(dataSource: DataSource): void {
  if (dataSource.options.type !== 'better-sqlite3') return;
  const manager: EntityManager = dataSource.manager;
  const original = manager.transaction.bind(manager) as (...args: unknown[]) => Promise<unknown>;
  const inside = new AsyncLocalStorage<true>();
  let tail: Promise<unknown> = Promise.resolve();
  const queued = (...args: unknown[]): Promise<unknown> => {
    if (inside.getStore()) return original(...args);
    const run = tail.then(() => inside.run(true, () => original(...args)));
    tail = run.catch(() => undefined);
    return run;
  };
  manager.transaction = queued;
}
