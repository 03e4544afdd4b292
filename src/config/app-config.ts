import { isAbsolute, resolve } from 'node:path';
import { ConfigError, loadConfig } from './config.loader.js';
import { envShortcuts, foreignSections, superconfSchema, type SuperConf } from './superconf.schema.js';

/** The validated configuration of this portal process; the only place that reads process.env. */
export class AppConfig {
  constructor(
    readonly values: SuperConf,
    readonly path: string | null,
    readonly foreign: Record<string, unknown> = {},
  ) {}

  static load(env: Record<string, string | undefined> = process.env): AppConfig {
    const loaded = loadConfig<SuperConf>(superconfSchema, {
      env,
      shortcuts: envShortcuts,
      foreignSections,
    });
    const config = new AppConfig(loaded.config, loaded.path, loaded.foreign);
    config.checkCombinations();
    return config;
  }

  get dataDir(): string {
    const dir = this.values.server.dataDir;
    return isAbsolute(dir) ? dir : resolve(dir);
  }

  /** Public base URL without a trailing slash. */
  get baseUrl(): string {
    const { baseUrl, host, port } = this.values.server;
    if (baseUrl) return baseUrl.replace(/\/+$/, '');
    const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
    return `http://${shownHost}:${port}`;
  }

  /** Rules that span keys, reported the same way as single-key errors. */
  private checkCombinations(): void {
    const { lock, mongo } = this.values;
    if (lock.driver === 'mongo' && !mongo.enabled) {
      throw new ConfigError('superconf: lock.driver: "mongo" needs mongo.enabled=true');
    }
  }
}

export { ConfigError };
