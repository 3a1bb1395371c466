import {
  AuthorizationResponseError,
  ClientError,
  ResponseBodyError,
  WWWAuthenticateChallengeError,
} from 'openid-client';
import { describe, expect, it } from 'vitest';
import {
  answerExcerpt,
  refreshRefusal,
  safeCause,
  toAuthError,
  type AuthOperation,
} from '../../../../main/auth/errors';
import { LatchkeyError, sanitizeProviderText } from '../../../../main/errors';

/**
 * The error mapping on errors shaped exactly as openid-client 6 throws them (its own classes, with
 * the nesting its errorHandler produces). The integration suites provoke the same errors for real.
 */

function bodyError(status: number, error: string, description?: string): ResponseBodyError {
  return new ResponseBodyError('server responded with an error in the response body', {
    cause: { error, ...(description ? { error_description: description } : {}) },
    response: new Response(null, { status }),
  });
}

function challenge(status: number, error: string): WWWAuthenticateChallengeError {
  return new WWWAuthenticateChallengeError(
    'server responded with a challenge in the WWW-Authenticate HTTP Header',
    {
      cause: [{ scheme: 'bearer', parameters: { error } }],
      response: new Response(null, { status }),
    },
  );
}

/** openid-client's errorHandler: ClientError(generic, cause: oauth4webapi error with the details). */
function wrapped(code: string, innerMessage: string, details: unknown): ClientError {
  const inner = Object.assign(new Error(innerMessage, { cause: details }), { code });
  const outer = new ClientError('generic openid-client text');
  outer.code = code;
  Object.defineProperty(outer, 'cause', { value: inner });
  return outer;
}

function notConform(status: number, body: string | null = null): ClientError {
  const error = new ClientError('unexpected HTTP response status code', {
    cause: new Response(body, { status }),
  });
  error.code = 'OAUTH_RESPONSE_IS_NOT_CONFORM';
  return error;
}

/** openid-client's error for an answer whose content type is not JSON; the Response is its cause. */
function notJson(status: number, body: string | null, contentType?: string): ClientError {
  const error = new ClientError('unexpected response content-type', {
    cause: new Response(body, { status, headers: contentType ? { 'content-type': contentType } : {} }),
  });
  error.code = 'OAUTH_RESPONSE_IS_NOT_JSON';
  return error;
}

const map = (error: unknown, operation: AuthOperation) => toAuthError(error, operation);

