import { join } from 'node:path';
import { z } from 'zod';
import { issuerTransport, isSecureTransport } from '../transport';
import type { ProviderSettings } from '../auth/types';
import {
  CONFIG_FIELDS,
  ENV_NAMES,
  FLAG_NAMES,
  readEnvironment,
  readFlags,
  readSettingsFile,
  SETTINGS_FILE_NAME,
  type ConfigField,
  type ConfigLayer,
} from './sources';
import { LatchkeyError } from '../errors';

/**
 * Which provider the app signs in with. Three layers, merged field by field with the highest winning:
 * command-line flags > environment variables > the settings file in the user-data folder. An Auth0
 * domain in a layer stands for that layer's issuer, audience, users API and scopes; explicit fields
 * of the same layer or of a higher one still override it. Each layer is read by ./sources.ts into
 * the same flat shape; this file merges, expands and validates them. Plain Node (no electron).
 */

/**
 * The scopes of the one-token users API: a provider (the local one in its permissive mode) whose
 * access token is good for userinfo and the users API at once. Not Auth0's way (see AUTH0_* below).
 */
export const ONE_TOKEN_SCOPES = [
  'openid',
  'profile',
  'email',
  'offline_access',
  'read:current_user',
  'update:current_user_metadata',
] as const;

/**
 * The scopes of the second authorization that gets an Auth0 Management API token for the person's own
 * user (https://auth0.com/docs/secure/tokens/access-tokens/management-api-access-tokens/get-management-api-tokens-for-single-page-applications):
 * `openid` so that its ID token names whom the token belongs to (compared with the session's), and
 * no offline_access, which Auth0 does not grant for the Management API (Allow Offline Access is off
 * and cannot be changed on it: https://auth0.com/docs/get-started/apis/api-settings).
 */
export const AUTH0_MANAGEMENT_SCOPES = [
  'openid',
  'read:current_user',
  'update:current_user_metadata',
] as const;

/**
 * The fixed redirect ports an Auth0 domain stands for. Auth0 compares callback URLs exactly, port
 * included, in its quickstarts ("Allowed Callback URLs"), and no Auth0 document says it ignores the
 * port of a loopback redirect as RFC 8252 §7.3 asks; so the README has `http://127.0.0.1:53682/callback`
 * and `http://127.0.0.1:53683/callback` registered, the second for when the first port is busy.
 */
const AUTH0_REDIRECT_PORTS = [53682, 53683] as const;

/** A generic OpenID provider: the standard claims and a refresh token, nothing provider-specific. */
export const GENERIC_SCOPES = ['openid', 'profile', 'email', 'offline_access'] as const;

type ProviderChoice =
  /** Settings were given and are valid. */
  | { kind: 'configured'; settings: ProviderSettings }
  /** Nothing configured, development build: start the local provider in-process and use it. */
  | { kind: 'local-demo' }
  /** Nothing configured, packaged build: tell the person how to configure the app. */
  | { kind: 'unconfigured'; settingsFile: string };

export interface ConfigInputs {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  /** The user-data folder; the settings file is `latchkey.config.json` in it. */
  userDataDir: string;
  /** Packaged builds never fall back to the local demo provider. */
  isPackaged: boolean;
}

function settingsFilePath(userDataDir: string): string {
  return join(userDataDir, SETTINGS_FILE_NAME);
}

/** Reads the three layers and decides. Throws CONFIG_INVALID naming every bad value and where it came from. */
export async function resolveProviderChoice(inputs: ConfigInputs): Promise<ProviderChoice> {
  const settingsFile = settingsFilePath(inputs.userDataDir);
  const layers = [await readSettingsFile(settingsFile), readEnvironment(inputs.env), readFlags(inputs.argv)];
  const merged = mergeLayers(layers.map(expandAuth0Domain));
  if (Object.keys(merged).length === 0) {
    return inputs.isPackaged ? { kind: 'unconfigured', settingsFile } : { kind: 'local-demo' };
  }
  return { kind: 'configured', settings: validateSettings(merged) };
}

/** The settings for the in-process local provider (development default). */
export function localDemoSettings(idp: {
  issuer: string;
  clientId: string;
  audience: string;
}): ProviderSettings {
  return {
    issuer: idp.issuer,
    clientId: idp.clientId,
    audience: idp.audience,
    scopes: [...ONE_TOKEN_SCOPES],
    usersApi: { kind: 'auth0', baseUrl: `${idp.issuer}/api/v2` },
  };
}

