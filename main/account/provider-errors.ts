import { httpStatusError, sanitizeProviderText, type LatchkeyError } from '../errors';

/**
 * Turns a users-API response that is not a success into a coded error a person can act on.
 * Shapes follow Auth0's Management API: `{ statusCode, error, message, errorCode }`.
 */

export type UsersApiOperation = 'read' | 'update';

/** The scope each operation needs on a user's own token (Auth0: "*:current_user*" scopes). */
export const REQUIRED_SCOPE: Record<UsersApiOperation, string> = {
  read: 'read:current_user',
  update: 'update:current_user_metadata',
};

/** The provider's own message, cleaned; never the whole body (it could be anything). */
function providerMessage(body: unknown): string | undefined {
  return typeof body === 'object' && body !== null
    ? sanitizeProviderText((body as { message?: unknown }).message)
    : undefined;
}

export interface ErrorContext {
  operation: UsersApiOperation;
  /** The Management API audience the token must be requested for, e.g. https://TENANT/api/v2/ */
  audience: string;
  subject: string;
}

function missingScope(context: ErrorContext, detail: string | undefined): string {
  const scope = REQUIRED_SCOPE[context.operation];
  const what = context.operation === 'read' ? 'read your user metadata' : 'save your user metadata';
  return (
    `The provider refused to ${what}: the access token lacks the "${scope}" scope` +
    (detail ? ` (provider said: ${detail})` : '') +
    `. Latchkey must request "${scope}" with the audience ${context.audience} (add it to the scopes in ` +
    `Latchkey's provider settings), then sign in again. On Auth0, also check the dashboard: ` +
    `Applications → APIs → Auth0 Management API → Application Access; the user access policy must let ` +
    `this application get user tokens with that scope (with "Allow via client-grant", grant it there).`
  );
}

/** `waitMs`: for a 429, how long the provider asks us to wait (see retryDelayMs). */
export function errorForStatus(
  status: number,
  body: unknown,
  context: ErrorContext,
  waitMs?: number,
): LatchkeyError {
  const detail = providerMessage(body);
  const wait = waitMs === undefined ? 'a little while' : `${Math.max(1, Math.ceil(waitMs / 1000))} s`;
  return httpStatusError(status, {
    badRequest: () => `The provider refused the request as invalid${detail ? `: ${detail}` : '.'}`,
    accessTokenRejected: true,
    forbidden: () => missingScope(context, detail),
    notFound: () =>
      `The provider has no user ${JSON.stringify(context.subject)} in its users API. ` +
      'The account may have been deleted, or the users API belongs to another tenant than the sign-in.',
    serverError: (s) =>
      `The provider's users API is unavailable right now (HTTP ${s}). Try again in a moment.`,
    rateLimited: () => `The provider is limiting requests to its users API. Try again in ${wait}.`,
    other: (s) => `The provider's users API answered HTTP ${s}${detail ? `: ${detail}` : '.'}`,
  });
}

/**
 * How long a 429 asks us to wait, in ms. Retry-After (RFC 9110 §10.2.3) is delay-seconds or an
 * HTTP-date; Auth0 also sends X-RateLimit-Reset (epoch seconds). Undefined when neither is usable.
 */
export function retryDelayMs(headers: Headers, now: number): number | undefined {
  const retryAfter = headers.get('retry-after')?.trim();
  if (retryAfter) {
    if (/^\d+$/.test(retryAfter)) return Number(retryAfter) * 1000;
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  const reset = headers.get('x-ratelimit-reset')?.trim();
  if (reset && /^\d+$/.test(reset)) return Math.max(0, Number(reset) * 1000 - now);
  return undefined;
}
