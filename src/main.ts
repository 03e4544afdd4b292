import { Logger } from '@nestjs/common';
import { AppConfig, ConfigError } from './config/app-config.js';
import { createPortal } from './portal.js';

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = AppConfig.load();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const app = await createPortal(config);
  const { host, port } = config.values.server;
  await app.listen(port, host);
  new Logger('Portal').log(`Meshcron is up at ${config.baseUrl} (config: ${config.path ?? 'built-in defaults'})`);
}

await main();