describe('toAuthError', () => {
  it('refresh: invalid_grant → SESSION_EXPIRED; other OAuth errors → PROVIDER_ERROR', () => {
    expect(map(bodyError(400, 'invalid_grant'), 'refresh').code).toBe('SESSION_EXPIRED');
    const other = map(bodyError(400, 'invalid_scope', 'scope too wide'), 'refresh');
    expect(other.code).toBe('PROVIDER_ERROR');
    expect(other.message).toContain('invalid_scope');
    expect(other.message).toContain('scope too wide');
  });

  it('refresh: what a refusal means, the one rule (RFC 6749 §5.2, and providers that bend it)', () => {
    expect(refreshRefusal(400, 'invalid_grant')).toBe('grant-dead');
    expect(refreshRefusal(403, 'invalid_grant')).toBe('grant-dead'); // Auth0's status for it
    expect(refreshRefusal(400, 'invalid_request')).toBe('grant-dead');
    expect(refreshRefusal(400, undefined)).toBe('grant-dead');
    expect(refreshRefusal(401, undefined)).toBe('grant-dead');
    expect(refreshRefusal(401, 'invalid_client')).toBe('client-refused');
    expect(refreshRefusal(400, 'unauthorized_client')).toBe('client-refused');
    expect(refreshRefusal(400, 'unsupported_grant_type')).toBe('client-refused');
    for (const status of [302, 408, 429, 500, 503])
      expect(refreshRefusal(status, undefined)).toBe('transient');
    expect(refreshRefusal(503, 'invalid_grant')).toBe('transient');
    expect(refreshRefusal(400, 'invalid_scope')).toBe('other');
    expect(refreshRefusal(403, undefined)).toBe('other');
    expect(refreshRefusal(404, undefined)).toBe('other');
  });

  it('refresh: a 400 or 401 without an OAuth error ends the session, naming the status and what was sent', () => {
    const empty = map(notConform(400), 'refresh');
    expect(empty.code).toBe('SESSION_EXPIRED');
    expect(empty.message).toBe(
      'The provider refused to renew your session (HTTP 400 with an empty body), so it has ended. Sign in again to continue.',
    );
    const html = toAuthError(notJson(401, '<h1>Unauthorized</h1>', 'text/html'), 'refresh', 'Unauthorized');
    expect(html.code).toBe('SESSION_EXPIRED');
    expect(html.message).toContain('(HTTP 401: "Unauthorized")');
    expect(html.message).not.toContain('JSON');
  });

  it('refresh: invalid_request ends the session; invalid_client keeps it and says signing in again will not help', () => {
    const request = map(bodyError(400, 'invalid_request'), 'refresh');
    expect(request.code).toBe('SESSION_EXPIRED');
    expect(request.message).toContain('(invalid_request)');
    const client = map(bodyError(401, 'invalid_client', 'client authentication failed'), 'refresh');
    expect(client.code).toBe('PROVIDER_ERROR');
    expect(client.message).toContain('invalid_client: client authentication failed');
    expect(client.message).toContain('Signing in again will not help');
    const forbidden = map(notConform(403), 'refresh');
    expect(forbidden.code).toBe('PROVIDER_ERROR');
    expect(forbidden.message).toBe(
      'The provider answered HTTP 403 with an empty body while renewing the session.',
    );
  });

  it('408 (the server gave up waiting) is the network, like a 5xx', () => {
    expect(map(notConform(408), 'refresh').code).toBe('NETWORK');
    expect(map(notConform(408), 'userinfo').code).toBe('NETWORK');
  });

  it('an answer without JSON names its status and excerpt instead of "not valid JSON"', () => {
    const revoke = toAuthError(notJson(401, null), 'revoke');
    expect(revoke.code).toBe('PROVIDER_ERROR');
    expect(revoke.message).toBe(
      'The provider answered HTTP 401 with an empty body while revoking the session.',
    );
    const exchange = toAuthError(notConform(400, 'Bad Request'), 'codeExchange', 'Bad Request');
    expect(exchange.message).toBe(
      'The provider answered HTTP 400: "Bad Request" while completing the sign-in.',
    );
  });

  it('code exchange: invalid_grant is not a session ending, it is a failed sign-in (PROVIDER_ERROR)', () => {
    expect(map(bodyError(400, 'invalid_grant'), 'codeExchange').code).toBe('PROVIDER_ERROR');
  });

  it('5xx, timeouts, aborts and fetch failures → NETWORK', () => {
    expect(map(notConform(502), 'refresh').code).toBe('NETWORK');
    expect(map(notConform(503), 'userinfo').code).toBe('NETWORK');
    expect(
      map(Object.assign(new ClientError('operation timed out'), { code: 'OAUTH_TIMEOUT' }), 'refresh').code,
    ).toBe('NETWORK');
    expect(
      map(Object.assign(new ClientError('operation aborted'), { code: 'OAUTH_ABORT' }), 'refresh').code,
    ).toBe('NETWORK');
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
    });
    expect(map(refused, 'discovery').code).toBe('NETWORK');
    expect(map(new DOMException('timed out', 'TimeoutError'), 'revoke').code).toBe('NETWORK');
  });

  it('a body cut off mid-answer (reset, closed, timed out) → NETWORK; a complete body that is not JSON → PROVIDER_ERROR', () => {
    // openid-client reports every failed response.json() as OAUTH_PARSE_ERROR; undici fails the body
    // read with TypeError('terminated') caused by the socket error, or with the timeout's DOMException.
    const parseFailure = (cause: unknown) =>
      wrapped('OAUTH_PARSE_ERROR', 'failed to parse "response" body as JSON', cause);
    const socket = (code: string) =>
      new TypeError('terminated', { cause: Object.assign(new Error('other side closed'), { code }) });
    const reset = map(parseFailure(socket('ECONNRESET')), 'discovery');
    expect(reset.code).toBe('NETWORK');
    expect(reset.message).toContain('the connection broke off mid-answer');
    // The log keeps the socket's reason, found down the cause chain.
    expect((reset.cause as Error).message).toContain('[ECONNRESET]');
    expect(map(parseFailure(socket('UND_ERR_SOCKET')), 'refresh').code).toBe('NETWORK');
    const late = map(parseFailure(new DOMException('aborted due to timeout', 'TimeoutError')), 'userinfo');
    expect(late.code).toBe('NETWORK');
    expect(late.message).toContain('the request timed out');
    expect(map(parseFailure(new DOMException('aborted', 'AbortError')), 'userinfo').code).toBe('NETWORK');

    const malformed = map(parseFailure(new SyntaxError('Unterminated string in JSON')), 'discovery');
    expect(malformed.code).toBe('PROVIDER_ERROR');
    expect(malformed.message).toContain('not valid JSON');
    // A TypeError alone (e.g. a body read twice) says nothing about the network.
    expect(map(parseFailure(new TypeError('Body is unusable')), 'discovery').code).toBe('PROVIDER_ERROR');
  });

  it('a redirect where JSON was expected (captive portal) → NETWORK; 429 → RATE_LIMITED', () => {
    expect(map(notConform(302), 'refresh').code).toBe('NETWORK');
    expect(map(notConform(429), 'refresh').code).toBe('RATE_LIMITED');
  });

  it('userinfo: 401 → ACCESS_TOKEN_REJECTED (challenge or not), 403 → FORBIDDEN', () => {
    expect(map(challenge(401, 'invalid_token'), 'userinfo').code).toBe('ACCESS_TOKEN_REJECTED');
    expect(map(notConform(401), 'userinfo').code).toBe('ACCESS_TOKEN_REJECTED');
    expect(map(challenge(403, 'insufficient_scope'), 'userinfo').code).toBe('FORBIDDEN');
  });

  it('a 401 challenge from the token endpoint (invalid_client) is a provider problem, not a dead session', () => {
    const error = map(challenge(401, 'invalid_client'), 'refresh');
    expect(error.code).toBe('PROVIDER_ERROR');
    expect(error.message).toContain('invalid_client');
  });

  it('access_denied in the authorization response → LOGIN_DECLINED saying the sign-in was declined', () => {
    const params = new URLSearchParams({
      error: 'access_denied',
      error_description: 'End-User aborted interaction',
      state: 's',
    });
    const error = map(
      new AuthorizationResponseError('authorization response from the server is an error', { cause: params }),
      'codeExchange',
    );
    expect(error.code).toBe('LOGIN_DECLINED');
    expect(error.message).toBe(
      'Sign-in was declined at the provider: End-User aborted interaction. You can try again.',
    );
  });

  it('discovery: issuer mismatch → PROVIDER_ERROR naming both issuers; 404 → CONFIG_INVALID', () => {
    const mismatch = new ClientError('discovered metadata issuer does not match the expected issuer', {
      cause: {
        expected: 'http://localhost:4400/',
        body: { issuer: 'http://127.0.0.1:4400' },
        attribute: 'issuer',
      },
    });
    mismatch.code = 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED';
    const error = map(mismatch, 'discovery');
    expect(error.code).toBe('PROVIDER_ERROR');
    expect(error.message).toContain('"http://127.0.0.1:4400"');
    expect(error.message).toContain('"http://localhost:4400/"');
    expect(map(notConform(404), 'discovery').code).toBe('CONFIG_INVALID');
  });

  it('nonce and subject checks → PROVIDER_ERROR with a readable reason', () => {
    const nonce = map(
      wrapped('OAUTH_JWT_CLAIM_COMPARISON_FAILED', 'unexpected ID Token "nonce" claim value', {
        claim: 'nonce',
      }),
      'codeExchange',
    );
    expect(nonce.message).toContain('nonce mismatch');
    const sub = map(
      wrapped('OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED', 'unexpected "response" body "sub" property value', {
        attribute: 'sub',
      }),
      'userinfo',
    );
    expect(sub.code).toBe('PROVIDER_ERROR');
    expect(sub.message).toContain('different user');
  });

  it('an http endpoint in an https provider document → CONFIG_INVALID', () => {
    expect(
      map(wrapped('OAUTH_HTTP_REQUEST_FORBIDDEN', 'only requests to HTTPS are allowed', undefined), 'refresh')
        .code,
    ).toBe('CONFIG_INVALID');
  });

  it('passes LatchkeyErrors through and maps anything unknown to INTERNAL', () => {
    const own = new LatchkeyError('LOGIN_TIMEOUT', 'late');
    expect(map(own, 'authorization')).toBe(own);
    expect(map(new RangeError('bug'), 'refresh').code).toBe('INTERNAL');
    expect(
      map(
        Object.assign(new TypeError('"config" must be an instance of Configuration'), {
          code: 'ERR_INVALID_ARG_TYPE',
        }),
        'refresh',
      ).code,
    ).toBe('INTERNAL');
  });

  it('never puts the authorization code, state or tokens into the message or the kept cause', () => {
    const secretParams = new URLSearchParams({
      code: 'SECRET-CODE',
      state: 'SECRET-STATE',
      iss: 'https://evil.example',
    });
    const errors = [
      map(
        wrapped('OAUTH_INVALID_RESPONSE', 'unexpected "iss" (issuer) response parameter value', {
          parameters: secretParams,
        }),
        'codeExchange',
      ),
      map(
        new AuthorizationResponseError('authorization response from the server is an error', {
          cause: new URLSearchParams({ error: 'server_error', state: 'SECRET-STATE', code: 'SECRET-CODE' }),
        }),
        'codeExchange',
      ),
      map(
        wrapped('OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED', 'x', {
          attribute: 'sub',
          body: { access_token: 'SECRET-TOKEN' },
        }),
        'userinfo',
      ),
    ];
    for (const error of errors) {
      const everything = `${error.message}\n${String((error.cause as Error).message)}\n${(error.cause as Error).stack}`;
      expect(everything).not.toMatch(/SECRET/);
      expect((error.cause as Error).cause).toBeUndefined();
    }
    expect(errors[0]!.message).toContain('"iss"');
  });
});

