import type { MetadataPatch, UserMetadata } from '../../common/metadata';
import { incomingMetadataProblem, metadataSaveProblem } from '../../common/metadata-rules';
import type { ProviderSettings } from '../auth/types';
import { httpStatusError, LatchkeyError, sanitizeProviderText } from '../errors';
import type { SessionManager, TokenOperation } from '../session/session-manager';

/**
 * The person's own account at the provider, beyond what userinfo says: their user_metadata, read and
 * patched through the provider's Auth0-compatible users API (Management API v2, GET and PATCH
 * /api/v2/users/{id}) with the person's own access token and its `*:current_user*` scopes.
 * Plain Node, fetch injected. Auth0's answers are `{ statusCode, error, message, errorCode }`.
 */

export interface AccountClient {
  /** False for providers without an Auth0-compatible users API; every call then fails NOT_SUPPORTED. */
  readonly supportsMetadata: boolean;
  /** The browser step for the token the users API needs, where the session's own does not serve. */
  authorize(): Promise<void>;
  getMetadata(): Promise<UserMetadata>;
  /**
   * Patches (Auth0 semantics: top-level merge, null deletes); returns what is stored. The patch is
   * valid already (the IPC wrapper parsed it with the contract's schema); refused here only is a merge
   * that would not fit with the metadata last read.
   */
  updateMetadata(patch: MetadataPatch): Promise<UserMetadata>;
}

/**
 * Where the users API's token comes from: the session's own access token (generic providers, the
 * local provider's one-token mode), or a token of its own (Auth0's Management API,
 * main/account/management-token.ts).
 */
export interface AccountTokenSource {
  /** Runs `operation` with the users API's token and the subject it belongs to. */
  withToken<T>(operation: TokenOperation<T>): Promise<T>;
  /** Gets the permission the details need by a browser step, where one is needed (no-op otherwise). */
  authorize(): Promise<void>;
}

/** The session's access token serves the users API too. */
export function sessionTokenSource(session: Pick<SessionManager, 'withAccessToken'>): AccountTokenSource {
  return {
    withToken: (operation) => session.withAccessToken(operation),
    authorize: async () => undefined,
  };
}

export interface AccountClientOptions extends Omit<UsersApiOptions, 'baseUrl' | 'audience'> {
  settings: ProviderSettings;
  session: Pick<SessionManager, 'withAccessToken' | 'getState'>;
  /** Default: the session's own access token (sessionTokenSource). */
  tokens?: AccountTokenSource;
}

/** The two users API calls, given a token and the subject it belongs to. */
export interface UsersApi {
  getMetadata(accessToken: string, subject: string): Promise<UserMetadata>;
  /** Auth0 merges top-level keys and deletes those set to null; the answer is the stored result. */
  patchMetadata(accessToken: string, subject: string, patch: MetadataPatch): Promise<UserMetadata>;
}

export interface UsersApiOptions {
  /** e.g. https://TENANT/api/v2 (a trailing slash is fine). Users live at {baseUrl}/users/{id}. */
  baseUrl: string;
  /** The audience the token must carry, for error messages. Default `${baseUrl}/`. */
  audience?: string;
  /** Auth0's tenant: the 403's remedy names its Dashboard places (settings `auth0`). */
  auth0?: boolean;
  fetch?: typeof fetch;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** A 429 asking for at most this wait is retried once after it; longer ones fail RATE_LIMITED. */
  maxRetryWaitMs?: number;
  /** Per request. A slow provider becomes NETWORK, never a hang. */
  timeoutMs?: number;
}

const NOT_SUPPORTED_MESSAGE =
  'This provider has no users API, so Latchkey cannot read or save user metadata here. ' +
  'Your profile (name, email, picture) still comes from the provider.';

/** The subject the session currently belongs to, without asking the provider. */
function currentSubject(session: Pick<SessionManager, 'getState'>): string | undefined {
  const state = session.getState();
  return 'profile' in state ? state.profile.sub : undefined;
}

