import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Provider } from 'oidc-provider';
import type { AccountRecord } from './accounts.js';
import type { ManagementTokens } from './auth0-management.js';
import { BodyTooLargeError, readBody, sendJson } from './http-util.js';
import type { MetadataStore, UserMetadata } from './metadata-store.js';

/** The subset of Auth0's user object (GET /api/v2/users/{id}) that the local provider models. */
export interface Auth0User {
  user_id: string;
  email: string;
  email_verified: boolean;
  name: string;
  given_name: string;
  family_name: string;
  nickname: string;
  picture: string;
  user_metadata: UserMetadata;
  app_metadata: Record<string, unknown>;
  identities: Array<{ provider: string; user_id: string; connection: string; isSocial: boolean }>;
  created_at: string;
  updated_at: string;
}

/** Read access to the provider's users, for tests; plus a way to seed metadata before a test. */
export interface UserDirectory {
  list(): Auth0User[];
  get(userId: string): Auth0User | undefined;
  metadataOf(userId: string): UserMetadata | undefined;
  /** Replaces a user's whole user_metadata (test set-up); persisted like a PATCH. */
  replaceMetadata(userId: string, metadata: UserMetadata): Promise<void>;
}

/**
 * The local provider's own cap on user_metadata, the same as Latchkey's (common/metadata-rules.ts).
 * Auth0 documents a 10 KB limit on the whole user profile whose writes above it still succeed for
 * now, with a warning in the tenant logs
 * (https://auth0.com/docs/manage-users/user-accounts/metadata/metadata-fields-data).
 */
const METADATA_LIMIT_BYTES = 16 * 1024;
const BODY_LIMIT_BYTES = 1024 * 1024;

const READ_SCOPES = ['read:users', 'read:current_user', 'read:user_idp_tokens'];
const UPDATE_SCOPES = ['update:users', 'update:users_app_metadata', 'update:current_user_metadata'];

export function createUserDirectory(
  accounts: readonly AccountRecord[],
  metadata: MetadataStore,
): UserDirectory {
  const toUser = (account: AccountRecord): Auth0User => {
    const record = metadata.get(account.sub);
    const [connection = 'local', id = account.login] = account.sub.split('|');
    return {
      user_id: account.sub,
      email: account.email,
      email_verified: account.email_verified,
      name: account.name,
      given_name: account.given_name,
      family_name: account.family_name,
      nickname: account.login,
      picture: account.picture,
      user_metadata: structuredClone(record?.user_metadata ?? {}),
      app_metadata: {},
      identities: [
        {
          provider: connection,
          user_id: id,
          connection: 'Username-Password-Authentication',
          isSocial: false,
        },
      ],
      created_at: account.created_at,
      updated_at: record?.updated_at ?? account.created_at,
    };
  };
  const find = (userId: string) => accounts.find((account) => account.sub === userId);
  return {
    list: () => accounts.map(toUser),
    get: (userId) => {
      const account = find(userId);
      return account ? toUser(account) : undefined;
    },
    metadataOf: (userId) => {
      if (!find(userId)) return undefined;
      return structuredClone(metadata.get(userId)?.user_metadata ?? {});
    },
    replaceMetadata: async (userId, next) => {
      if (!find(userId)) throw new Error(`idp: no user ${JSON.stringify(userId)}`);
      await metadata.set(userId, {
        user_metadata: structuredClone(next),
        updated_at: new Date().toISOString(),
      });
    },
  };
}

/** Errors in Auth0's Management API shape, so the app's error mapping is tested against the real thing. */
class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly error: string,
    message: string,
    readonly errorCode?: string,
    readonly attributes?: Record<string, unknown>,
  ) {
    super(message);
  }

  toJSON(): Record<string, unknown> {
    return {
      statusCode: this.statusCode,
      error: this.error,
      message: this.message,
      ...(this.errorCode ? { errorCode: this.errorCode } : {}),
      ...(this.attributes ? { attributes: this.attributes } : {}),
    };
  }
}

