import electronLog from 'electron-log/node';
import { redactValue } from './log-redaction';

/**
 * The logger every main-process module takes as an argument. Plain Node: modules that log never
 * import electron or electron-log, and tests pass a recording or silent logger.
 */
export interface Logger {
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** Wraps any logger so that every argument goes through the redactor first. */
export function withRedaction(sink: Logger): Logger {
  const forward =
    (level: LogLevel) =>
    (...args: unknown[]): void =>
      sink[level](...args.map((arg) => redactValue(arg)));
  return { debug: forward('debug'), info: forward('info'), warn: forward('warn'), error: forward('error') };
}

export interface FileLoggerOptions {
  /** Absolute path of the log file (in the app: `app.getPath('logs')/main.log`). */
  filePath: string;
  /** Lowest level written to the file. */
  level?: LogLevel;
  /** Also write to stdout/stderr (development). */
  console?: boolean;
}

/**
 * The app's logger: electron-log's Node flavour writing to one file, with redaction installed as a
 * hook so that it applies to every message and every transport, whoever calls electron-log.
 * `electron-log/node` rather than `electron-log/main`: the main flavour listens on an IPC channel
 * any renderer could write to, and this app's renderers have nothing to log.
 */
export function createFileLogger(options: FileLoggerOptions): Logger {
  const log = electronLog.create({ logId: 'latchkey' });
  log.transports.file.resolvePathFn = () => options.filePath;
  log.transports.file.level = options.level ?? 'info';
  log.transports.file.maxSize = 2 * 1024 * 1024;
  log.transports.console.level = options.console ? (options.level ?? 'info') : false;
  // Nothing leaves through IPC or HTTP (a created logger may lack these transports altogether).
  for (const name of ['ipc', 'remote'] as const) {
    const transport = (log.transports as Partial<typeof log.transports>)[name];
    if (transport) transport.level = false;
  }
  log.hooks.push((message) => ({ ...message, data: message.data.map((item) => redactValue(item)) }));
  return {
    debug: (...args) => log.debug(...args),
    info: (...args) => log.info(...args),
    warn: (...args) => log.warn(...args),
    error: (...args) => log.error(...args),
  };
}
