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

/** Wraps any logger so that every argument goes through the redactor first. */
export function withRedaction(sink: Logger): Logger {
  const forward =
    (level: LogLevel) =>
    (...args: unknown[]): void =>
      sink[level](...args.map((arg) => redactValue(arg)));
  return { debug: forward('debug'), info: forward('info'), warn: forward('warn'), error: forward('error') };
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
  log.hooks.push((message) => ({ ...message, data: message.data.map((item) => redactValue(item)) }));
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

/** Names of fields and parameters whose value is a secret, compared lower-cased without `_` and `-`. */
const SECRET_NAMES = new Set(
  [
    'access_token',
    'refresh_token',
    'id_token',
    'id_token_hint',
    'code_verifier',
    'client_secret',
    'password',
    'authorization',
    'cookie',
    'set-cookie',
    'assertion',
    'subject_token',
    'token',
    'tokens',
    'secret',
  ].map(normaliseName),
);

/**
 * Names that are secrets only when they hold a string: `code` is also a LatchkeyError code or an
 * errno (`NETWORK`, `ECONNRESET`) and `state` may be a SessionState object; an OAuth authorization
 * code, state or nonce is always a mixed-case random string.
 */
const SECRET_WHEN_STRING = new Set(['code', 'state', 'nonce']);
const CONSTANT_LIKE = /^[A-Z][A-Z0-9_]*$/;

function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[_-]/g, '');
}

/** Whether a field called `name` holding `value` must be cut from a log. */
function isSecretField(name: string, value: unknown): boolean {
  if (value === undefined || value === null) return false;
  const normalised = normaliseName(name);
  if (SECRET_NAMES.has(normalised)) return true;
  return SECRET_WHEN_STRING.has(normalised) && typeof value === 'string' && !CONSTANT_LIKE.test(value);
}

/** `name` alternatives as written in URLs, form bodies, JSON and util.inspect output. */
const PARAM_NAMES =
  'access_token|refresh_token|id_token_hint|id_token|code_verifier|code|client_secret|password|' +
  'assertion|subject_token|state|nonce|accessToken|refreshToken|idToken|idTokenHint|codeVerifier|clientSecret';

const PATTERNS: ReadonlyArray<[RegExp, string]> = [
  // JWS (three parts) and JWE (five parts) compact serialisations: the header always starts `eyJ`.
  [/\beyJ[A-Za-z0-9_-]{2,}(?:\.[A-Za-z0-9_-]*){1,4}/g, '[redacted-jwt]'],
  // Authorization: Bearer/DPoP/Basic credentials (RFC 6750 §2.1, RFC 9449 §7.1).
  [/\b(Bearer|DPoP|Basic)(\s+)[A-Za-z0-9._~+/=-]+/gi, `$1$2${REDACTED}`],
  // Any header-like "Authorization: <value>" or "authorization": "<value>".
  [
    /\b(authorization|cookie|set-cookie)(["']?\s*[:=]\s*["']?)(?!\s*(?:[A-Za-z]+\s+)?\[redacted)[^"'\r\n,}]+/gi,
    `$1$2${REDACTED}`,
  ],
  // JSON string fields: "refresh_token":"...", "code_verifier": "..."
  [new RegExp(`"(${PARAM_NAMES})"(\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, 'gi'), `"$1"$2"${REDACTED}"`],
  // util.inspect / JS-ish: refreshToken: 'abc' or refresh_token = "abc"
  [new RegExp(`\\b(${PARAM_NAMES})(\\s*[:=]\\s*)'[^']*'`, 'gi'), `$1$2'${REDACTED}'`],
  [new RegExp(`\\b(${PARAM_NAMES})(\\s*[:=]\\s*)"(?:[^"\\\\]|\\\\.)*"`, 'gi'), `$1$2"${REDACTED}"`],
  // URL query strings, fragments and form bodies: code=..., refresh_token=...
  [new RegExp(`\\b(${PARAM_NAMES})=[^&\\s"'#<>]+`, 'gi'), `$1=${REDACTED}`],
];

/** Redacts every credential-looking part of a string. Idempotent. */
export function redact(text: string): string {
  let out = text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
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
