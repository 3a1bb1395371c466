import type { MetadataPatch, UserMetadata } from '../../common/metadata';
import { LatchkeyError } from '../errors';
import { errorForStatus, retryDelayMs, type UsersApiOperation } from './provider-errors';

/**
 * The Auth0 Management API calls Latchkey makes with the person's own access token
 * (`*:current_user*` scopes): read user_metadata, patch user_metadata. Plain Node, fetch injected.
 */
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
  fetch?: typeof fetch;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** A 429 asking for at most this wait is retried once after it; longer ones fail RATE_LIMITED. */
  maxRetryWaitMs?: number;
  /** Per request. A slow provider becomes NETWORK, never a hang. */
  timeoutMs?: number;
}

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
          ? `The provider's users API did not answer within ${Math.round(timeoutMs / 1000)} s.`
          : "The provider's users API could not be reached. Check the connection and try again.",
        { cause },
      );
    }
  }

  async function readJson(response: Response): Promise<unknown> {
    try {
      return JSON.parse(await response.text());
    } catch {
      return undefined;
    }
  }

  /** One request, plus at most one retry after a short 429 wait. */
  async function call(
    operation: UsersApiOperation,
    subject: string,
    url: string,
    init: RequestInit,
  ): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      const response = await send(url, init);
      const body = await readJson(response);
      if (response.ok) return body;
      const context = { operation, audience, subject };
      if (response.status === 429) {
        const wait = retryDelayMs(response.headers, now()) ?? DEFAULT_RATE_LIMIT_WAIT_MS;
        if (attempt > 0 || wait > maxRetryWaitMs) throw errorForStatus(429, body, context, wait);
        await sleep(wait);
        continue;
      }
      throw errorForStatus(response.status, body, context);
    }
  }

  function metadataOf(body: unknown): UserMetadata {
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
    return metadata as UserMetadata;
  }

  return {
    async getMetadata(accessToken, subject) {
      const url = `${userUrl(subject)}?fields=user_metadata&include_fields=true`;
      const body = await call('read', subject, url, {
        method: 'GET',
        headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
      });
      return metadataOf(body);
    },
    async patchMetadata(accessToken, subject, patch) {
      const body = await call('update', subject, userUrl(subject), {
        method: 'PATCH',
        headers: {
          authorization: `Bearer ${accessToken}`,
          accept: 'application/json',
          'content-type': 'application/json',
        },
        body: JSON.stringify({ user_metadata: patch }),
      });
      // The PATCH answer is the whole updated user: its user_metadata is the new truth, no extra GET.
      return metadataOf(body);
    },
  };
}
