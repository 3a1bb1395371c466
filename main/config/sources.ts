import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { LatchkeyError } from '../errors';

/**
 * The three places provider settings come from, each read into the same flat shape. Plain Node:
 * nothing here knows Electron; the app passes `process.argv`, `process.env` and the settings path.
 */

export const CONFIG_FIELDS = [
  'issuer',
  'clientId',
  'audience',
  'scopes',
  'usersApi',
  'auth0Domain',
  'auth0TenantDomain',
  'redirectPorts',
  'offlineAccessPrompt',
] as const;
export type ConfigField = (typeof CONFIG_FIELDS)[number];

/** One layer's raw values, each with where it came from (for error messages). */
export type ConfigLayer = Partial<Record<ConfigField, { value: string; source: string }>>;

export const SETTINGS_FILE_NAME = 'latchkey.config.json';

export const ENV_NAMES: Record<ConfigField, string> = {
  issuer: 'LATCHKEY_ISSUER',
  clientId: 'LATCHKEY_CLIENT_ID',
  audience: 'LATCHKEY_AUDIENCE',
  scopes: 'LATCHKEY_SCOPES',
  usersApi: 'LATCHKEY_USERS_API',
  auth0Domain: 'LATCHKEY_AUTH0_DOMAIN',
  auth0TenantDomain: 'LATCHKEY_AUTH0_TENANT_DOMAIN',
  redirectPorts: 'LATCHKEY_REDIRECT_PORTS',
  offlineAccessPrompt: 'LATCHKEY_OFFLINE_ACCESS_PROMPT',
};

export const FLAG_NAMES: Record<ConfigField, string> = {
  issuer: '--issuer',
  clientId: '--client-id',
  audience: '--audience',
  scopes: '--scopes',
  usersApi: '--users-api',
  auth0Domain: '--auth0-domain',
  auth0TenantDomain: '--auth0-tenant-domain',
  redirectPorts: '--redirect-ports',
  offlineAccessPrompt: '--offline-access-prompt',
};

/** The settings file: every field optional, unknown keys refused (a typo must not pass silently). */
const settingsFileSchema = z
  .object({
    $schema: z.string().optional(),
    issuer: z.string().optional(),
    clientId: z.string().optional(),
    audience: z.string().optional(),
    scopes: z.union([z.string(), z.array(z.string())]).optional(),
    usersApi: z.string().optional(),
    auth0Domain: z.string().optional(),
    auth0TenantDomain: z.string().optional(),
    // One port, a list of them (tried in order), or the same as text ("53682,53683").
    redirectPorts: z.union([z.number(), z.array(z.number()), z.string()]).optional(),
    offlineAccessPrompt: z.union([z.boolean(), z.string()]).optional(),
  })
  .strict();

/** Reads `latchkey.config.json`. A missing file is an empty layer; an unreadable or invalid one is CONFIG_INVALID. */
export async function readSettingsFile(path: string): Promise<ConfigLayer> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new LatchkeyError('CONFIG_INVALID', `The settings file ${path} cannot be read.`, { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new LatchkeyError('CONFIG_INVALID', `The settings file ${path} is not valid JSON.`, { cause });
  }
  const parsed = settingsFileSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => {
        const where = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
        const unknownKeys = issue.code === 'unrecognized_keys' ? ` ${issue.keys.join(', ')}` : '';
        return `${where}: ${issue.message}${unknownKeys}`;
      })
      .join('; ');
    throw new LatchkeyError(
      'CONFIG_INVALID',
      `The settings file ${path} is invalid: ${problems}. Allowed keys: ${CONFIG_FIELDS.join(', ')}.`,
    );
  }
  const layer: ConfigLayer = {};
  for (const field of CONFIG_FIELDS) {
    const value = parsed.data[field];
    if (value === undefined) continue;
    layer[field] = { value: fileValueText(field, value), source: `"${field}" in ${path}` };
  }
  return layer;
}

/** A settings-file value as the text an environment variable or flag would give. */
function fileValueText(
  field: ConfigField,
  value: string | number | boolean | Array<string | number>,
): string {
  if (!Array.isArray(value)) return String(value);
  return value.join(field === 'redirectPorts' ? ',' : ' ');
}

/** Reads the LATCHKEY_* variables. Empty values count as unset (a common shell-export leftover). */
export function readEnvironment(env: Readonly<Record<string, string | undefined>>): ConfigLayer {
  const layer: ConfigLayer = {};
  for (const field of CONFIG_FIELDS) {
    const value = env[ENV_NAMES[field]]?.trim();
    if (value) layer[field] = { value, source: ENV_NAMES[field] };
  }
  return layer;
}

/**
 * Reads `--name=value` flags. Anything else on the command line (Chromium switches, the app path)
 * is ignored. A known flag with an empty value is an error: it was meant to say something.
 */
export function readFlags(argv: readonly string[]): ConfigLayer {
  const layer: ConfigLayer = {};
  for (const arg of argv) {
    for (const field of CONFIG_FIELDS) {
      const flag = FLAG_NAMES[field];
      if (arg !== flag && !arg.startsWith(`${flag}=`)) continue;
      const value = arg.slice(flag.length + 1).trim();
      if (!value) {
        throw new LatchkeyError('CONFIG_INVALID', `The flag ${flag} needs a value: ${flag}=VALUE.`);
      }
      layer[field] = { value, source: flag };
    }
  }
  return layer;
}

/**
 * The Chromium `--user-data-dir=PATH` switch, if given. Electron may already honour it; the app sets
 * it explicitly before anything reads the folder (the single-instance lock, the settings file, the
 * log), so a test or a second profile always gets its own folder.
 */
export function userDataDirFlag(argv: readonly string[]): string | undefined {
  const prefix = '--user-data-dir=';
  const value = argv
    .find((arg) => arg.startsWith(prefix))
    ?.slice(prefix.length)
    .trim();
  return value ? value : undefined;
}
