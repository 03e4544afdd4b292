import { ConfigError, isNodeEnvName, loadConfig } from './config.js';
import { ExecNode } from './exec-node.js';
import { createLogger, errorText } from './logger.js';

/** Entry point: `node dist/src/main.js`. Exit code 2 = bad configuration, 1 = failed to start. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env, process.cwd());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`exec-node: config error: ${error.message}\n`);
    process.exit(2);
  }
  const logger = createLogger('exec-node', config.logLevel);
  const node = await ExecNode.start(config, jobBaseEnv(process.env), logger);
  const onSignal = (signal: NodeJS.Signals): void => {
    logger.notice(`${signal} received`);
    node.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error(`shutdown failed: ${errorText(error)}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}

/** The node's own environment minus its settings and secrets: jobs never see the tokens. */
function jobBaseEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const base: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined && !isNodeEnvName(name)) base[name] = value;
  return base;
}

main().catch((error: unknown) => {
  process.stderr.write(`exec-node: failed to start: ${errorText(error)}\n`);
  process.exit(1);
});