export function createAccountClient(options: AccountClientOptions): AccountClient {
  const { settings, session, tokens: source, ...apiOptions } = options;
  if (settings.usersApi.kind === 'none') {
    const unsupported = () => Promise.reject(new LatchkeyError('NOT_SUPPORTED', NOT_SUPPORTED_MESSAGE));
    return {
      supportsMetadata: false,
      authorize: unsupported,
      getMetadata: unsupported,
      updateMetadata: unsupported,
    };
  }
  const tokens = source ?? sessionTokenSource(session);
  // Without a configured audience the users API names its own default (`${baseUrl}/`) in messages.
  const api = createUsersApi({
    ...apiOptions,
    baseUrl: settings.usersApi.baseUrl,
    audience: settings.auth0?.managementAudience ?? settings.audience,
    auth0: settings.auth0 !== undefined,
  });

  // The last metadata the provider reported, per subject: lets an oversized merge be refused before
  // any request. Another device may have changed it since; the provider stays the final judge.
  let lastKnown: { subject: string; metadata: UserMetadata } | undefined;
  const remember = (subject: string, metadata: UserMetadata) => {
    lastKnown = { subject, metadata };
    return structuredClone(metadata);
  };

  return {
    supportsMetadata: true,
    authorize: () => tokens.authorize(),
    getMetadata: () =>
      tokens.withToken(async (token, subject) => remember(subject, await api.getMetadata(token, subject))),

    async updateMetadata(patch) {
      // Refused before any request (token refresh included).
      const subject = currentSubject(session);
      if (lastKnown && subject === lastKnown.subject) {
        const problem = metadataSaveProblem(lastKnown.metadata, patch);
        if (problem) throw new LatchkeyError('INVALID_INPUT', problem);
      }
      return tokens.withToken(async (token, tokenSubject) =>
        remember(tokenSubject, await api.patchMetadata(token, tokenSubject, patch)),
      );
    },
  };
}

/**
 * The most of one users API answer Latchkey reads. The GET asks for user_metadata alone (fields=);
 * the PATCH answer is the whole user (identities, app_metadata...), which Auth0 limits to 10 KB per
 * profile (https://auth0.com/docs/manage-users/user-accounts/metadata/metadata-fields-data, with
 * larger legacy profiles still stored): 64 KiB is four times Latchkey's own 16 KB metadata cap and
 * keeps a hostile or broken answer (a 200 MB body) from growing the main process. Past it the
 * answer is dropped unread.
 */
export const USERS_API_MAX_BODY_BYTES = 64 * 1024;
/**
 * The longest wait a 429 is reported with. Retry-After is any number of digits (RFC 9110 §10.2.3):
 * 400 of them would read "Infinity s".
 */
