import { Module } from '@nestjs/common';
import { MongoConnection } from './mongo-connection.js';

/** MongoDB access for the modules that use it (scheduler lock, job logs). */
@Module({ providers: [MongoConnection], exports: [MongoConnection] })
export class MongoModule {}
