import {
  AuthorizationResponseError,
  ClientError,
  ResponseBodyError,
  WWWAuthenticateChallengeError,
} from 'openid-client';
import type { ErrorCode } from '../../common/errors';
import { httpStatusError, INTERNAL_MESSAGE, LatchkeyError, sanitizeProviderText } from '../errors';

/** Which call failed: the same provider answer means different things to different calls. */
export type AuthOperation =
  'discovery' | 'authorization' | 'codeExchange' | 'refresh' | 'userinfo' | 'revoke';

const WHAT: Record<AuthOperation, string> = {
  discovery: 'reading the provider configuration',
  authorization: 'signing in',
  codeExchange: 'completing the sign-in',
  refresh: 'renewing the session',
  userinfo: 'reading the profile',
  revoke: 'revoking the session',
};

/** Node's system and undici socket error codes: the connection failed, whatever was being sent. */
const NETWORK_ERROR_CODE =
  /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|EPIPE|UND_ERR_)/;

/** The first network error code down a cause chain (fetch and body-read failures nest it). */
function networkCodeIn(error: Error): string | undefined {
  let link: unknown = error.cause;
  for (let depth = 0; depth < 5 && link instanceof Error; depth += 1, link = link.cause) {
    const code = (link as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_ERROR_CODE.test(code)) return code;
  }
  return undefined;
}

/**
 * The cause kept on a LatchkeyError is for the log. openid-client's errors carry the raw callback
 * parameters (with the authorization code), response bodies and claims in their own `cause`; keep
 * only the facts (class, code, status, OAuth error) so that no code or token reaches a log file.
 */
export function safeCause(error: unknown): Error {
  if (!(error instanceof Error)) return new Error(`non-Error thrown: ${typeof error}`);
  const record = error as Error & { code?: unknown; status?: unknown; error?: unknown };
  const facts = [
    typeof record.code === 'string' ? `code=${record.code}` : undefined,
    typeof record.status === 'number' ? `status=${record.status}` : undefined,
    typeof record.error === 'string' ? `error=${record.error}` : undefined,
  ].filter(Boolean);
  const safe = new Error(`${error.name}: ${error.message}${facts.length ? ` (${facts.join(', ')})` : ''}`);
  // Node's fetch error hides its reason (ECONNREFUSED, ETIMEDOUT...) in `cause`, a cut-off body read
  // one level deeper; a code holds no secret.
  const systemCode = networkCodeIn(error) ?? (error.cause as { code?: unknown } | undefined)?.code;
  if (typeof systemCode === 'string') safe.message += ` [${systemCode}]`;
  safe.stack = `${safe.name}: ${safe.message}\n${(error.stack ?? '').split('\n').slice(1).join('\n')}`;
  return safe;
}

function coded(code: ErrorCode, message: string, error: unknown): LatchkeyError {
  return new LatchkeyError(code, message, { cause: safeCause(error) });
}

/**
 * Only a renewal or a profile check happens inside a session that Latchkey keeps and re-checks by
 * itself; a sign-in, a discovery or a revocation is not retried, so its message must not promise it.
 */
function networkMessage(operation: AuthOperation, detail: string): string {
  const next =
    operation === 'refresh' || operation === 'userinfo'
      ? 'You stay signed in; Latchkey will try again.'
      : 'Check your connection and try again.';
  return `Could not reach the sign-in provider while ${WHAT[operation]}: ${detail}. ${next}`;
}

/** A status the provider answered with, wherever openid-client kept it. */
function statusOf(error: unknown): number | undefined {
  if (error instanceof ResponseBodyError || error instanceof WWWAuthenticateChallengeError)
    return error.status;
  if (error instanceof Error && error.cause instanceof Response) return error.cause.status;
  return undefined;
}