const MAX_REPORTED_WAIT_MS = 60 * 60_000;
const DEFAULT_MAX_RETRY_WAIT_MS = 5_000;
/** A 429 without Retry-After or X-RateLimit-Reset: one short pause, then one more try. */
const DEFAULT_RATE_LIMIT_WAIT_MS = 1_000;
const DEFAULT_TIMEOUT_MS = 15_000;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function createUsersApi(options: UsersApiOptions): UsersApi {
  const base = options.baseUrl.replace(/\/+$/, '');
  const audience = options.audience ?? `${base}/`;
  const auth0 = options.auth0 ?? false;
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const maxRetryWaitMs = options.maxRetryWaitMs ?? DEFAULT_MAX_RETRY_WAIT_MS;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  const userUrl = (subject: string) => `${base}/users/${encodeURIComponent(subject)}`;

  async function send(url: string, init: RequestInit): Promise<Response> {
    try {
      return await doFetch(url, { ...init, redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
    } catch (cause) {
      const timedOut = cause instanceof Error && cause.name === 'TimeoutError';
      throw new LatchkeyError(
        'NETWORK',
        timedOut
          ? `The provider's users API did not answer within ${Math.round(timeoutMs / 100) / 10} s.`
          : "The provider's users API could not be reached. Check the connection and try again.",
        { cause },
      );
    }
  }

  /** One request, plus at most one retry after a short 429 wait. */
  async function call(request: UsersApiRequest, url: string, init: RequestInit): Promise<Answer> {
    for (let attempt = 0; ; attempt++) {
      const response = await send(url, init);
      const read = await readBoundedJson(response, USERS_API_MAX_BODY_BYTES);
      if (read.kind === 'cut') throw answerCut(request, read.cause);
      if (response.ok) return read;
      const body = read.kind === 'json' ? read.value : undefined;
      if (response.status === 429) {
        const wait = retryDelayMs(response.headers, now()) ?? DEFAULT_RATE_LIMIT_WAIT_MS;
        if (attempt > 0 || wait > maxRetryWaitMs) throw usersApiError(response.status, body, request, wait);
        await sleep(wait);
        continue;
      }
      throw usersApiError(response.status, body, request);
    }
  }

  function metadataOf(answer: Answer): UserMetadata {
    if (answer.kind === 'tooLarge') {
      throw new LatchkeyError(
        'PROVIDER_ERROR',
        `The provider's users API answered with more than ${USERS_API_MAX_BODY_BYTES / 1024} KB; Latchkey did not read it.`,
      );
    }
    const body = answer.kind === 'json' ? answer.value : undefined;
    if (!isPlainRecord(body)) {
      throw new LatchkeyError(
        'PROVIDER_ERROR',
        "The provider's users API answered with something that is not a user.",
      );
    }
    const metadata = body.user_metadata;
    // Auth0 omits user_metadata entirely for a user who has none.
    if (metadata === undefined || metadata === null) return {};
    if (!isPlainRecord(metadata)) {
      throw new LatchkeyError(
        'PROVIDER_ERROR',
        "The provider's users API sent user_metadata that is not an object.",
      );
    }
    // Checked before anything walks it recursively (structuredClone, IPC): what reaches the
    // renderer has the shape a patch may have (common/metadata-rules.ts).
    const problem = incomingMetadataProblem(metadata);
    if (problem) {
      throw new LatchkeyError(
        'PROVIDER_ERROR',
        `The provider's users API sent user_metadata that Latchkey cannot show: ${problem}.`,
      );
    }
    return metadata as UserMetadata;
  }

  async function readMetadata(accessToken: string, subject: string): Promise<UserMetadata> {
    const url = `${userUrl(subject)}?fields=user_metadata&include_fields=true`;
    const answer = await call({ operation: 'read', audience, subject, auth0 }, url, {
      method: 'GET',
      headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
    });
    return metadataOf(answer);
  }

  return {
    getMetadata: readMetadata,
    async patchMetadata(accessToken, subject, patch) {
      const answer = await call({ operation: 'update', audience, subject, auth0 }, userUrl(subject), {
        method: 'PATCH',
        headers: {
          authorization: `Bearer ${accessToken}`,
          accept: 'application/json',
          'content-type': 'application/json',
        },
        body: JSON.stringify({ user_metadata: patch }),
      });
      // The PATCH answer is the whole updated user: its user_metadata is the new truth, no extra GET.
      // The patch is saved all the same when that user is too large to read: read back only the
      // metadata then (fields=user_metadata).
      if (answer.kind === 'tooLarge') return readMetadata(accessToken, subject);
      return metadataOf(answer);
    },
  };
}

/**
 * A users API answer's body: parsed JSON, too large to read, not JSON at all, or cut off by the
 * connection (or the request's timeout) before it ended.
 */
type Answer =
  | { kind: 'json'; value: unknown }
  | { kind: 'tooLarge' }
  | { kind: 'unreadable' }
  | { kind: 'cut'; cause: unknown };

/**
 * The answer stopped arriving: a network problem (the session is kept), not an odd answer. A save
 * may have reached the provider before the connection broke, so it is not called failed.
 */
function answerCut(request: UsersApiRequest, cause: unknown): LatchkeyError {
  return new LatchkeyError(
    'NETWORK',
    request.operation === 'update'
      ? "The connection to the provider's users API broke while it answered, so Latchkey cannot tell whether your changes were saved. Check the connection, then reload your details."
      : "The connection to the provider's users API broke while it answered. Check the connection and try again.",
    { cause },
  );
}

/**
 * Reads at most `limit` bytes of the body, then parses it. A declared Content-Length over the limit
 * is refused before reading; a body that turns out larger is cancelled as soon as it passes the
 * limit, so memory stays bounded whatever the provider sends.
 */
async function readBoundedJson(response: Response, limit: number): Promise<Answer> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > limit) {
    await response.body?.cancel().catch(() => undefined);
    return { kind: 'tooLarge' };
  }
  if (!response.body) return { kind: 'unreadable' };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > limit) {
        await reader.cancel().catch(() => undefined);
        return { kind: 'tooLarge' };
      }
      chunks.push(value);
    }
  } catch (cause) {
    return { kind: 'cut', cause };
  }
  try {
    return { kind: 'json', value: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
  } catch {
    return { kind: 'unreadable' };
  }
}

interface UsersApiRequest {
  operation: 'read' | 'update';
  /** The Management API audience the token must be requested for, e.g. https://TENANT/api/v2/ */
  audience: string;
  subject: string;
  auth0: boolean;
}

/** The scope each operation needs on a user's own token (Auth0: "*:current_user*" scopes). */
const REQUIRED_SCOPE: Record<UsersApiRequest['operation'], string> = {
  read: 'read:current_user',
  update: 'update:current_user_metadata',
};

