/**
 * Latchkey's local OpenID provider: oidc-provider with one native public client, demo accounts, a
 * login form, and an Auth0-compatible users API. The demo default of the app and the server every
 * test signs in against.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAccounts, type AccountRecord, type DemoAccount } from './accounts.js';
import { ProviderStore } from './adapter.js';
import { createManagementTokens, type ManagementTokens } from './auth0-management.js';
import {
  AUTH0_STRICT_BEHAVIOUR,
  behaviourMiddleware,
  resolveBehaviour,
  type ProviderBehaviour,
} from './behaviour.js';
import { isOwnHost } from './host-check.js';
import { sendHtml } from './http-util.js';
import {
  abortInteraction,
  confirmInteraction,
  showInteraction,
  submitConsent,
  submitLogin,
  type InteractionDeps,
} from './interactions.js';
import { createMemoryMetadataStore, openFileMetadataStore, type MetadataStore } from './metadata-store.js';
import { auth0Logout } from './auth0-logout.js';
import { avatarSvg, errorPage } from './pages.js';
import { API_SCOPES, createProvider, OIDC_SCOPES } from './provider-config.js';
import { createUserDirectory, handleUsersApi, type UserDirectory } from './users-api.js';

export type { DemoAccount } from './accounts.js';
export type { UserDirectory, Auth0User } from './users-api.js';
export type { UserMetadata } from './metadata-store.js';
export { API_SCOPES, OIDC_SCOPES, REDIRECT_URI, POST_LOGOUT_REDIRECT_URI } from './provider-config.js';
export type { ProviderBehaviour } from './behaviour.js';
export { AUTH0_STRICT_BEHAVIOUR } from './behaviour.js';

export interface IdpOptions {
  /** 0 = ephemeral. Default 0. */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** JSON file for user_metadata persistence; memory when absent. */
  metadataFile?: string;
  /** Default 3600. */
  accessTokenTtlSeconds?: number;
  /** Default 14 days. */
  refreshTokenTtlSeconds?: number;
  /** Default 'latchkey-desktop'. */
  clientId?: string;
  /**
   * The issuer to announce when clients reach the provider through something in front of it (the
   * tests' fault proxy, the benchmark's latency proxy). Default: `http://HOST:PORT` of this server.
   */
  issuerUrl?: string;
  /**
   * How this provider bends the standard, to imitate stricter real providers (exact redirect URIs,
   * refusals without JSON, no revocation...): idp/behaviour.ts documents every option. Default: a
   * standard OpenID provider. `'auth0-strict'`: Auth0 as it really is (AUTH0_STRICT_BEHAVIOUR).
   */
  behaviour?: Partial<ProviderBehaviour> | 'auth0-strict';
  /**
   * The users API's audience. Default `${issuer}/api/v2/`. Another value imitates an Auth0 custom
   * domain: the Management API keeps the tenant's own identifier while everything is served here.
   */
  audience?: string;
  /** Further API identifiers a sign-in may ask for with `audience` (the person's own APIs). */
  apis?: readonly string[];
}

export interface RunningIdp {
  /** 'http://127.0.0.1:PORT', no trailing slash (with one under `issuer: 'trailing-slash'`). */
  issuer: string;
  clientId: string;
  /** The users API audience: `${issuer}/api/v2/` unless given. */
  audience: string;
  /** Where the users API lives: `${issuer}/api/v2` (no trailing slash). */
  usersApiUrl: string;
  port: number;
  accounts: DemoAccount[];
  close(): Promise<void>;
  /** Every HTTP request received, in order (path without query string). */
  requestLog: Array<{ method: string; path: string; time: number }>;
  users: UserDirectory;
  /** The behaviour in force (defaults filled in). */
  behaviour: ProviderBehaviour;
  /** Ends every session, grant and token of one user, as if an administrator revoked them. */
  revokeAllGrantsFor(sub: string): Promise<void>;
}