function byStatus(status: number, operation: AuthOperation, error: unknown): LatchkeyError | undefined {
  if (status === 404 && operation === 'discovery') {
    // OIDC Discovery §4: the document lives at the issuer's own well-known path, so a 404 there says
    // the issuer setting is wrong, not that something at the provider went missing.
    return coded(
      'CONFIG_INVALID',
      'The issuer has no OpenID Connect discovery document (/.well-known/openid-configuration). Check the issuer URL.',
      error,
    );
  }
  // Only userinfo takes the access token as a bearer token: elsewhere a 401 or 403 comes with an OAuth
  // error body (invalid_client, ...), read by the caller.
  const userinfo = operation === 'userinfo';
  return httpStatusError(
    status,
    {
      serverError: (s) => networkMessage(operation, `the provider answered HTTP ${s}`),
      redirected: (s) => networkMessage(operation, `the request was redirected (HTTP ${s})`),
      rateLimited: () =>
        `The provider is limiting requests (HTTP 429) while ${WHAT[operation]}. Try again in a minute.`,
      accessTokenRejected: userinfo,
      forbidden: userinfo
        ? () => 'The provider refused to share the profile (HTTP 403: missing scope?).'
        : undefined,
    },
    { cause: safeCause(error) },
  );
}

function fromOAuthErrorBody(error: ResponseBodyError, operation: AuthOperation): LatchkeyError {
  const description = sanitizeProviderText(error.error_description);
  const suffix = description ? `: ${description}` : '';
  if (error.error === 'invalid_grant' && operation === 'codeExchange') {
    return coded(
      'PROVIDER_ERROR',
      `The provider refused the sign-in code (invalid_grant)${suffix}. Please try again.`,
      error,
    );
  }
  return coded(
    'PROVIDER_ERROR',
    `The provider answered "${sanitizeProviderText(error.error, 60)}" while ${WHAT[operation]}${suffix}.`,
    error,
  );
}

/**
 * What the token endpoint's refusal of a refresh means: the one rule, consumed by the session as an
 * error code (main/session/session-manager.ts, `failureOutcome`).
 *
 * RFC 6749 §5.2 says a refusal is `400` (or `401` for client authentication) with a JSON object
 * whose `error` names the reason, and §6 that a refresh refused for the token itself is
 * `invalid_grant`. Real providers bend it: a bare `400` for a revoked, expired or rotated-away token,
 * `invalid_request` for a deleted one (docs/ARCHITECTURE.md, "Where each rule lives"). Latchkey's
 * refresh request is always the same three parameters (grant_type, refresh_token, client_id, RFC 6749
 * §6 for a public client), so a refusal of its form can only be a refusal of the one thing in it that
 * changes: the refresh token. Hence:
 *
 * - `grant-dead` (the session ends, SESSION_EXPIRED): `invalid_grant` (§5.2: "invalid, expired,
 *   revoked"); `invalid_request` (our request is well formed, so the token is what is refused); a 400
 *   or 401 without a usable OAuth error (no JSON, or JSON without `error`).
 * - `client-refused` (PROVIDER_ERROR, the session is kept): `invalid_client`, `unauthorized_client`,
 *   `unsupported_grant_type`: the provider refuses this app, not this session, so signing in again
 *   would not help; the person is told to check the app's settings at the provider.
 * - `transient` (NETWORK or RATE_LIMITED, the session is kept, offline): 3xx (something in the way),
 *   408, 429, 5xx.
 * - `other` (PROVIDER_ERROR, the session is kept): any other answer (invalid_scope, a 403 or 404
 *   without a usable body...). The session counts such answers and stops retrying by itself when
 *   they repeat.
 */
export type RefreshRefusal = 'grant-dead' | 'client-refused' | 'transient' | 'other';

export function refreshRefusal(status: number, oauthError: string | undefined): RefreshRefusal {
  if ((status >= 300 && status < 400) || status === 408 || status === 429 || status >= 500)
    return 'transient';
  switch (oauthError) {
    case 'invalid_grant':
    case 'invalid_request':
      return 'grant-dead';
    case 'invalid_client':
    case 'unauthorized_client':
    case 'unsupported_grant_type':
      return 'client-refused';
    case undefined:
      return status === 400 || status === 401 ? 'grant-dead' : 'other';
    default:
      return 'other';
  }
}

/** The OAuth `error` of a refusal, from its JSON body or its WWW-Authenticate challenge. */
function oauthErrorOf(error: unknown): string | undefined {
  if (error instanceof ResponseBodyError) return error.error;
  if (error instanceof WWWAuthenticateChallengeError) {
    const value = error.cause[0]?.parameters.error;
    return typeof value === 'string' && value ? value : undefined;
  }
  return undefined;
}

/**
 * What the provider sent, when it sent no OAuth error (answerExcerpt): an excerpt of the body, undefined
 * for an empty body, or null when openid-client had already read the body, so that what it said is
 * unknown (a 200 that is not JSON, such as a captive portal's page, is read before it is refused).
 */