/**
 * What an Auth0 domain stands for (expandAuth0Domain, auth0Part), for a provider named by its URLs
 * rather than a domain: the local provider's strict Auth0 mode, which tests and the bench sign in to.
 */
export function localAuth0Settings(idp: {
  issuer: string;
  clientId: string;
  audience: string;
  usersApiUrl: string;
}): ProviderSettings {
  return {
    issuer: idp.issuer,
    clientId: idp.clientId,
    scopes: [...GENERIC_SCOPES],
    usersApi: { kind: 'auth0', baseUrl: idp.usersApiUrl },
    auth0: { tenantDomain: new URL(idp.audience).host, managementAudience: idp.audience },
    redirectPorts: [...AUTH0_REDIRECT_PORTS],
    offlineAccessPrompt: false,
  };
}

/** Every setting, in the order the help (and the README) names them. */
const HELP_ORDER: readonly ConfigField[] = [
  'auth0Domain',
  'auth0TenantDomain',
  'issuer',
  'clientId',
  'audience',
  'scopes',
  'usersApi',
  'redirectPorts',
  'offlineAccessPrompt',
];

/** How many fixed redirect ports may be listed: a fallback or two, not a port scan. */
const MAX_REDIRECT_PORTS = 10;

/** Where the settings go, as steps a person can follow (shown by a packaged build with none). */
export function configurationHelp(settingsFile: string): string {
  return [
    'Latchkey does not know which sign-in provider to use yet.',
    '',
    `Create the file ${settingsFile} with, for an Auth0 tenant:`,
    '  { "auth0Domain": "YOUR-TENANT.eu.auth0.com", "clientId": "YOUR-NATIVE-APP-CLIENT-ID" }',
    '(with a custom domain, add "auth0TenantDomain": "YOUR-TENANT.eu.auth0.com" and put the custom domain in auth0Domain)',
    'or, for any other OpenID provider:',
    '  { "issuer": "https://login.example.com/", "clientId": "YOUR-CLIENT-ID" }',
    '',
    `Environment variables (${HELP_ORDER.map((field) => ENV_NAMES[field]).join(', ')}) and flags (${HELP_ORDER.map((field) => `${FLAG_NAMES[field]}=`).join(', ')}) work too.`,
    'The client must be a native (public) application. Register the redirect URIs',
    `${AUTH0_REDIRECT_PORTS.map((port) => `http://127.0.0.1:${port}/callback`).join(' and ')} for Auth0;`,
    'for another provider http://127.0.0.1/callback (any port), or, if it compares redirect URIs',
    'exactly, http://127.0.0.1:PORT/callback with "redirectPorts": [PORT] here. See "Compatibility" in the README.',
    'Then start Latchkey again.',
  ].join('\n');
}

/** A DNS host name (an Auth0 tenant or custom domain), optionally with a port; no scheme, no path. */
const HOST_NAME =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*(?::\d{1,5})?$/i;

function checkHostName(entry: { value: string; source: string }): string {
  if (!HOST_NAME.test(entry.value)) {
    throw new LatchkeyError(
      'CONFIG_INVALID',
      `${entry.source}: "${entry.value}" is not a host name. Give the domain alone, like tenant.eu.auth0.com (no https://, no path).`,
    );
  }
  return entry.value.toLowerCase();
}

/**
 * An Auth0 domain stands for the issuer, the users API and the session's scopes. The session signs
 * in WITHOUT the Management API audience: Auth0 issues no refresh token for it (its Allow Offline
 * Access is off and immutable, https://auth0.com/docs/get-started/apis/api-settings, and it is
 * excluded from multi-resource refresh tokens,
 * https://auth0.com/docs/secure/tokens/refresh-tokens/multi-resource-refresh-token), so a session on
 * it would end when its access token does. Metadata gets its own token (main/account/management-token.ts).
 */