const DEFAULT_ACCESS_TTL = 3600;
const DEFAULT_REFRESH_TTL = 14 * 24 * 60 * 60;

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`idp: ${name} must be a positive integer number of seconds, got ${String(value)}`);
  return value;
}

async function listen(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        new Error(`idp: cannot listen on ${host}:${port}: ${error.code ?? error.message}`, { cause: error }),
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

interface Routes {
  issuer: string;
  /** `logout: 'auth0'`: GET /v2/logout (Auth0's logout endpoint). */
  auth0Logout?: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;
  interactions: InteractionDeps;
  usersApi: Parameters<typeof handleUsersApi>[0];
  accounts: readonly AccountRecord[];
  oidc: (req: IncomingMessage, res: ServerResponse) => void;
}

async function route(routes: Routes, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const path = url.pathname;

  const interaction = /^\/interaction\/([^/]+)(?:\/(login|consent|confirm|abort))?$/.exec(path);
  if (interaction?.[1]) {
    const uid = decodeURIComponent(interaction[1]);
    const action = interaction[2];
    if (!action && req.method === 'GET') return showInteraction(routes.interactions, req, res, uid);
    if (action === 'login' && req.method === 'POST') return submitLogin(routes.interactions, req, res, uid);
    if (action === 'confirm' && req.method === 'POST')
      return confirmInteraction(routes.interactions, req, res, uid);
    if (action === 'consent' && req.method === 'POST')
      return submitConsent(routes.interactions, req, res, uid);
    if (action === 'abort' && req.method === 'POST')
      return abortInteraction(routes.interactions, req, res, uid);
    return sendHtml(res, 405, errorPage({ error: 'Method not allowed' }));
  }

  if (path === '/v2/logout' && routes.auth0Logout && req.method === 'GET')
    return routes.auth0Logout(req, res, url);

  const users = /^\/api\/v2\/users\/([^/]+)$/.exec(path);
  if (users?.[1]) return handleUsersApi(routes.usersApi, req, res, users[1], url.searchParams);

  const avatar = /^\/avatars\/([^/]+)\.svg$/.exec(path);
  if (avatar?.[1] && (req.method === 'GET' || req.method === 'HEAD')) {
    const account = routes.accounts.find(
      (candidate) => candidate.login === decodeURIComponent(avatar[1] ?? ''),
    );
    if (!account) return sendHtml(res, 404, errorPage({ error: 'No such avatar' }));
    const initials = `${account.given_name[0] ?? ''}${account.family_name[0] ?? ''}`;
    res.statusCode = 200;
    res.setHeader('Content-Type', 'image/svg+xml');
    res.setHeader('Cache-Control', 'public, max-age=86400');
    res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
    res.end(req.method === 'HEAD' ? undefined : avatarSvg(initials, account.colour));
    return;
  }

  routes.oidc(req, res);
}

export async function startIdp(options: IdpOptions = {}): Promise<RunningIdp> {
  const host = options.host ?? '127.0.0.1';
  const behaviour = resolveBehaviour(
    options.behaviour === 'auth0-strict' ? AUTH0_STRICT_BEHAVIOUR : options.behaviour,
  );
  const clientId = options.clientId ?? 'latchkey-desktop';
  const accessTokenTtlSeconds = positiveInteger(
    'accessTokenTtlSeconds',
    options.accessTokenTtlSeconds,
    DEFAULT_ACCESS_TTL,
  );
  const refreshTokenTtlSeconds = positiveInteger(
    'refreshTokenTtlSeconds',
    options.refreshTokenTtlSeconds,
    DEFAULT_REFRESH_TTL,
  );
  const metadata: MetadataStore = options.metadataFile
    ? await openFileMetadataStore(options.metadataFile)
    : createMemoryMetadataStore();

  const requestLog: RunningIdp['requestLog'] = [];
  // Filled in once the port, and so the issuer, is known; requests before that get a 503.
  const ready: { routes?: Routes } = {};
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://idp.invalid');
    requestLog.push({ method: req.method ?? 'GET', path: url.pathname, time: Date.now() });
    const { routes } = ready;
    if (!routes) {
      res.statusCode = 503;
      res.end('idp: starting');
      return;
    }
    if (!isOwnHost(req.headers.host, routes.issuer, port)) {
      res.statusCode = 421;
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.end('idp: this server answers only its own host name (see idp/host-check.ts)');
      return;
    }
    route(routes, req, res, url).catch((error: unknown) => {
      console.error(`idp: ${req.method} ${url.pathname} failed:`, error);
      if (!res.headersSent)
        sendHtml(
          res,
          500,
          errorPage({ error: 'Internal error in the local provider', detail: (error as Error).message }),
        );
      else res.destroy();
    });
  });
  // Keep-alive connections would hold close() open for up to the keep-alive timeout.
  server.keepAliveTimeout = 1000;

  // The port must be known before the issuer, and the issuer before the provider is built.
  const port = await listen(server, options.port ?? 0, host);
  try {
    return finishStart();
  } catch (error) {
    server.close();
    throw error;
  }

  function finishStart(): RunningIdp {
    const origin = options.issuerUrl?.replace(/\/$/, '') ?? `http://${hostForUrl(host)}:${port}`;
    const issuer = behaviour.issuer === 'trailing-slash' ? `${origin}/` : origin;
    const audience = options.audience ?? `${origin}/api/v2/`;
    const accounts = createAccounts(issuer);
    const store = new ProviderStore();
    const provider = createProvider({
      issuer,
      clientId,
      audience,
      accessTokenTtlSeconds,
      refreshTokenTtlSeconds,
      accounts,
      store,
      metadata,
      behaviour,
      apis: options.apis ?? [],
    });
    for (const middleware of behaviourMiddleware(behaviour)) provider.use(middleware);
    let management: ManagementTokens | undefined;
    if (behaviour.managementApi === 'auth0') {
      management = createManagementTokens({
        issuer,
        audience,
        clientId,
        findOpaque: async (token) => {
          const found = await provider.AccessToken.find(token, { ignoreExpiration: true });
          return found ? { accountId: found.accountId, isExpired: found.isExpired } : undefined;
        },
      });
      provider.use(management.middleware);
    }
    const users = createUserDirectory(accounts, metadata);

    ready.routes = {
      issuer,
      interactions: {
        provider,
        accounts,
        knownScopes: new Set<string>([...OIDC_SCOPES, ...API_SCOPES]),
        clientName: 'Latchkey',
        consent: behaviour.consent,
        apiScopes: new Set<string>(API_SCOPES),
      },
      usersApi: {
        provider,
        metadata,
        users,
        ...(management ? { management, auth0KeyRules: true } : {}),
      },
      ...(behaviour.logout === 'auth0'
        ? {
            auth0Logout: (req: IncomingMessage, res: ServerResponse, url: URL) =>
              auth0Logout({ provider, clientId, allowed: behaviour.allowedLogoutUrls }, req, res, url),
          }
        : {}),
      accounts,
      oidc: provider.callback(),
    };

    let closing: Promise<void> | undefined;
    return {
      issuer,
      clientId,
      audience,
      usersApiUrl: `${origin}/api/v2`,
      port,
      accounts: accounts.map(
        ({ sub, login, password, name, given_name, family_name, email, email_verified, picture }) => ({
          sub,
          login,
          password,
          name,
          given_name,
          family_name,
          email,
          email_verified,
          picture,
        }),
      ),
      requestLog,
      users,
      behaviour,
      revokeAllGrantsFor: async (sub) => {
        store.revokeAccount(sub);
      },
      close: () => {
        closing ??= new Promise<void>((resolve, reject) => {
          server.close((error) => (error ? reject(error) : resolve()));
          server.closeIdleConnections();
        });
        return closing;
      },
    };
  }
}
