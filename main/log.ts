import { formatWithOptions } from 'node:util';
import electronLog from 'electron-log/node';

/**
 * Logging and its redaction, one concept: every main-process module takes a Logger as an argument,
 * and whatever reaches the log file has been through redactValue first. Plain Node: modules that log
 * never import electron or electron-log, and tests pass a recording or silent logger.
 */

/**
 * The one logger interface: the shell, the IPC layer, the avatar cache and (through createServices)
 * the session all take it. A part that needs only some levels asks for `Pick<Logger, ...>`, so a
 * small test stand-in still fits.
 */
export interface Logger {
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/**
 * Wraps any logger so that what it receives is one redacted line: each argument through redactValue,
 * then the line they make together through redact. Redacting arguments one by one is not enough:
 * `log.info('refresh_token:', value)` pairs a name in one argument with a secret in the next.
 */
export function withRedaction(sink: Logger): Logger {
  const forward =
    (level: LogLevel) =>
    (...args: unknown[]): void =>
      sink[level](redactedLine(args));
  return { debug: forward('debug'), info: forward('info'), warn: forward('warn'), error: forward('error') };
}

/**
 * The log line `args` make, as console.log would join them (util.format: `%s` substitutions, objects
 * inspected on one line), redacted twice: field by field before formatting (a field named
 * `refreshToken` is cut whatever its value looks like), then as text (a name and a value that only
 * meet in the joined line). Never throws.
 */
export function redactedLine(args: readonly unknown[]): string {
  try {
    // Strings stay whole until the line is made: redacting `refresh_token=%s` first would drop the
    // `%s` and leave its argument standing alone after the line.
    const fields = args.map((arg) => (typeof arg === 'string' ? arg : redactValue(arg)));
    return redact(formatWithOptions({ breakLength: Infinity, depth: MAX_DEPTH }, ...fields));
  } catch {
    return UNREADABLE;
  }
}

interface FileLoggerOptions {
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
  log.hooks.push((message) => ({ ...message, data: [redactedLine(message.data)] }));
  return {
    debug: (...args) => log.debug(...args),
    info: (...args) => log.info(...args),
    warn: (...args) => log.warn(...args),
    error: (...args) => log.error(...args),
  };
}

/*
 * Redaction: removes secrets from anything on its way to a log. Tokens, authorization codes and PKCE
 * verifiers must never reach a log file (RFC 9700 §4.2 and §2.6: leaked codes and tokens are
 * replayable; RFC 6749 §10.3 / §10.4: access and refresh tokens are confidential). The log is a file
 * a person may attach to a bug report, so everything that looks like a credential is cut, even when a
 * false positive hides something harmless.
 */

export const REDACTED = '[redacted]';

/**
 * Field names (of objects, Maps) whose value is a secret, compared lower-cased without `_` and `-`:
 * these names exactly, and any name ending in one of the suffixes (`sessionToken`, `clientSecret`,
 * `idTokenHint`, `x-api-key`...).
 */
const SECRET_NAMES = new Set(['authorization', 'authorizationcode', 'authcode', 'tokens', 'setcookie']);
const SECRET_SUFFIXES = [
  'token',
  'tokenhint',
  'secret',
  'password',
  'passwd',
  'passphrase',
  'verifier',
  'assertion',
  'apikey',
  'privatekey',
  'cookie',
];

/**
 * Names that are secrets only when they hold a string that is not constant-like: `code` is also a
 * LatchkeyError code or an errno (`NETWORK`, `ECONNRESET`) and `state` may be a SessionState object;
 * an OAuth authorization code, state or nonce is always a mixed-case random string.
 */
const SECRET_WHEN_STRING = new Set(['code', 'state', 'nonce']);
const CONSTANT_LIKE = /^(?:[A-Z][A-Z0-9_]*|\d{1,3}|true|false|null|undefined)$/;

function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[_-]/g, '');
}

/** Whether a field called `name` holding `value` must be cut from a log. */
function isSecretField(name: string, value: unknown): boolean {
  if (value === undefined || value === null) return false;
  const normalised = normaliseName(name);
  if (SECRET_NAMES.has(normalised) || SECRET_SUFFIXES.some((suffix) => normalised.endsWith(suffix))) {
    return true;
  }
  return SECRET_WHEN_STRING.has(normalised) && typeof value === 'string' && !CONSTANT_LIKE.test(value);
}

/*
 * The same names in text: a name, a separator, a value, in every spelling a log line has shown them
 * in: URLs, form bodies (RFC 6749 §4.1.3, §6; RFC 7009 §2.1 `token=`), JSON, JSON inside a JSON
 * string (`\"name\":\"value\"`), util.inspect output (`name: 'value'`, `'name' => 'value'`),
 * headers (`Name: value`), HTML-escaped (`&quot;`) and percent-encoded (`%22`, `%3D`, `%253D`) text.
 * The name may not continue a longer word (`error_code`), except after a percent escape (`%22code`).
 */
