/**
 * Worker thread of SqliteCheckpointer: its own connection to the portal's SQLite file, copying the
 * write-ahead log into the database every `intervalMs` (PASSIVE: never blocks a writer, skips what
 * a reader still needs). The fsync of the database file happens here, off the portal's event loop.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

interface Options {
  file: string;
  intervalMs: number;
}

const { file, intervalMs } = workerData as Options;
const db = new Database(file, { fileMustExist: true });
db.pragma('busy_timeout = 10000');

function checkpoint(): void {
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
    parentPort?.postMessage({ kind: 'done', pages: result.checkpointed, log: result.log });
  } catch (error) {
    parentPort?.postMessage({ kind: 'error', message: (error as Error).message });
  }
}

const timer = setInterval(checkpoint, intervalMs);
parentPort?.on('message', (message: unknown) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort?.close();
});
