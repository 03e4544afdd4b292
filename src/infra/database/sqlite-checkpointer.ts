import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Worker } from 'node:worker_threads';
import type { DataSource } from 'typeorm';

/** How often the worker copies the write-ahead log into the database file. */
export const CHECKPOINT_INTERVAL_MS = 1000;
/**
 * WAL pages after which a commit checkpoints by itself: only a safety net for when the worker is
 * gone (SQLite's default is 1000, which made one commit in ~35 pay a checkpoint and its fsync).
 */
export const AUTO_CHECKPOINT_PAGES = 20_000;

/**
 * Moves SQLite's WAL checkpoints off the commit path. With the default auto-checkpoint, the
 * commit that crosses 1000 WAL pages copies them into the database and fsyncs it, inside the
 * engine's serialised transactions and on the event loop: a few ms to hundreds of ms, every few
 * dozen commits. Here a worker thread with its own connection checkpoints once a second instead.
 */
@Injectable()
export class SqliteCheckpointer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SqliteCheckpointer.name);
  private worker: Worker | null = null;
  private errorLogged = false;
  /** Checkpoints run, and the WAL pages and pages copied at the last one (health and tests). */
  readonly stats = { runs: 0, walPages: 0, checkpointedPages: 0 };

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  onApplicationBootstrap(): void {
    if (this.dataSource.options.type !== 'better-sqlite3') return;
    const file = this.dataSource.options.database;
    if (typeof file !== 'string' || file === ':memory:') return;
    const worker = new Worker(new URL('./sqlite-checkpoint.worker.js', import.meta.url), {
      workerData: { file, intervalMs: CHECKPOINT_INTERVAL_MS },
    });
    worker.unref();
    worker.on('message', (message: { kind: string; pages?: number; log?: number; message?: string }) => {
      if (message.kind === 'done') {
        this.stats.runs += 1;
        this.stats.walPages = message.log ?? 0;
        this.stats.checkpointedPages = message.pages ?? 0;
      } else if (!this.errorLogged) {
        this.errorLogged = true;
        this.logger.warn(`WAL checkpoint failed (commits will checkpoint themselves): ${message.message ?? ''}`);
      }
    });
    worker.on('error', (error) => this.logger.warn(`WAL checkpoint worker stopped: ${error.message}`));
    this.worker = worker;
  }

  async onApplicationShutdown(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = null;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage('stop');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000).unref())]);
    await worker.terminate();
  }
}