export type AnswerExcerpt = string | null | undefined;

/** "HTTP 400 with an empty body", "HTTP 401: "Unauthorized"": for answers without an OAuth error. */
function bareAnswerWords(status: number, excerpt: AnswerExcerpt): string {
  if (excerpt === null) return `HTTP ${status} with an answer that is not the JSON the standard asks for`;
  return excerpt ? `HTTP ${status}: "${excerpt}"` : `HTTP ${status} with an empty body`;
}

/** The refresh refusal as an error, per `refreshRefusal`; undefined where the generic mapping applies. */
function fromRefreshRefusal(
  error: unknown,
  status: number,
  excerpt: AnswerExcerpt,
): LatchkeyError | undefined {
  const oauthError = oauthErrorOf(error);
  const description =
    error instanceof ResponseBodyError ? sanitizeProviderText(error.error_description) : undefined;
  const said = oauthError
    ? `${sanitizeProviderText(oauthError, 60)}${description ? `: ${description}` : ''}`
    : bareAnswerWords(status, excerpt);
  switch (refreshRefusal(status, oauthError)) {
    case 'grant-dead':
      if (oauthError === 'invalid_grant')
        return coded(
          'SESSION_EXPIRED',
          'The provider ended your session (you signed out elsewhere, it was revoked, or it expired). Sign in again to continue.',
          error,
        );
      return coded(
        'SESSION_EXPIRED',
        `The provider refused to renew your session (${said}), so it has ended. Sign in again to continue.`,
        error,
      );
    case 'client-refused':
      return coded(
        'PROVIDER_ERROR',
        `The provider refused Latchkey itself while renewing the session (${said}). Signing in again will not help: check the client id in Latchkey's settings and the application's settings at the provider.`,
        error,
      );
    case 'transient':
      return undefined;
    case 'other':
      return oauthError
        ? undefined
        : coded('PROVIDER_ERROR', `The provider answered ${said} while renewing the session.`, error);
  }
}

const EXCERPT_READ_BYTES = 2048;
const EXCERPT_CHARS = 100;

/**
 * A short excerpt of what the provider sent when it sent no OAuth error JSON, for the message and
 * the log: openid-client keeps the unread Response as the cause of OAUTH_RESPONSE_IS_NOT_CONFORM and
 * OAUTH_RESPONSE_IS_NOT_JSON. At most 2 KiB are read (within a second); markup and control characters
 * go, every one of `secrets` (the refresh token, the code, the verifier just sent, in case the page
 * echoes the request) is cut out, and what is left is bounded. Undefined when there is nothing to say;
 * null when openid-client read the body before refusing it (AnswerExcerpt).
 */
export async function answerExcerpt(error: unknown, secrets: readonly string[] = []): Promise<AnswerExcerpt> {
  const response = error instanceof Error && error.cause instanceof Response ? error.cause : undefined;
  if (response?.bodyUsed) return null;
  if (!response?.body) return undefined;
  let text = '';
  const reader = response.body.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), 1_000);
  });
  try {
    const decoder = new TextDecoder();
    while (text.length < EXCERPT_READ_BYTES) {
      const chunk = await Promise.race([reader.read(), late]);
      if (chunk === 'late' || chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
    }
  } catch {
    // A body that cannot be read says nothing more than its status.
  } finally {
    clearTimeout(timer);
    reader.cancel().catch(() => undefined);
  }
  for (const secret of secrets) if (secret) text = text.split(secret).join('…');
  const plain = text.replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]*>/g, ' ');
  return sanitizeProviderText(plain, EXCERPT_CHARS);
}

function fromAuthorizationResponse(error: AuthorizationResponseError): LatchkeyError {
  const description = sanitizeProviderText(error.error_description);
  if (error.error === 'access_denied') {
    // RFC 6749 §4.1.2.1: the person (Cancel on the provider's page) or a provider rule declined. Not
    // LOGIN_CANCELLED: that code is the app's own Cancel, which shows nothing; this one is shown as
    // "Sign-in cancelled", with a provider rule's description when there is one.
    return coded(
      'LOGIN_DECLINED',
      `Sign-in was declined at the provider${description ? `: ${description}` : ''}. You can try again.`,
      error,
    );
  }
  return coded(
    'PROVIDER_ERROR',
    `The provider could not sign you in (${sanitizeProviderText(error.error, 60)})${description ? `: ${description}` : ''}.`,
    error,
  );
}

