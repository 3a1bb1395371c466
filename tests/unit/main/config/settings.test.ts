import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AUTH0_MANAGEMENT_SCOPES,
  ONE_TOKEN_SCOPES,
  configurationHelp,
  GENERIC_SCOPES,
  localDemoSettings,
  resolveProviderChoice,
  type ConfigInputs,
} from '../../../../main/config/settings';
import { SETTINGS_FILE_NAME } from '../../../../main/config/sources';

let userDataDir: string;

beforeEach(async () => {
  userDataDir = await mkdtemp(join(tmpdir(), 'latchkey-config-'));
});
afterEach(async () => {
  await rm(userDataDir, { recursive: true, force: true });
});

const writeSettings = (value: unknown) =>
  writeFile(join(userDataDir, SETTINGS_FILE_NAME), typeof value === 'string' ? value : JSON.stringify(value));

const resolve = (overrides: Partial<ConfigInputs> = {}) =>
  resolveProviderChoice({ argv: [], env: {}, userDataDir, isPackaged: false, ...overrides });

async function configured(overrides: Partial<ConfigInputs> = {}) {
  const choice = await resolve(overrides);
  if (choice.kind !== 'configured') throw new Error(`expected configured, got ${choice.kind}`);
  return choice.settings;
}

describe('with nothing configured', () => {
  it('uses the local demo provider in development', async () => {
    expect(await resolve()).toEqual({ kind: 'local-demo' });
  });

  it('asks for configuration in a packaged build, naming the settings file', async () => {
    expect(await resolve({ isPackaged: true })).toEqual({
      kind: 'unconfigured',
      settingsFile: join(userDataDir, SETTINGS_FILE_NAME),
    });
    const help = configurationHelp(join(userDataDir, SETTINGS_FILE_NAME));
    expect(help).toContain(join(userDataDir, SETTINGS_FILE_NAME));
    expect(help).toContain('auth0Domain');
    expect(help).toContain('LATCHKEY_CLIENT_ID');
  });

  it('ignores empty environment variables and unrelated command-line switches', async () => {
    expect(
      await resolve({
        env: { LATCHKEY_ISSUER: '  ' },
        argv: ['/usr/bin/electron', '.', '--no-sandbox', '--enable-logging'],
      }),
    ).toEqual({
      kind: 'local-demo',
    });
  });
});

