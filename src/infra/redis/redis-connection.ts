import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { AppConfig } from '../../config/app-config.js';

export interface RedisSettings {
  host: string;
  port: number;
  password: string;
  db: number;
}

/** A client for the `redis` config section that fails commands fast instead of queueing them forever. */
export function createRedisClient(settings: RedisSettings): Redis {
  return new Redis({
    host: settings.host,
    port: settings.port,
    password: settings.password || undefined,
    db: settings.db,
    lazyConnect: true,
    connectTimeout: 5000,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
}

/** The portal's one Redis connection (redlock); connects on first use, quits on shutdown. */
@Injectable()
export class RedisConnection implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisConnection.name);
  private redis?: Redis;

  constructor(private readonly config: AppConfig) {}

  /** Every key the portal writes starts with this (redis.keyPrefix). */
  get keyPrefix(): string {
    return this.config.values.redis.keyPrefix;
  }

  client(): Redis {
    if (this.redis === undefined) {
      const redis = createRedisClient(this.config.values.redis);
      redis.on('error', (error: Error) => this.logger.warn(`Redis: ${error.message}`));
      this.redis = redis;
    }
    return this.redis;
  }

  async onApplicationShutdown(): Promise<void> {
    const redis = this.redis;
    this.redis = undefined;
    if (redis === undefined || redis.status === 'wait' || redis.status === 'end') return;
    await redis.quit().catch(() => redis.disconnect());
  }
}