describe('toAuthError: which failures keep the session (the network) and which do not', () => {
  const socketError = (code: string) => Object.assign(new Error(`socket ${code}`), { code });

  it.each(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'UND_ERR_SOCKET'])(
    'a bare socket error %s is the network: you stay signed in',
    (code) => {
      const error = map(socketError(code), 'refresh');
      expect(error.code).toBe('NETWORK');
      expect(error.message).toContain('You stay signed in');
    },
  );

  it.each(['EPERM', 'ENOENT', 'ERR_SOMETHING', 'XECONNRESET', 'OAUTH-ish'])(
    'an error with code %s is not the network: a bug, not an outage to wait out',
    (code) => {
      expect(map(socketError(code), 'refresh').code).toBe('INTERNAL');
    },
  );

  it("openid-client's own argument errors (TypeError ERR_INVALID_ARG_*) are bugs, not the network", () => {
    const argument = Object.assign(new TypeError('"input" must be a string'), {
      code: 'ERR_INVALID_ARG_TYPE',
    });
    expect(map(argument, 'refresh').code).toBe('INTERNAL');
    expect(map(new TypeError('fetch failed'), 'refresh').code).toBe('NETWORK');
    expect(map(new DOMException('aborted', 'AbortError'), 'refresh').code).toBe('NETWORK');
    expect(map(new DOMException('bad', 'SyntaxError'), 'refresh').code).toBe('INTERNAL');
  });

  it('a fetch failure says whether it timed out or the connection failed', () => {
    expect(map(new DOMException('timed out', 'TimeoutError'), 'userinfo').message).toContain(
      'the request timed out',
    );
    expect(map(new TypeError('fetch failed'), 'userinfo').message).toContain('the connection failed');
  });

  it('a cause chain that loops back on itself is walked a bounded number of steps (no hang)', () => {
    const cyclic = new Error('looping');
    Object.defineProperty(cyclic, 'cause', { value: cyclic });
    expect(map(cyclic, 'refresh').code).toBe('INTERNAL');
    const parse = wrapped('OAUTH_PARSE_ERROR', 'failed to parse "response" body as JSON', undefined);
    const inner = parse.cause as Error;
    const loop = new TypeError('terminated');
    Object.defineProperty(loop, 'cause', { value: loop });
    Object.defineProperty(inner, 'cause', { value: loop });
    expect(map(parse, 'refresh').code).toBe('PROVIDER_ERROR');
  });

  it('a socket code deep in a cause chain still counts, within the bound the walk keeps', () => {
    const nested = (depth: number) => {
      let error: Error = socketError('ECONNRESET');
      for (let i = 0; i < depth; i += 1) error = new Error(`level ${i}`, { cause: error });
      return wrapped('OAUTH_PARSE_ERROR', 'failed to parse "response" body as JSON', error);
    };
    // The walk looks at five links below the error: the socket error is the fifth link of nested(3).
    expect(map(nested(3), 'refresh').code).toBe('NETWORK');
    // One link further is past the bound: a malformed answer, not a network failure.
    expect(map(nested(4), 'refresh').code).toBe('PROVIDER_ERROR');
  });
});