function expandAuth0Domain(layer: ConfigLayer): ConfigLayer {
  const domain = layer.auth0Domain;
  if (!domain) return layer;
  const host = checkHostName(domain);
  const source = domain.source;
  // Auth0's issuer is the domain with a trailing slash. The users API is called on the same host
  // that issued the token, custom domain included ("All requests ... must use the same domain",
  // https://auth0.com/docs/customize/custom-domains/configure-features-to-use-custom-domains).
  const expanded: ConfigLayer = {
    issuer: { value: `https://${host}/`, source },
    usersApi: { value: `https://${host}/api/v2`, source },
    scopes: { value: GENERIC_SCOPES.join(' '), source },
    // Auth0 documents offline_access without prompt=consent, which would show its consent screen on
    // every sign-in: https://auth0.com/docs/secure/tokens/refresh-tokens/get-refresh-tokens
    offlineAccessPrompt: { value: 'false', source },
    redirectPorts: { value: AUTH0_REDIRECT_PORTS.join(','), source },
  };
  return { ...expanded, ...layer, auth0Domain: { value: host, source } };
}

/**
 * The Auth0 part of the settings: the Management API audience is always on the canonical tenant
 * domain, never a custom one ("Continue to use your default tenant domain name ... when specifying an
 * audience. This is the only place to use your default tenant domain",
 * https://auth0.com/docs/customize/custom-domains/configure-features-to-use-custom-domains). A
 * custom domain therefore needs the tenant domain too; guessing it would give an audience Auth0
 * refuses ("Service not found") at the browser step.
 */
