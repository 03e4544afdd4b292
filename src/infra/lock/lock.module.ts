import { Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { MongoConnection } from '../mongo/mongo-connection.js';
import { MongoModule } from '../mongo/mongo.module.js';
import { RedisConnection } from '../redis/redis-connection.js';
import { RedisModule } from '../redis/redis.module.js';
import { LocalSchedulerLock } from './local-lock.js';
import { MongoSchedulerLock } from './mongo-lock.js';
import { RedisSchedulerLock } from './redis-lock.js';
import { SchedulerLock } from './scheduler-lock.js';

async function createSchedulerLock(
  config: AppConfig,
  mongo: MongoConnection,
  redis: RedisConnection,
): Promise<SchedulerLock> {
  const logger = new Logger(SchedulerLock.name);
  const driver = config.values.lock.driver;
  switch (driver) {
    case 'local':
      return new LocalSchedulerLock();
    case 'mongo': {
      const lock = new MongoSchedulerLock(() => mongo.db(), {
        warn: (message) => logger.warn(message),
        sweepIntervalMs: config.values.lock.leaseMs,
      });
      // Early, so a misconfiguration shows at start; acquire() retries it when MongoDB was down.
      await lock.ensureIndexes().catch((error: unknown) => logger.error(`MongoDB lock: ${String(error)}`));
      return lock;
    }
    case 'redis':
      return new RedisSchedulerLock(redis.client(), {
        keyPrefix: `${redis.keyPrefix}lock:`,
        onError: (error) => logger.warn(`redlock: ${error.message}`),
      });
  }
}

/** Closes the lock's background work on shutdown (before the connections it uses close). */
class SchedulerLockCloser implements OnApplicationShutdown {
  constructor(private readonly lock: SchedulerLock) {}

  async onApplicationShutdown(): Promise<void> {
    await this.lock.close();
  }
}

/** The scheduler lock chosen by `lock.driver`. */
@Module({
  imports: [MongoModule, RedisModule],
  providers: [
    {
      provide: SchedulerLock,
      inject: [AppConfig, MongoConnection, RedisConnection],
      useFactory: createSchedulerLock,
    },
    {
      provide: SchedulerLockCloser,
      inject: [SchedulerLock],
      useFactory: (lock: SchedulerLock) => new SchedulerLockCloser(lock),
    },
  ],
  exports: [SchedulerLock],
})
export class LockModule {}