describe('toAuthError: one status, different meanings for different calls', () => {
  it('a 404 means a wrong issuer only for discovery; elsewhere it is an answer without meaning', () => {
    expect(map(notConform(404), 'discovery').code).toBe('CONFIG_INVALID');
    for (const operation of ['userinfo', 'codeExchange', 'revoke'] as const) {
      const error = map(notConform(404), operation);
      expect(error.code).toBe('PROVIDER_ERROR');
      expect(error.message).toContain('HTTP 404');
    }
    // A discovery failure that is not a 404 is not a wrong issuer either.
    expect(map(notConform(410), 'discovery').code).toBe('PROVIDER_ERROR');
  });

  it('a 403 is a missing scope only from userinfo; a 401 is a refused access token only there', () => {
    const forbidden = map(notConform(403), 'userinfo');
    expect(forbidden.code).toBe('FORBIDDEN');
    expect(forbidden.message).toContain('refused to share the profile');
    for (const operation of ['codeExchange', 'revoke', 'discovery'] as const) {
      expect(map(notConform(403), operation).code).toBe('PROVIDER_ERROR');
      expect(map(notConform(401), operation).code).toBe('PROVIDER_ERROR');
    }
  });

  it('another error in the authorization response names the error instead of "declined"', () => {
    const params = new URLSearchParams({ error: 'login_required', state: 's' });
    const error = map(
      new AuthorizationResponseError('authorization response from the server is an error', { cause: params }),
      'authorization',
    );
    expect(error.code).toBe('PROVIDER_ERROR');
    expect(error.message).toBe('The provider could not sign you in (login_required).');
    const declined = map(
      new AuthorizationResponseError('authorization response from the server is an error', {
        cause: new URLSearchParams({ error: 'access_denied', state: 's' }),
      }),
      'authorization',
    );
    expect(declined.message).toBe('Sign-in was declined at the provider. You can try again.');
  });

  it('a failed check of another claim or attribute names the check, not nonce or another user', () => {
    const audience = map(
      wrapped('OAUTH_JWT_CLAIM_COMPARISON_FAILED', 'unexpected JWT "aud" (audience) claim value', {
        claim: 'aud',
      }),
      'codeExchange',
    );
    expect(audience.code).toBe('PROVIDER_ERROR');
    expect(audience.message).toBe('The provider\'s ID token failed the "aud" check.');
    const attribute = map(
      wrapped('OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED', 'unexpected "response" body "x" property value', {
        attribute: 'x',
      }),
      'userinfo',
    );
    expect(attribute.message).toBe("The provider's answer failed a check while reading the profile.");
  });

  it("an ID token outside its validity (clock skew) tells the person to check this computer's clock", () => {
    const skew = map(
      wrapped(
        'OAUTH_JWT_TIMESTAMP_CHECK_FAILED',
        'unexpected JWT "iat" (issued at) claim value, it is in the future',
        {
          claim: 'iat',
        },
      ),
      'codeExchange',
    );
    expect(skew.code).toBe('PROVIDER_ERROR');
    expect(skew.message).toBe(
      "The provider's ID token is expired or not yet valid. Check this computer's clock.",
    );
  });
});