describe('an Auth0 domain', () => {
  it('stands for issuer, users API and a session without the Management API audience (Auth0 would not renew it)', async () => {
    expect(
      await configured({
        env: { LATCHKEY_AUTH0_DOMAIN: 'Tenant.EU.auth0.com', LATCHKEY_CLIENT_ID: 'abc123' },
      }),
    ).toEqual({
      issuer: 'https://tenant.eu.auth0.com/',
      clientId: 'abc123',
      // No audience: the session renews; metadata gets its own Management API token.
      scopes: ['openid', 'profile', 'email', 'offline_access'],
      usersApi: { kind: 'auth0', baseUrl: 'https://tenant.eu.auth0.com/api/v2' },
      auth0: {
        tenantDomain: 'tenant.eu.auth0.com',
        managementAudience: 'https://tenant.eu.auth0.com/api/v2/',
      },
      // Auth0 compares callback URLs exactly: the two registered ports, in order.
      redirectPorts: [53682, 53683],
      // Auth0 documents offline_access without prompt=consent.
      offlineAccessPrompt: false,
    });
    expect(AUTH0_MANAGEMENT_SCOPES.join(' ')).toBe('openid read:current_user update:current_user_metadata');
  });

  it('with a custom domain: sign-in and the users API on the custom domain, the audience on the tenant domain', async () => {
    const settings = await configured({
      env: { LATCHKEY_AUTH0_DOMAIN: 'login.example.com', LATCHKEY_CLIENT_ID: 'c1' },
      argv: ['--auth0-tenant-domain=Example.EU.auth0.com'],
    });
    expect(settings.issuer).toBe('https://login.example.com/');
    expect(settings.usersApi).toEqual({ kind: 'auth0', baseUrl: 'https://login.example.com/api/v2' });
    expect(settings.auth0).toEqual({
      tenantDomain: 'example.eu.auth0.com',
      managementAudience: 'https://example.eu.auth0.com/api/v2/',
    });
    await writeSettings({
      auth0Domain: 'id.example.org',
      auth0TenantDomain: 'org.us.auth0.com',
      clientId: 'f',
    });
    expect((await configured()).auth0?.managementAudience).toBe('https://org.us.auth0.com/api/v2/');
  });

  it('a custom domain without auth0TenantDomain is CONFIG_INVALID, saying why the tenant domain is needed', async () => {
    await expect(
      resolve({ env: { LATCHKEY_AUTH0_DOMAIN: 'login.example.com', LATCHKEY_CLIENT_ID: 'c' } }),
    ).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringMatching(
        /custom domain.*Management API.*--auth0-tenant-domain=.*LATCHKEY_AUTH0_TENANT_DOMAIN/s,
      ),
    });
    await expect(
      resolve({
        env: {
          LATCHKEY_AUTH0_TENANT_DOMAIN: 't.auth0.com',
          LATCHKEY_ISSUER: 'https://x.example/',
          LATCHKEY_CLIENT_ID: 'c',
        },
      }),
    ).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('without an Auth0 domain'),
    });
    await expect(
      resolve({
        env: {
          LATCHKEY_AUTH0_DOMAIN: 'login.example.com',
          LATCHKEY_AUTH0_TENANT_DOMAIN: 'https://t.auth0.com',
          LATCHKEY_CLIENT_ID: 'c',
        },
      }),
    ).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('not a host name') });
  });

  it("refuses the Management API as the session audience (no refresh token for it), and takes the person's own API", async () => {
    await expect(
      resolve({
        env: { LATCHKEY_AUTH0_DOMAIN: 't.eu.auth0.com', LATCHKEY_CLIENT_ID: 'c' },
        argv: ['--audience=https://t.eu.auth0.com/api/v2'],
      }),
    ).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('no refresh token') });
    const own = await configured({
      env: {
        LATCHKEY_AUTH0_DOMAIN: 't.eu.auth0.com',
        LATCHKEY_CLIENT_ID: 'c',
        LATCHKEY_AUDIENCE: 'https://api.example.com/',
      },
    });
    expect(own.audience).toBe('https://api.example.com/');
  });

  it('works from the flag and from the settings file too, and explicit fields override its parts', async () => {
    const fromFlag = await configured({
      argv: ['--auth0-domain=t1.us.auth0.com', '--client-id=c1', '--scopes=openid profile'],
    });
    expect(fromFlag.issuer).toBe('https://t1.us.auth0.com/');
    expect(fromFlag.scopes).toEqual(['openid', 'profile']);
    await writeSettings({ auth0Domain: 'file.auth0.com', clientId: 'from-file' });
    expect((await configured()).usersApi).toEqual({
      kind: 'auth0',
      baseUrl: 'https://file.auth0.com/api/v2',
    });
  });

  it('must be a bare host name', async () => {
    await expect(
      resolve({ env: { LATCHKEY_AUTH0_DOMAIN: 'https://tenant.auth0.com/', LATCHKEY_CLIENT_ID: 'c' } }),
    ).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('LATCHKEY_AUTH0_DOMAIN'),
    });
  });
});

describe('a generic provider', () => {
  it('has no users API unless LATCHKEY_USERS_API is given, and the standard scopes by default', async () => {
    const settings = await configured({
      env: { LATCHKEY_ISSUER: 'https://login.example.com', LATCHKEY_CLIENT_ID: 'c' },
    });
    expect(settings).toEqual({
      issuer: 'https://login.example.com',
      clientId: 'c',
      scopes: [...GENERIC_SCOPES],
      usersApi: { kind: 'none' },
      redirectPorts: [],
      offlineAccessPrompt: true,
    });
    const withApi = await configured({
      env: {
        LATCHKEY_ISSUER: 'https://login.example.com',
        LATCHKEY_CLIENT_ID: 'c',
        LATCHKEY_USERS_API: 'https://api.example.com/v2/',
      },
    });
    expect(withApi.usersApi).toEqual({ kind: 'auth0', baseUrl: 'https://api.example.com/v2' });
  });
});

