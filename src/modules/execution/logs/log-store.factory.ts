import { Logger } from '@nestjs/common';
import { AppConfig } from '../../../config/app-config.js';
import { MongoConnection } from '../../../infra/mongo/mongo-connection.js';
import { LogStore } from './log-store.js';
import { MongoLogStore } from './mongo-log-store.js';
import { RunLogKeys } from './run-log-keys.js';
import { SqlLogStore } from './sql-log-store.js';

export const LOG_STORE_DEPENDENCIES = [AppConfig, SqlLogStore, MongoConnection, RunLogKeys];

/** MongoDB job_logs when mongo.enabled, else the SQL table job_log (the embedded default). */
export function createLogStore(
  config: AppConfig,
  sql: SqlLogStore,
  mongo: MongoConnection,
  keys: RunLogKeys,
): LogStore {
  if (!config.values.mongo.enabled) return sql;
  const logger = new Logger(MongoLogStore.name);
  return new MongoLogStore(() => mongo.db(), keys, {
    retentionDays: config.values.log.retentionDays,
    warn: (message) => logger.warn(message),
  });
}