describe('toAuthError: what each refusal says', () => {
  it('invalid_grant refuses the sign-in code in a code exchange, and is just an answer elsewhere', () => {
    const exchange = map(bodyError(400, 'invalid_grant', 'code reused'), 'codeExchange');
    expect(exchange.code).toBe('PROVIDER_ERROR');
    expect(exchange.message).toBe(
      'The provider refused the sign-in code (invalid_grant): code reused. Please try again.',
    );
    const revoke = map(bodyError(400, 'invalid_grant'), 'revoke');
    expect(revoke.message).toBe('The provider answered "invalid_grant" while revoking the session.');
    const other = map(bodyError(400, 'invalid_request'), 'codeExchange');
    expect(other.message).toBe('The provider answered "invalid_request" while completing the sign-in.');
  });

  it('a refused refresh says whether the provider ended the session or refused to renew it', () => {
    const ended = map(bodyError(400, 'invalid_grant'), 'refresh');
    expect(ended.code).toBe('SESSION_EXPIRED');
    expect(ended.message).toContain('The provider ended your session');
    const refused = map(bodyError(400, 'invalid_request', 'unknown token'), 'refresh');
    expect(refused.code).toBe('SESSION_EXPIRED');
    expect(refused.message).toContain('refused to renew your session (invalid_request: unknown token)');
    // The same refusal in a WWW-Authenticate challenge instead of a JSON body.
    expect(map(challenge(400, 'invalid_grant'), 'refresh').code).toBe('SESSION_EXPIRED');
  });

  it('any other refresh answer keeps the session and says what the provider answered', () => {
    const scope = map(bodyError(400, 'invalid_scope'), 'refresh');
    expect(scope.code).toBe('PROVIDER_ERROR');
    expect(scope.message).toBe('The provider answered "invalid_scope" while renewing the session.');
    const forbidden = map(notConform(403), 'refresh');
    expect(forbidden.code).toBe('PROVIDER_ERROR');
    expect(forbidden.message).toBe(
      'The provider answered HTTP 403 with an empty body while renewing the session.',
    );
    expect(refreshRefusal(300, 'invalid_grant')).toBe('transient');
    expect(refreshRefusal(299, 'invalid_grant')).toBe('grant-dead');
  });

  it('a challenge from another endpoint names its status and error, or only its status', () => {
    expect(map(challenge(401, 'invalid_client'), 'codeExchange').message).toBe(
      'The provider refused the request (HTTP 401 invalid_client) while completing the sign-in.',
    );
    const bare = new WWWAuthenticateChallengeError('challenge', {
      cause: [],
      response: new Response(null, { status: 401 }),
    });
    expect(map(bare, 'revoke').message).toBe(
      'The provider refused the request (HTTP 401) while revoking the session.',
    );
  });

  it('openid-client checks without details still get a sentence, never a crash', () => {
    const bareCheck = (code: string) => Object.assign(new ClientError('check failed'), { code });
    expect(map(bareCheck('OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED'), 'userinfo').message).toBe(
      "The provider's answer failed a check while reading the profile.",
    );
    expect(map(bareCheck('OAUTH_JWT_CLAIM_COMPARISON_FAILED'), 'codeExchange').message).toBe(
      'The provider\'s ID token failed the "claim" check.',
    );
    const notConformWithoutResponse = bareCheck('OAUTH_RESPONSE_IS_NOT_CONFORM');
    expect(map(notConformWithoutResponse, 'discovery').message).toBe(
      'The provider sent an answer that is not valid JSON while reading the provider configuration.',
    );
    expect(map(new ClientError('no code at all'), 'refresh').code).toBe('INTERNAL');
  });

  it("an unknown check names oauth4webapi's own message, not openid-client's generic one", () => {
    const error = map(
      wrapped('OAUTH_SOMETHING_NEW', 'unexpected "x" response parameter', undefined),
      'refresh',
    );
    expect(error.code).toBe('PROVIDER_ERROR');
    expect(error.message).toBe(
      'The provider\'s answer failed a check while renewing the session: unexpected "x" response parameter.',
    );
  });

  it('timeouts and aborts say which', () => {
    expect(map(Object.assign(new ClientError('t'), { code: 'OAUTH_TIMEOUT' }), 'refresh').message).toContain(
      'the request timed out',
    );
    expect(map(Object.assign(new ClientError('a'), { code: 'OAUTH_ABORT' }), 'refresh').message).toContain(
      'the request was aborted',
    );
    const parse = (cause: unknown) => wrapped('OAUTH_PARSE_ERROR', 'failed to parse', cause);
    expect(map(parse(new DOMException('aborted', 'AbortError')), 'userinfo').message).toContain(
      'the connection broke off mid-answer',
    );
    // An Error merely named like a DOMException is not one.
    const lookalike = Object.assign(new Error('x'), { name: 'TimeoutError' });
    expect(map(parse(lookalike), 'userinfo').code).toBe('PROVIDER_ERROR');
  });

  it('anything thrown that is not an Error maps to INTERNAL', () => {
    expect(map(null, 'refresh').code).toBe('INTERNAL');
    expect(map('boom', 'refresh').code).toBe('INTERNAL');
  });
});

