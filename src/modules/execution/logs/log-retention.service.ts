import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { LogStore } from './log-store.js';

const FIRST_SWEEP_MS = 30_000;
const SWEEP_EVERY_MS = 10 * 60_000;

/**
 * Prepares the log store at start (indexes) and deletes lines past log.retentionDays every ten
 * minutes where the database does not do it itself (SQL job_log; Mongo without TTL indexes).
 */
@Injectable()
export class LogRetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LogRetentionService.name);
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;

  constructor(private readonly logs: LogStore) {}

  async onApplicationBootstrap(): Promise<void> {
    // A store that cannot prepare now (MongoDB down) retries on first use; start-up goes on.
    await this.logs.prepare().catch((error: unknown) => this.logger.error(`log store: ${String(error)}`));
    this.timer = setTimeout(() => this.tick(), FIRST_SWEEP_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.sweeping;
  }

  private tick(): void {
    this.sweeping = this.logs
      .sweepExpired(new Date())
      .then((deleted) => {
        if (deleted > 0) this.logger.log(`deleted ${deleted} job log lines past retention`);
      })
      .catch((error: unknown) => this.logger.warn(`job log retention sweep failed: ${String(error)}`))
      .finally(() => {
        this.sweeping = undefined;
        if (this.timer === undefined) return;
        this.timer = setTimeout(() => this.tick(), SWEEP_EVERY_MS);
        this.timer.unref();
      });
  }
}