type CodedError = Error & { code: string };

/** openid-client's ClientError, or an oauth4webapi OperationProcessingError it let through as is. */
function isOAuthCodedError(error: unknown): error is CodedError {
  if (error instanceof ClientError) return typeof error.code === 'string';
  return (
    error instanceof Error &&
    typeof (error as { code?: unknown }).code === 'string' &&
    (error as CodedError).code.startsWith('OAUTH_')
  );
}

interface CheckDetails {
  attribute?: unknown;
  claim?: unknown;
  expected?: unknown;
  body?: unknown;
}

/**
 * openid-client wraps oauth4webapi's error: ClientError(generic text, cause: the original, whose own
 * cause holds the details). Its discovery issuer check builds the ClientError with the details directly.
 */
function unwrap(error: CodedError): { message: string; details: CheckDetails | undefined } {
  const inner = error.cause;
  if (isOAuthCodedError(inner) && inner.code === error.code) {
    return { message: inner.message, details: inner.cause as CheckDetails | undefined };
  }
  return { message: error.message, details: inner as CheckDetails | undefined };
}

function fromClientError(
  error: CodedError,
  operation: AuthOperation,
  excerpt?: AnswerExcerpt,
): LatchkeyError {
  // oauth4webapi messages name the failed check ('unexpected "iss" (issuer) response parameter value',
  // 'response parameter "state" missing'), never a value: safe to show.
  const { message, details: cause } = unwrap(error);
  switch (error.code) {
    case 'OAUTH_TIMEOUT':
      return coded('NETWORK', networkMessage(operation, 'the request timed out'), error);
    case 'OAUTH_ABORT':
      return coded('NETWORK', networkMessage(operation, 'the request was aborted'), error);
    case 'OAUTH_HTTP_REQUEST_FORBIDDEN':
    case 'OAUTH_REQUEST_PROTOCOL_FORBIDDEN':
      return coded(
        'CONFIG_INVALID',
        `The provider advertises an endpoint that is not https (${message}).`,
        error,
      );
    case 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED': {
      if (cause?.attribute === 'issuer') {
        // OIDC Discovery §4.3 / RFC 8414 §3.3: the document must name exactly the issuer we asked.
        const found = (cause.body as { issuer?: unknown } | undefined)?.issuer;
        return coded(
          'PROVIDER_ERROR',
          `The provider calls itself "${sanitizeProviderText(found, 120) ?? 'something else'}", not the configured issuer "${sanitizeProviderText(cause.expected, 120)}". Check the issuer setting (it must match exactly, including the host name).`,
          error,
        );
      }
      if (cause?.attribute === 'sub') {
        // OIDC Core §5.3.2: a userinfo `sub` that differs from the ID token's must not be used.
        return coded(
          'PROVIDER_ERROR',
          'The provider returned the profile of a different user than the one signed in.',
          error,
        );
      }
      return coded('PROVIDER_ERROR', `The provider's answer failed a check while ${WHAT[operation]}.`, error);
    }
    case 'OAUTH_JWT_CLAIM_COMPARISON_FAILED':
      if (cause?.claim === 'nonce') {
        // OIDC Core §3.1.3.7 step 11: the ID token was not issued for this sign-in attempt.
        return coded(
          'PROVIDER_ERROR',
          'The ID token does not belong to this sign-in attempt (nonce mismatch).',
          error,
        );
      }
      return coded(
        'PROVIDER_ERROR',
        `The provider's ID token failed the "${sanitizeProviderText(cause?.claim, 30) ?? 'claim'}" check.`,
        error,
      );
    case 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED':
      return coded(
        'PROVIDER_ERROR',
        "The provider's ID token is expired or not yet valid. Check this computer's clock.",
        error,
      );
    case 'OAUTH_RESPONSE_IS_NOT_CONFORM':
    case 'OAUTH_RESPONSE_IS_NOT_JSON': {
      // openid-client keeps the Response as the cause: the provider answered, but not with the
      // JSON the standard asks for (an OAuth error object, RFC 6749 §5.2), so say what it did send.
      const status = statusOf(error);
      if (status !== undefined)
        return coded(
          'PROVIDER_ERROR',
          `The provider answered ${bareAnswerWords(status, excerpt)} while ${WHAT[operation]}.`,
          error,
        );
      return coded(
        'PROVIDER_ERROR',
        `The provider sent an answer that is not valid JSON while ${WHAT[operation]}.`,
        error,
      );
    }
    case 'OAUTH_PARSE_ERROR': {
      // oauth4webapi reports any failure of response.json() as a parse error, including a body that
      // never fully arrived: the connection was reset or closed mid-answer, or the request timed out
      // while the body was streaming. That is the network, not a provider that sent bad JSON.
      const interrupted = interruptionOf(error);
      if (interrupted) {
        return coded(
          'NETWORK',
          networkMessage(
            operation,
            interrupted === 'timeout' ? 'the request timed out' : 'the connection broke off mid-answer',
          ),
          error,
        );
      }
      return coded(
        'PROVIDER_ERROR',
        `The provider sent an answer that is not valid JSON while ${WHAT[operation]}.`,
        error,
      );
    }
    default:
      return coded(
        'PROVIDER_ERROR',
        `The provider's answer failed a check while ${WHAT[operation]}: ${message}.`,
        error,
      );
  }
}