describe('safeCause keeps facts for the log', () => {
  it('names the class, code, status and OAuth error, and a system code only when there is one', () => {
    const error = Object.assign(new Error('refused'), { code: 'E_X', status: 400, error: 'invalid_grant' });
    expect(safeCause(error).message).toBe('Error: refused (code=E_X, status=400, error=invalid_grant)');
    expect(safeCause(new Error('plain')).message).toBe('Error: plain');
    expect(safeCause('boom').message).toBe('non-Error thrown: string');
  });

  it("keeps the original stack's frames under its own first line", () => {
    const error = new Error('with a stack');
    const frames = (error.stack ?? '').split('\n').slice(1);
    const stack = (safeCause(error).stack ?? '').split('\n');
    expect(stack[0]).toBe('Error: Error: with a stack');
    expect(stack.slice(1)).toEqual(frames);
  });
});

describe('answerExcerpt', () => {
  it('reads a short, plain, single-line excerpt of a body without JSON, with the request secrets cut out', async () => {
    const page =
      '<html><head><style>p{}</style><script>x()</script><title>Error</title></head>' +
      '<body><p>Token\nrt-SECRET-123 is not valid</p></body></html>';
    const excerpt = await answerExcerpt(notJson(400, page, 'text/html'), ['rt-SECRET-123']);
    expect(excerpt).toBe('Error Token … is not valid');
    expect(await answerExcerpt(notConform(400, 'x'.repeat(5000)))).toHaveLength(100);
    expect(await answerExcerpt(notConform(400))).toBeUndefined();
    expect(await answerExcerpt(bodyError(400, 'invalid_grant'))).toBeUndefined();
    expect(await answerExcerpt(new Error('no response'))).toBeUndefined();
  });

  it('never calls a body openid-client already read "empty": what it said is unknown', async () => {
    // openid-client reads a 200 answer's body before it finds it is not JSON (a captive portal's page).
    const error = notJson(200, '<h1>Sign in to the hotel Wi-Fi</h1>', 'text/html');
    await (error.cause as Response).text();
    const excerpt = await answerExcerpt(error);
    expect(excerpt).toBeNull();
    expect(toAuthError(error, 'userinfo', excerpt).message).toBe(
      'The provider answered HTTP 200 with an answer that is not the JSON the standard asks for while reading the profile.',
    );
    expect(toAuthError(notJson(200, null), 'userinfo', await answerExcerpt(notJson(200, null))).message).toBe(
      'The provider answered HTTP 200 with an empty body while reading the profile.',
    );
  });

  it('gives up on a body that does not arrive within a second', async () => {
    const stalled = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('partial'));
      },
    });
    const error = new ClientError('unexpected HTTP response status code', {
      cause: new Response(stalled, { status: 400 }),
    });
    error.code = 'OAUTH_RESPONSE_IS_NOT_CONFORM';
    expect(await answerExcerpt(error)).toBe('partial');
  });
});

