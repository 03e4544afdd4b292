import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { MongoClient, type Db } from 'mongodb';
import { AppConfig } from '../../config/app-config.js';

export interface MongoSettings {
  url: string;
  database: string;
  username: string;
  password: string;
}

/** A client for the `mongo` config section; credentials are passed apart from the URL. */
export function createMongoClient(settings: MongoSettings): MongoClient {
  return new MongoClient(settings.url, {
    serverSelectionTimeoutMS: 5000,
    connectTimeoutMS: 5000,
    auth: settings.username ? { username: settings.username, password: settings.password } : undefined,
  });
}

/**
 * The portal's one MongoDB connection (job logs, scheduler lock). It connects on first use, so an
 * instance that does not need MongoDB never opens it, and closes on shutdown.
 */
@Injectable()
export class MongoConnection implements OnApplicationShutdown {
  private readonly logger = new Logger(MongoConnection.name);
  private connecting?: Promise<MongoClient>;

  constructor(private readonly config: AppConfig) {}

  get enabled(): boolean {
    return this.config.values.mongo.enabled;
  }

  /** The configured database; fails when mongo.enabled is false or the server cannot be reached. */
  async db(): Promise<Db> {
    const client = await this.client();
    return client.db(this.config.values.mongo.database);
  }

  private client(): Promise<MongoClient> {
    if (!this.enabled) return Promise.reject(new Error('MongoDB is not enabled (mongo.enabled=false)'));
    this.connecting ??= this.connect();
    return this.connecting;
  }

  private async connect(): Promise<MongoClient> {
    const client = createMongoClient(this.config.values.mongo);
    try {
      await client.connect();
    } catch (error) {
      this.connecting = undefined;
      throw error;
    }
    this.logger.log(`connected to MongoDB database ${this.config.values.mongo.database}`);
    return client;
  }

  async onApplicationShutdown(): Promise<void> {
    const connecting = this.connecting;
    this.connecting = undefined;
    if (connecting === undefined) return;
    const client = await connecting.catch(() => null);
    await client?.close();
  }
}