describe('redirect ports and the offline-access prompt', () => {
  const provider = { LATCHKEY_ISSUER: 'https://login.example.com', LATCHKEY_CLIENT_ID: 'c' };

  it('come from the settings file, the environment or a flag, the highest winning, ports kept in order', async () => {
    await writeSettings({ redirectPorts: [53682, 53683], offlineAccessPrompt: false });
    expect(await configured({ env: provider })).toMatchObject({
      redirectPorts: [53682, 53683],
      offlineAccessPrompt: false,
    });
    expect(
      await configured({ env: { ...provider, LATCHKEY_REDIRECT_PORTS: '50000, 50001 50002' } }),
    ).toMatchObject({ redirectPorts: [50000, 50001, 50002] });
    expect(
      await configured({
        env: { ...provider, LATCHKEY_REDIRECT_PORTS: '50000' },
        argv: ['--redirect-ports=8765', '--offline-access-prompt=TRUE'],
      }),
    ).toMatchObject({ redirectPorts: [8765], offlineAccessPrompt: true });
    await writeSettings({ redirectPorts: 53682 });
    expect((await configured({ env: provider })).redirectPorts).toEqual([53682]);
    await writeSettings({ redirectPorts: '53682,53683' });
    expect((await configured({ env: provider })).redirectPorts).toEqual([53682, 53683]);
  });

  it('an Auth0 domain turns the prompt off and fixes the ports; an explicit setting of any layer wins', async () => {
    const auth0 = { LATCHKEY_AUTH0_DOMAIN: 'tenant.auth0.com', LATCHKEY_CLIENT_ID: 'c' };
    expect(await configured({ env: auth0 })).toMatchObject({
      offlineAccessPrompt: false,
      redirectPorts: [53682, 53683],
    });
    expect(
      await configured({
        env: { ...auth0, LATCHKEY_OFFLINE_ACCESS_PROMPT: 'true' },
        argv: ['--redirect-ports=60000'],
      }),
    ).toMatchObject({ offlineAccessPrompt: true, redirectPorts: [60000] });
  });

  it('refuses ports out of range, repeated, too many or not numbers, and a prompt that is not true or false, naming the source', async () => {
    for (const [value, problem] of [
      ['0', 'must be port numbers from 1 to 65535'],
      ['65536', 'must be port numbers from 1 to 65535'],
      ['80.5', 'must be port numbers from 1 to 65535'],
      ['http', 'must be port numbers from 1 to 65535'],
      ['53682,53682', 'names a port twice'],
      [Array.from({ length: 11 }, (_, i) => 50000 + i).join(','), 'lists more than 10 ports'],
    ] as const) {
      await expect(configured({ env: provider, argv: [`--redirect-ports=${value}`] })).rejects.toMatchObject({
        code: 'CONFIG_INVALID',
        message: expect.stringContaining(`--redirect-ports ("${value}") ${problem}`),
      });
    }
    await writeSettings({ redirectPorts: [53682.5] });
    await expect(configured({ env: provider })).rejects.toMatchObject({
      message: expect.stringMatching(/"redirectPorts" in .* \("53682.5"\) must be port numbers/),
    });
    await expect(
      configured({ env: { ...provider, LATCHKEY_OFFLINE_ACCESS_PROMPT: 'sometimes' } }),
    ).rejects.toMatchObject({
      message: expect.stringContaining('LATCHKEY_OFFLINE_ACCESS_PROMPT ("sometimes") must be true or false'),
    });
  });

  it('are named in the help a packaged build shows', () => {
    const help = configurationHelp('/x/latchkey.config.json');
    expect(help).toContain('LATCHKEY_REDIRECT_PORTS');
    expect(help).toContain('--offline-access-prompt=');
    expect(help).toContain('"redirectPorts": [PORT]');
  });
});