const STRONG_NAME = String.raw`[a-z0-9_-]*?(?:token(?:[_-]?hint)?|secret|password|passwd|passphrase|verifier|assertion|api[_-]?key|private[_-]?key|(?:authori[sz]ation|auth)[_-]?code)`;
const WEAK_NAME = String.raw`code|state|nonce`;
const NAME = String.raw`(?:(?<![a-z0-9_-])|(?<=%(?:25)*[0-9a-f]{2}))(${STRONG_NAME}|${WEAK_NAME})`;
const QUOTE = String.raw`(?:\\*["'\x60]|%(?:25)*2[27]|&quot;|&#39;)`;
const SEPARATOR = String.raw`${QUOTE}?\s*(?:=>|[:=]|%(?:25)*3[ad])\s*`;
/** A value in quotes, which may hold spaces (a password): its content is cut. */
const QUOTED_PAIR = new RegExp(
  String.raw`${NAME}(${SEPARATOR})(?:"((?:[^"\\\r\n]|\\.)*)"|'((?:[^'\\\r\n]|\\.)*)')`,
  'gi',
);
/** Any other value: up to the next delimiter (`&`, a quote, a backslash, a comma, a bracket, space). */
const BARE_PAIR = new RegExp(
  String.raw`${NAME}(${SEPARATOR}${QUOTE}?)(?!\[redacted)([^\s&"'\x60\\,;{}()[\]<>#|]+)`,
  'gi',
);

function isWeakName(name: string): boolean {
  return SECRET_WHEN_STRING.has(name.toLowerCase());
}

/** Keeps `code: NETWORK`, `state: 200` and the like: an OAuth value is never constant-like. */
function keepsValue(name: string, value: string): boolean {
  return value === REDACTED || (isWeakName(name) && CONSTANT_LIKE.test(value));
}

const PATTERNS: ReadonlyArray<[RegExp, string | ((...groups: string[]) => string)]> = [
  // JWS (three parts) and JWE (five parts) compact serialisations: the header always starts `eyJ`.
  [/\beyJ[A-Za-z0-9_-]{2,}(?:\.[A-Za-z0-9_-]*){1,4}/g, '[redacted-jwt]'],
  // Authorization: Bearer/DPoP/Basic credentials (RFC 6750 §2.1, RFC 9449 §7.1).
  [/\b(Bearer|DPoP|Basic)(\s+)[A-Za-z0-9._~+/=-]+/gi, `$1$2${REDACTED}`],
  // Any header-like "Authorization: <value>" or "authorization": "<value>", to the end of the value.
  [
    /\b(authorization|proxy-authorization|cookie|set-cookie)(["']?\s*[:=]\s*["']?)(?!\s*(?:[A-Za-z]+\s+)?\[redacted)[^"'\r\n,}]+/gi,
    `$1$2${REDACTED}`,
  ],
  [
    QUOTED_PAIR,
    (match, name, separator, doubleQuoted, singleQuoted) => {
      const value = doubleQuoted ?? singleQuoted ?? '';
      if (keepsValue(name!, value)) return match;
      const quote = doubleQuoted === undefined ? "'" : '"';
      return `${name}${separator}${quote}${REDACTED}${quote}`;
    },
  ],
  [
    BARE_PAIR,
    (match, name, separator, value) => (keepsValue(name!, value!) ? match : `${name}${separator}${REDACTED}`),
  ],
];

/** Redacts every credential-looking part of a string. Idempotent. */
export function redact(text: string): string {
  let out = text;
  for (const [pattern, replacement] of PATTERNS) {
    out = out.replace(pattern, replacement as (substring: string, ...groups: string[]) => string);
  }
  return out;
}

const MAX_DEPTH = 8;

/** What a value that cannot be read (a throwing getter, a revoked Proxy) is logged as. */
export const UNREADABLE = '[unreadable]';

/**
 * Redacts any value about to be logged: strings by pattern, object fields by name (a field called
 * `refreshToken` is cut whatever its value looks like), errors with their message, stack and cause.
 * Returns a copy; the original is untouched. Cycles and deep nesting are cut off. Never throws: it
 * runs inside every log call (an electron-log hook), often in a catch block, where a throw would
 * turn a logged failure into an unhandled one.
 */
export function redactValue(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === 'string') return redact(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[nested too deep]';
  seen.add(value);
  try {
    return redactObject(value, depth, seen);
  } catch {
    return UNREADABLE;
  }
}

function redactObject(value: object, depth: number, seen: WeakSet<object>): unknown {
  if (value instanceof Error) return redactError(value, depth, seen);
  if (value instanceof URL) return redact(value.href);
  if (value instanceof URLSearchParams) return redact(value.toString());
  if (value instanceof Date) return value;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1, seen));
  if (value instanceof Map) {
    return new Map(
      [...value].map(([k, v]) => [
        k,
        typeof k === 'string' && isSecretField(k, v) ? REDACTED : redactValue(v, depth + 1, seen),
      ]),
    );
  }
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return `[${value.constructor.name}]`;

  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    // defineProperty: an own "__proto__" key (JSON.parse makes those) stays a field of the copy
    // instead of becoming its prototype, where the log would no longer show it.
    Object.defineProperty(out, key, {
      value: isSecretField(key, field) ? REDACTED : redactValue(field, depth + 1, seen),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

function redactError(error: Error, depth: number, seen: WeakSet<object>): Error {
  const copy = new Error(redact(error.message));
  copy.name = error.name;
  copy.stack = error.stack === undefined ? undefined : redact(error.stack);
  const { code } = error as { code?: unknown };
  if (typeof code === 'string') Object.assign(copy, { code });
  if (error.cause !== undefined) copy.cause = redactValue(error.cause, depth + 1, seen);
  return copy;
}