function auth0Part(merged: ConfigLayer): ProviderSettings['auth0'] {
  const domain = merged.auth0Domain;
  const tenant = merged.auth0TenantDomain;
  if (!domain) {
    if (tenant) {
      throw new LatchkeyError(
        'CONFIG_INVALID',
        `${tenant.source} is set without an Auth0 domain: set ${FLAG_NAMES.auth0Domain}= (or ${ENV_NAMES.auth0Domain}, "auth0Domain") to the domain people sign in on.`,
      );
    }
    return undefined;
  }
  let tenantDomain: string;
  if (tenant) tenantDomain = checkHostName(tenant);
  else if (/\.auth0\.com(?::\d+)?$/.test(domain.value)) tenantDomain = domain.value;
  else {
    throw new LatchkeyError(
      'CONFIG_INVALID',
      `${domain.source} ("${domain.value}") looks like a custom domain. Auth0's Management API, which keeps your details, ` +
        `is always named after the tenant's own domain (like YOUR-TENANT.eu.auth0.com), never a custom one: ` +
        `set ${FLAG_NAMES.auth0TenantDomain}= (or ${ENV_NAMES.auth0TenantDomain}, "auth0TenantDomain") to it. ` +
        `Sign-in and every request still go to ${domain.value}.`,
    );
  }
  const managementAudience = `https://${tenantDomain}/api/v2/`;
  const audience = merged.audience;
  if (audience && audience.value.replace(/\/*$/, '/') === managementAudience) {
    throw new LatchkeyError(
      'CONFIG_INVALID',
      `${audience.source} ("${audience.value}") is the Auth0 Management API. Auth0 issues no refresh token for it, so the ` +
        'session would end when its access token does. Leave the audience out (Latchkey asks for the Management API ' +
        'separately, when your details are opened), or set it to your own API with Allow Offline Access on.',
    );
  }
  return { tenantDomain, managementAudience };
}

function mergeLayers(layers: readonly ConfigLayer[]): ConfigLayer {
  const merged: ConfigLayer = {};
  for (const layer of layers) {
    for (const field of CONFIG_FIELDS) {
      const entry = layer[field];
      if (entry) merged[field] = entry;
    }
  }
  return merged;
}

/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

function httpsOrLoopbackUrl(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not a valid URL';
  }
  if (url.username || url.password || url.search || url.hash)
    return 'must not contain credentials, a query or a fragment';
  if (isSecureTransport(url)) return null;
  return 'must use https (plain http only on this computer: 127.0.0.1, ::1, localhost)';
}

const fieldSchemas: Record<Exclude<ConfigField, 'auth0Domain' | 'auth0TenantDomain'>, z.ZodType<string>> = {
  issuer: z.string().superRefine((value, ctx) => {
    try {
      issuerTransport(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
    }
  }),
  clientId: z
    .string()
    .max(256, 'is longer than 256 characters')
    .regex(/^[\x21-\x7e]+$/, 'must be printable characters without spaces'),
  audience: z
    .string()
    .max(512, 'is longer than 512 characters')
    .regex(/^[\x21-\x7e]+$/, 'must be printable characters without spaces'),
  scopes: z.string().superRefine((value, ctx) => {
    const scopes = splitScopes(value);
    const bad = scopes.filter((scope) => !SCOPE_TOKEN.test(scope));
    if (bad.length > 0)
      ctx.addIssue({ code: 'custom', message: `has invalid scope names: ${bad.join(', ')}` });
    if (!scopes.includes('openid')) ctx.addIssue({ code: 'custom', message: 'must include "openid"' });
  }),
  usersApi: z.string().superRefine((value, ctx) => {
    if (value === 'none') return;
    const problem = httpsOrLoopbackUrl(value);
    if (problem) ctx.addIssue({ code: 'custom', message: `${problem} (or "none")` });
  }),
  redirectPorts: z.string().superRefine((value, ctx) => {
    const entries = splitPorts(value);
    const bad = entries.filter(
      (entry) => !/^\d{1,5}$/.test(entry) || Number(entry) < 1 || Number(entry) > 65535,
    );
    if (bad.length > 0 || entries.length === 0)
      ctx.addIssue({
        code: 'custom',
        message: 'must be port numbers from 1 to 65535, like 53682 or "53682,53683" (tried in order)',
      });
    else if (new Set(entries.map(Number)).size !== entries.length)
      ctx.addIssue({ code: 'custom', message: 'names a port twice' });
    else if (entries.length > MAX_REDIRECT_PORTS)
      ctx.addIssue({ code: 'custom', message: `lists more than ${MAX_REDIRECT_PORTS} ports` });
  }),
  offlineAccessPrompt: z.string().refine((value) => /^(true|false)$/i.test(value), {
    message: 'must be true or false',
  }),
};

function splitPorts(value: string): string[] {
  return value.split(/[\s,]+/).filter(Boolean);
}

function splitScopes(value: string): string[] {
  return value.split(/[\s,]+/).filter(Boolean);
}

function validateSettings(merged: ConfigLayer): ProviderSettings {
  const problems: string[] = [];
  if (!merged.issuer) {
    problems.push(
      `No issuer: set ${FLAG_NAMES.issuer}=, ${ENV_NAMES.issuer}, "issuer" in ${SETTINGS_FILE_NAME}, or an Auth0 domain (${FLAG_NAMES.auth0Domain}=, ${ENV_NAMES.auth0Domain}).`,
    );
  }
  if (!merged.clientId) {
    problems.push(
      `No client id: set ${FLAG_NAMES.clientId}=, ${ENV_NAMES.clientId} or "clientId" in ${SETTINGS_FILE_NAME}.`,
    );
  }
  for (const field of Object.keys(fieldSchemas) as Array<keyof typeof fieldSchemas>) {
    const entry = merged[field];
    if (!entry) continue;
    const result = fieldSchemas[field].safeParse(entry.value);
    if (!result.success) {
      for (const issue of result.error.issues)
        problems.push(`${entry.source} ("${entry.value}") ${issue.message}`);
    }
  }
  if (problems.length > 0 || !merged.issuer || !merged.clientId) {
    throw new LatchkeyError(
      'CONFIG_INVALID',
      `The provider settings are invalid:\n- ${problems.join('\n- ')}`,
    );
  }
  const auth0 = auth0Part(merged);
  const usersApi = merged.usersApi?.value;
  return {
    ...(auth0 ? { auth0 } : {}),
    issuer: merged.issuer.value,
    clientId: merged.clientId.value,
    ...(merged.audience ? { audience: merged.audience.value } : {}),
    scopes: merged.scopes ? splitScopes(merged.scopes.value) : [...GENERIC_SCOPES],
    usersApi:
      usersApi && usersApi !== 'none'
        ? { kind: 'auth0', baseUrl: usersApi.replace(/\/+$/, '') }
        : { kind: 'none' },
    // None: a fresh ephemeral port per sign-in (RFC 8252 §7.3), where the provider allows any port.
    redirectPorts: merged.redirectPorts ? splitPorts(merged.redirectPorts.value).map(Number) : [],
    // OIDC Core §11 for every provider, unless turned off (the Auth0 domain does).
    offlineAccessPrompt: merged.offlineAccessPrompt?.value.toLowerCase() !== 'false',
  };
}