const badRequest = (message: string, errorCode = 'invalid_body') =>
  new ApiError(400, 'Bad Request', message, errorCode);
// Auth0 sends no errorCode on 401s; one is added so clients can branch on a code for every status.
const unauthorized = (message: string) =>
  new ApiError(401, 'Unauthorized', message, 'invalid_token', { error: message });
const insufficientScope = (expected: readonly string[]) =>
  new ApiError(
    403,
    'Forbidden',
    `Insufficient scope, expected any of: ${expected.join(',')}`,
    'insufficient_scope',
  );

export interface UsersApiDeps {
  provider: Provider;
  metadata: MetadataStore;
  users: UserDirectory;
  /** Auth0's Management API tokens (`managementApi: 'auth0'`): JWTs judged by audience and expiry. */
  management?: ManagementTokens;
  /** Refuse metadata keys with `.` or `$`, as Auth0 does (`managementApi: 'auth0'`). */
  auth0KeyRules?: boolean;
}

interface Caller {
  sub: string;
  scopes: Set<string>;
}

async function authenticateCaller(deps: UsersApiDeps, req: IncomingMessage): Promise<Caller> {
  const header = req.headers.authorization;
  if (!header) throw unauthorized('Missing authentication');
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) throw unauthorized('Bad HTTP authentication header format');
  if (deps.management) {
    const judged = await deps.management.judge(match[1]);
    if (judged.kind === 'refused') throw unauthorized(judged.message);
    return { sub: judged.sub, scopes: judged.scopes };
  }
  // Opaque tokens: the provider's own store is the only thing that can vouch for them.
  const token = await deps.provider.AccessToken.find(match[1], { ignoreExpiration: true });
  if (!token) throw unauthorized('Invalid token');
  if (token.isExpired) throw unauthorized('Expired token received for JSON Web Token validation');
  // A grant revoked since the token was issued (sign-out, revokeAllGrantsFor) ends the token too.
  if (!token.grantId || !(await deps.provider.Grant.find(token.grantId))) throw unauthorized('Invalid token');
  return { sub: token.accountId, scopes: token.scopes };
}

function requireScope(caller: Caller, needed: string, expected: readonly string[]): void {
  if (!caller.scopes.has(needed)) throw insufficientScope(expected);
}

function parseIncludeFields(value: string | null): boolean {
  if (value === null || value === 'true') return true;
  if (value === 'false') return false;
  throw badRequest(
    `Query validation error: 'Expected type boolean but found type string' on property include_fields.`,
    'invalid_query_string',
  );
}

function selectFields(user: Auth0User, fields: string | null, include: boolean): Partial<Auth0User> {
  const names = (fields ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  if (names.length === 0) return user;
  const wanted = new Set(names);
  return Object.fromEntries(
    Object.entries(user).filter(([key]) => wanted.has(key) === include),
  ) as Partial<Auth0User>;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * Auth0's merge: root-level keys are merged, a null value deletes its key, nested objects are replaced
 * whole, and an empty object clears user_metadata altogether.
 */
function mergeUserMetadata(current: UserMetadata, patch: UserMetadata): UserMetadata {
  if (Object.keys(patch).length === 0) return {};
  const merged: UserMetadata = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

/** Every key, at any depth, that holds a `.` or a `$`. */
function badKeys(value: unknown, found: string[] = [], depth = 0): string[] {
  if (depth > 32 || typeof value !== 'object' || value === null) return found;
  for (const [key, inner] of Object.entries(value)) {
    if (!Array.isArray(value) && /[.$]/.test(key)) found.push(JSON.stringify(key));
    badKeys(inner, found, depth + 1);
  }
  return found;
}

async function readPatch(req: IncomingMessage): Promise<UserMetadata> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type))
    throw badRequest('Invalid request payload: Content-Type must be application/json');
  let text: string;
  try {
    text = await readBody(req, BODY_LIMIT_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLargeError)
      throw new ApiError(
        413,
        'Request Entity Too Large',
        'Payload content length greater than maximum allowed: 1048576',
      );
    throw error;
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw badRequest('Invalid request payload JSON format');
  }
  if (!isPlainObject(body))
    throw badRequest(`Payload validation error: 'Expected type object but found type ${typeName(body)}'.`);
  const extra = Object.keys(body).filter((key) => key !== 'user_metadata');
  if (extra.length)
    throw badRequest(`Payload validation error: 'Additional properties not allowed: ${extra.join(',')}'.`);
  if (!('user_metadata' in body))
    throw badRequest(`Payload validation error: 'Too few properties defined (0), minimum 1'.`);
  const patch = body.user_metadata;
  if (!isPlainObject(patch)) {
    throw badRequest(
      `Payload validation error: 'Expected type object but found type ${typeName(patch)}' on property user_metadata.`,
    );
  }
  return patch;
}

