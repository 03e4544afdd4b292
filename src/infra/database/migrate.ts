import Database from 'better-sqlite3';
import type { DataSource } from 'typeorm';

/**
 * Runs pending migrations while holding a cross-process lock, so that of several portal instances
 * starting together exactly one migrates and the others wait, then find nothing left to do.
 */
export async function migrateWithLock(dataSource: DataSource, timeoutSeconds = 300): Promise<string[]> {
  const release = await acquireMigrationLock(dataSource, timeoutSeconds);
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await release();
  }
}

async function acquireMigrationLock(dataSource: DataSource, timeoutSeconds: number): Promise<() => Promise<void>> {
  if (dataSource.options.type === 'mysql' || dataSource.options.type === 'mariadb')
    return mysqlLock(dataSource, timeoutSeconds);
  if (dataSource.options.type === 'better-sqlite3')
    return sqliteLock(String(dataSource.options.database), timeoutSeconds);
  throw new Error(`no migration lock for driver ${dataSource.options.type}`);
}

async function mysqlLock(dataSource: DataSource, timeoutSeconds: number) {
  // GET_LOCK belongs to one connection: keep a dedicated query runner for the whole migration.
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  const rows = (await runner.query('SELECT GET_LOCK(?, ?) AS acquired', ['meshcron_migrate', timeoutSeconds])) as {
    acquired: number | string | null;
  }[];
  if (Number(rows[0]?.acquired) !== 1) {
    await runner.release();
    throw new Error(`could not take the migration lock within ${timeoutSeconds} s`);
  }
  return async () => {
    try {
      await runner.query('SELECT RELEASE_LOCK(?)', ['meshcron_migrate']);
    } finally {
      await runner.release();
    }
  };
}

async function sqliteLock(file: string, timeoutSeconds: number) {
  if (file === ':memory:') return () => Promise.resolve();
  // An exclusive transaction on a side file is a cross-process mutex that the OS frees if we crash.
  // Poll without a busy timeout so waiting never blocks the event loop (instances may share a process).
  const lock = new Database(`${file}.migrate-lock`, { timeout: 0 });
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    try {
      lock.exec('BEGIN EXCLUSIVE');
      break;
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > deadline) {
        lock.close();
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return () => {
    lock.exec('COMMIT');
    lock.close();
    return Promise.resolve();
  };
}
