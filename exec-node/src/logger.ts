/** Plain one-line-per-event logger on stdout/stderr; callers never pass secrets. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** The node's own start and stop: written at every level (the start line says where the node listens). */
  notice(message: string): void;
  child(component: string): Logger;
}

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export function createLogger(component: string, minimum: LogLevel = 'info'): Logger {
  const line = (label: string, message: string) => `${new Date().toISOString()} ${label} [${component}] ${message}\n`;
  const write = (level: LogLevel, message: string): void => {
    if (ORDER[level] < ORDER[minimum]) return;
    const text = line(level.toUpperCase(), message);
    if (ORDER[level] >= ORDER.warn) process.stderr.write(text);
    else process.stdout.write(text);
  };
  return {
    debug: (message) => write('debug', message),
    info: (message) => write('info', message),
    warn: (message) => write('warn', message),
    error: (message) => write('error', message),
    notice: (message) => process.stdout.write(line('NOTICE', message)),
    child: (name) => createLogger(`${component}.${name}`, minimum),
  };
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
