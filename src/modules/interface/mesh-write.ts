import type { DataSource, EntityManager } from 'typeorm';
import { AppException } from '../../common/http/app.exception.js';

const MESH_LOCK = 'meshcron.mesh';
const LOCK_WAIT_SECONDS = 30;

let tail: Promise<unknown> = Promise.resolve();

function isMysql(dataSource: DataSource): boolean {
  return dataSource.options.type === 'mysql' || dataSource.options.type === 'mariadb';
}

/**
 * Runs one definitions write (interfaces, jobs, their edges) in one transaction, one at a time.
 * A cycle check reads the whole mesh and then writes an edge; two of them interleaved could each
 * close half a cycle. So writes queue in this process (which is also what keeps TypeORM's single
 * SQLite connection from nesting two transactions into each other), and on MySQL/MariaDB a named
 * lock serialises them across portal instances.
 */
export function meshTransaction<T>(dataSource: DataSource, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  const run = tail.then(() => runLocked(dataSource, work));
  tail = run.catch(() => undefined);
  return run;
}

async function runLocked<T>(dataSource: DataSource, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  const runner = dataSource.createQueryRunner();
  const mysql = isMysql(dataSource);
  try {
    if (mysql) {
      const rows = (await runner.query('SELECT GET_LOCK(?, ?) AS got', [MESH_LOCK, LOCK_WAIT_SECONDS])) as {
        got: number | string | null;
      }[];
      if (Number(rows[0]?.got) !== 1) {
        throw new AppException('UNAVAILABLE', 'another change to the mesh is in progress; try again');
      }
    }
    try {
      await runner.startTransaction();
      try {
        const result = await work(runner.manager);
        await runner.commitTransaction();
        return result;
      } catch (error) {
        await runner.rollbackTransaction();
        throw error;
      }
    } finally {
      if (mysql) await runner.query('SELECT RELEASE_LOCK(?)', [MESH_LOCK]);
    }
  } finally {
    await runner.release();
  }
}

/** Whether a database error is a unique-key violation (MySQL/MariaDB or SQLite). */
export function isUniqueViolation(error: unknown): boolean {
  const candidate = error as { code?: string; driverError?: { code?: string }; message?: string };
  const code = candidate.driverError?.code ?? candidate.code;
  return (
    code === 'ER_DUP_ENTRY' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    /UNIQUE constraint failed|Duplicate entry/.test(candidate.message ?? '')
  );
}

/** Splits ids into chunks small enough for any driver's bound-parameter limit. */
export function chunks<T>(values: readonly T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let index = 0; index < values.length; index += size) out.push(values.slice(index, index + size));
  return out;
}