describe('sanitizeProviderText', () => {
  it('keeps provider text short, single-line and free of control characters', () => {
    expect(sanitizeProviderText('line one\nline\u0000 two')).toBe('line one line two');
    expect(sanitizeProviderText('x'.repeat(500))?.length).toBe(200);
    expect(sanitizeProviderText(42)).toBeUndefined();
    expect(sanitizeProviderText('   ')).toBeUndefined();
  });
});

describe('safeCause', () => {
  it('keeps the class, code, status and OAuth error, and the system error code of a fetch failure', () => {
    const cause = safeCause(
      new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) }),
    );
    expect(cause.message).toBe('TypeError: fetch failed [ECONNREFUSED]');
    expect(safeCause(bodyError(400, 'invalid_grant')).message).toContain('status=400, error=invalid_grant');
  });
});

describe('every provider text in an auth error goes through sanitizeProviderText', () => {
  const HOSTILE = 'gnp.exe\u202e\u2066 ok\u200b\u0007\r\nforged line';
  const messages = () => [
    map(bodyError(400, `invalid_scope${HOSTILE}`, HOSTILE), 'refresh').message,
    map(bodyError(400, 'invalid_grant', HOSTILE), 'codeExchange').message,
    map(challenge(401, `invalid_client${HOSTILE}`), 'refresh').message,
    map(
      new AuthorizationResponseError('authorization response from the server is an error', {
        cause: new URLSearchParams({
          error: `access_denied${HOSTILE}`,
          error_description: HOSTILE,
          state: 's',
        }),
      }),
      'codeExchange',
    ).message,
    map(
      wrapped('OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED', 'unexpected issuer', {
        attribute: 'issuer',
        expected: 'https://login.example/',
        body: { issuer: `https://login.example/${HOSTILE}` },
      }),
      'discovery',
    ).message,
    map(
      wrapped('OAUTH_JWT_CLAIM_COMPARISON_FAILED', 'unexpected claim', { claim: `aud${HOSTILE}` }),
      'refresh',
    ).message,
  ];

  it('no control, format (bidi, zero-width) or line-break character reaches the message', () => {
    for (const message of messages()) {
      expect(message).not.toMatch(/\p{C}/u);
      expect(message).not.toContain('\n');
    }
  });
});
