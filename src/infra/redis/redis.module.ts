import { Module } from '@nestjs/common';
import { RedisConnection } from './redis-connection.js';

/** Redis access (the redlock scheduler lock). */
@Module({ providers: [RedisConnection], exports: [RedisConnection] })
export class RedisModule {}