function missingScope(request: UsersApiRequest, detail: string | undefined): string {
  const scope = REQUIRED_SCOPE[request.operation];
  const what = request.operation === 'read' ? 'read your user metadata' : 'save your user metadata';
  const refused =
    `The provider refused to ${what}: the access token lacks the "${scope}" scope` +
    (detail ? ` (provider said: ${detail})` : '') +
    '.';
  if (!request.auth0) {
    return `${refused} Latchkey must request "${scope}" with the audience ${request.audience} (add it to the scopes in Latchkey's provider settings), then sign in again.`;
  }
  // The Dashboard's own words: https://auth0.com/docs/get-started/apis/api-access-policies-for-applications
  return (
    `${refused} In the Auth0 Dashboard, open Applications → APIs → Auth0 Management API → Settings → ` +
    'Application Access Policy. When User-Delegated Access is "Per-app authorization", open the ' +
    'Application Access tab, Edit this application and, under User-Delegated Access, choose Grant ' +
    `Access with the permissions it needs ("${scope}"). Then open your details again.`
  );
}

/**
 * A 401 from Auth0's Management API that is about the configuration, not the token's life: the
 * token is for another API ("Bad audience: …", as node-auth0#787 quotes it) or from another host
 * ("Bad issuer"). Renewing or asking again gives the same answer, so nothing is dropped and the
 * person is told what is misconfigured. Undefined for any other 401 (expired, invalid: the token's).
 */
function configurationRefusal(request: UsersApiRequest, detail: string | undefined): string | undefined {
  if (!detail) return undefined;
  if (/^bad audience\b/i.test(detail)) {
    return (
      `The provider's users API refused the token because it was issued for another API (${detail}). ` +
      `It accepts only tokens for ${request.audience} (with the trailing slash), named after the ` +
      "tenant's own domain even with a custom domain: check auth0TenantDomain and the audience in Latchkey's settings. Your session is kept."
    );
  }
  if (/^bad issuer\b/i.test(detail)) {
    return (
      `The provider's users API refused the token because another domain issued it (${detail}). ` +
      'Tokens got through a custom domain must be used on that same domain: auth0Domain must be the ' +
      'domain that serves both sign-in and the users API. Your session is kept.'
    );
  }
  return undefined;
}

/**
 * A users-API answer that is not a success, as a coded error a person can act on: the status class
 * decides the code (main/errors.ts), this API adds its words and the provider's own message (never
 * the whole body: it could be anything). `waitMs`: what a 429 asks us to wait.
 */
function usersApiError(
  status: number,
  body: unknown,
  request: UsersApiRequest,
  waitMs = DEFAULT_RATE_LIMIT_WAIT_MS,
): LatchkeyError {
  const detail = sanitizeProviderText(isPlainRecord(body) ? body.message : undefined);
  const misconfigured = status === 401 ? configurationRefusal(request, detail) : undefined;
  if (misconfigured) return new LatchkeyError('CONFIG_INVALID', misconfigured);
  return httpStatusError(status, {
    badRequest: () => `The provider refused the request as invalid${detail ? `: ${detail}` : '.'}`,
    accessTokenRejected: true,
    forbidden: () => missingScope(request, detail),
    notFound: () =>
      `The provider has no user "${sanitizeProviderText(request.subject, 120) ?? ''}" in its users API. ` +
      'The account may have been deleted, or the users API belongs to another tenant than the sign-in.',
    serverError: (s) =>
      `The provider's users API is unavailable right now (HTTP ${s}). Try again in a moment.`,
    rateLimited: () =>
      'The provider is limiting requests to its users API. ' +
      (waitMs >= MAX_REPORTED_WAIT_MS
        ? 'Try again later (it asks for a wait of an hour or more).'
        : `Try again in ${Math.max(1, Math.ceil(waitMs / 1000))} s.`),
    other: (s) => `The provider's users API answered HTTP ${s}${detail ? `: ${detail}` : '.'}`,
  });
}

/**
 * How long a 429 asks us to wait, in ms. Retry-After (RFC 9110 §10.2.3) is delay-seconds or an
 * HTTP-date; Auth0 also sends X-RateLimit-Reset (epoch seconds). Undefined when neither is usable;
 * never more than MAX_REPORTED_WAIT_MS (Number("9".repeat(400)) is Infinity).
 */
function retryDelayMs(headers: Headers, now: number): number | undefined {
  const bounded = (ms: number) => Math.min(Math.max(0, ms), MAX_REPORTED_WAIT_MS);
  const retryAfter = headers.get('retry-after')?.trim();
  if (retryAfter) {
    if (/^\d+$/.test(retryAfter)) return bounded(Number(retryAfter) * 1000);
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return bounded(at - now);
  }
  const reset = headers.get('x-ratelimit-reset')?.trim();
  if (reset && /^\d+$/.test(reset)) return bounded(Number(reset) * 1000 - now);
  return undefined;
}