/** Handles /api/v2/users/{id}; `encodedId` is the raw path segment. */
export async function handleUsersApi(
  deps: UsersApiDeps,
  req: IncomingMessage,
  res: ServerResponse,
  encodedId: string,
  query: URLSearchParams,
): Promise<void> {
  try {
    if (req.method !== 'GET' && req.method !== 'PATCH') {
      throw new ApiError(
        405,
        'Method Not Allowed',
        `Method ${req.method ?? ''} is not supported here; use GET or PATCH`,
      );
    }
    let userId: string;
    try {
      userId = decodeURIComponent(encodedId);
    } catch {
      throw new ApiError(404, 'Not Found', 'The user does not exist.', 'inexistent_user');
    }
    const caller = await authenticateCaller(deps, req);
    const [needed, expected] =
      req.method === 'GET'
        ? (['read:current_user', READ_SCOPES] as const)
        : (['update:current_user_metadata', UPDATE_SCOPES] as const);
    requireScope(caller, needed, expected);
    const user = deps.users.get(userId);
    if (!user) throw new ApiError(404, 'Not Found', 'The user does not exist.', 'inexistent_user');
    // *:current_user scopes only reach the token's own user; for anyone else Auth0 answers as if the
    // scope were missing.
    if (caller.sub !== userId) throw insufficientScope(expected);

    if (req.method === 'GET') {
      const include = parseIncludeFields(query.get('include_fields'));
      sendJson(res, 200, selectFields(user, query.get('fields'), include));
      return;
    }

    const patch = await readPatch(req);
    if (deps.auth0KeyRules) {
      // "Field names must not contain the . (dot) or $ (dollar sign) characters"
      // (https://auth0.com/docs/manage-users/user-accounts/metadata/metadata-fields-data). The
      // wording of Auth0's refusal is not documented; this is the local provider's.
      const bad = badKeys(patch);
      if (bad.length > 0)
        throw badRequest(
          `Payload validation error: user_metadata field names must not contain '.' or '$' (${bad.join(', ')}).`,
        );
    }
    const merged = mergeUserMetadata(deps.metadata.get(userId)?.user_metadata ?? {}, patch);
    const size = Buffer.byteLength(JSON.stringify(merged), 'utf8');
    if (size > METADATA_LIMIT_BYTES) {
      throw badRequest(
        `Payload validation error: 'user_metadata' must not exceed ${METADATA_LIMIT_BYTES} bytes (would be ${size} bytes).`,
      );
    }
    await deps.metadata.set(userId, { user_metadata: merged, updated_at: new Date().toISOString() });
    sendJson(res, 200, deps.users.get(userId));
  } catch (error) {
    if (error instanceof ApiError) {
      const headers: Record<string, string> = {};
      if (error.statusCode === 401) headers['WWW-Authenticate'] = 'Bearer error="invalid_token"';
      if (error.statusCode === 405) headers.Allow = 'GET, PATCH';
      sendJson(res, error.statusCode, error.toJSON(), headers);
      return;
    }
    throw error;
  }
}
