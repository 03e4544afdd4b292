/** Plain one-line-per-event logger on stdout/stderr; callers never pass secrets. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  child(component: string): Logger;
}

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export function createLogger(component: string, minimum: LogLevel = 'info'): Logger {
  const write = (level: LogLevel, message: string): void => {
    if (ORDER[level] < ORDER[minimum]) return;
    const line = `${new Date().toISOString()} ${level.toUpperCase()} [${component}] ${message}\n`;
    if (ORDER[level] >= ORDER.warn) process.stderr.write(line);
    else process.stdout.write(line);
  };
  return {
    debug: (message) => write('debug', message),
    info: (message) => write('info', message),
    warn: (message) => write('warn', message),
    error: (message) => write('error', message),
    child: (name) => createLogger(`${component}.${name}`, minimum),
  };
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