describe('precedence: flags > environment > settings file', () => {
  it('takes each field from the highest layer that sets it', async () => {
    await writeSettings({
      issuer: 'https://file.example.com/',
      clientId: 'file-client',
      audience: 'file-audience',
      scopes: ['openid', 'email'],
    });
    const settings = await configured({
      env: { LATCHKEY_CLIENT_ID: 'env-client', LATCHKEY_AUDIENCE: 'env-audience' },
      argv: ['--audience=flag-audience'],
    });
    expect(settings.issuer).toBe('https://file.example.com/');
    expect(settings.clientId).toBe('env-client');
    expect(settings.audience).toBe('flag-audience');
    expect(settings.scopes).toEqual(['openid', 'email']);
  });

  it('lets a flag issuer replace an Auth0 domain from the environment', async () => {
    const settings = await configured({
      env: { LATCHKEY_AUTH0_DOMAIN: 'tenant.auth0.com', LATCHKEY_CLIENT_ID: 'c' },
      argv: ['--issuer=http://127.0.0.1:4400'],
    });
    expect(settings.issuer).toBe('http://127.0.0.1:4400');
  });
});

describe('validation (CONFIG_INVALID, naming the source)', () => {
  it('refuses plain http except on loopback', async () => {
    await expect(
      resolve({ argv: ['--issuer=http://login.example.com', '--client-id=c'] }),
    ).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('--issuer'),
    });
    for (const issuer of ['http://127.0.0.1:4400', 'http://localhost:4400/', 'http://[::1]:4400']) {
      expect((await configured({ argv: [`--issuer=${issuer}`, '--client-id=c'] })).issuer).toBe(issuer);
    }
  });

  it('requires a client id and an issuer, and lists every problem at once', async () => {
    const error = await resolve({
      env: { LATCHKEY_AUDIENCE: 'x', LATCHKEY_SCOPES: 'profile bad"scope' },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
    const message = (error as Error).message;
    expect(message).toContain('No issuer');
    expect(message).toContain('No client id');
    expect(message).toContain('LATCHKEY_SCOPES');
    expect(message).toContain('must include "openid"');
    expect(message).toContain('bad"scope');
  });

  it('refuses issuers with credentials, queries or fragments and non-URL users APIs', async () => {
    await expect(
      resolve({ env: { LATCHKEY_ISSUER: 'https://u:p@login.example.com', LATCHKEY_CLIENT_ID: 'c' } }),
    ).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
    });
    await expect(
      resolve({
        env: {
          LATCHKEY_ISSUER: 'https://login.example.com',
          LATCHKEY_CLIENT_ID: 'c',
          LATCHKEY_USERS_API: 'ftp://x',
        },
      }),
    ).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('LATCHKEY_USERS_API'),
    });
  });

  it('refuses a flag without a value', async () => {
    await expect(resolve({ argv: ['--client-id='] })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('--client-id'),
    });
  });

  it('refuses a settings file that is not JSON, has unknown keys or wrong types', async () => {
    await writeSettings('{ issuer: nope');
    await expect(resolve()).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('not valid JSON'),
    });
    await writeSettings({ issuer: 'https://x.example/', clientID: 'typo' });
    await expect(resolve()).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('clientID'),
    });
    await writeSettings({ issuer: 42 });
    await expect(resolve()).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('issuer'),
    });
  });
});

describe('localDemoSettings', () => {
  it('points the users API at the local provider and asks for its audience and the API scopes', () => {
    expect(
      localDemoSettings({
        issuer: 'http://127.0.0.1:4400',
        clientId: 'latchkey-desktop',
        audience: 'http://127.0.0.1:4400/api/v2/',
      }),
    ).toEqual({
      issuer: 'http://127.0.0.1:4400',
      clientId: 'latchkey-desktop',
      audience: 'http://127.0.0.1:4400/api/v2/',
      scopes: [...ONE_TOKEN_SCOPES],
      usersApi: { kind: 'auth0', baseUrl: 'http://127.0.0.1:4400/api/v2' },
    });
  });
});

describe('userDataDirFlag', () => {
  it('reads the --user-data-dir switch the app honours before anything touches the folder', async () => {
    const { userDataDirFlag } = await import('../../../../main/config/sources');
    expect(userDataDirFlag(['electron', 'app.cjs', '--user-data-dir=/tmp/profile-a'])).toBe('/tmp/profile-a');
    expect(userDataDirFlag(['electron', 'app.cjs', '--user-data-dir='])).toBeUndefined();
    expect(userDataDirFlag(['electron', 'app.cjs', '--issuer=https://x/'])).toBeUndefined();
  });
});