/**
 * Whether a wrapped error (a parse failure) was caused by the transfer breaking off rather than by
 * what arrived: a timeout or abort of the request, or a socket error somewhere down the cause chain
 * (undici fails a body read with TypeError('terminated', { cause: SocketError | ECONNRESET })).
 * A SyntaxError from a complete but malformed body carries neither.
 */
function interruptionOf(error: Error): 'timeout' | 'connection' | undefined {
  let link: unknown = error.cause;
  for (let depth = 0; depth < 5 && link instanceof Error; depth += 1, link = link.cause) {
    if (link instanceof DOMException && link.name === 'TimeoutError') return 'timeout';
    if (link instanceof DOMException && link.name === 'AbortError') return 'connection';
  }
  return networkCodeIn(error) ? 'connection' : undefined;
}

function isNetworkFailure(error: unknown): boolean {
  if (error instanceof DOMException) return error.name === 'TimeoutError' || error.name === 'AbortError';
  if (error instanceof TypeError) {
    // Node's fetch rejects with TypeError('fetch failed') for refused connections, DNS and TLS failures;
    // openid-client's own argument errors are TypeErrors too, but carry an ERR_INVALID_ARG_* code.
    const code = (error as TypeError & { code?: unknown }).code;
    return !(typeof code === 'string' && code.startsWith('ERR_INVALID_ARG'));
  }
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && NETWORK_ERROR_CODE.test(code);
}

/**
 * The one place where openid-client (and fetch) errors become LatchkeyErrors. Messages are written
 * here from fixed text, OAuth error codes and the provider's error_description: never a token, code
 * or verifier.
 */
export function toAuthError(
  error: unknown,
  operation: AuthOperation,
  excerpt?: AnswerExcerpt,
): LatchkeyError {
  if (error instanceof LatchkeyError) return error;

  const status = statusOf(error);
  // Stryker disable next-line ConditionalExpression: equivalent: byStatus maps no status (undefined) to undefined as well
  const mapped = status === undefined ? undefined : byStatus(status, operation, error);
  if (mapped) return mapped;

  if (operation === 'refresh' && status !== undefined) {
    const refused = fromRefreshRefusal(error, status, excerpt);
    if (refused) return refused;
  }
  if (error instanceof ResponseBodyError) return fromOAuthErrorBody(error, operation);
  if (error instanceof AuthorizationResponseError) return fromAuthorizationResponse(error);
  if (error instanceof WWWAuthenticateChallengeError) {
    const challenge = error.cause[0];
    const oauthError = sanitizeProviderText(challenge?.parameters.error, 60);
    return coded(
      'PROVIDER_ERROR',
      `The provider refused the request (HTTP ${error.status}${oauthError ? ` ${oauthError}` : ''}) while ${WHAT[operation]}.`,
      error,
    );
  }
  if (isOAuthCodedError(error)) return fromClientError(error, operation, excerpt);
  if (isNetworkFailure(error)) {
    const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
    return coded(
      'NETWORK',
      networkMessage(operation, timedOut ? 'the request timed out' : 'the connection failed'),
      error,
    );
  }
  return coded('INTERNAL', INTERNAL_MESSAGE, error);
}
