import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startIdp } from '../../../idp/index.js';
import { obtainTokens, userUrl } from '../../fixtures/idp-login.js';

describe('local provider: user_metadata in a JSON file', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'latchkey-idp-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps metadata across a restart, written atomically with no temporary files left', async () => {
    const file = join(dir, 'nested', 'metadata.json');
    const first = await startIdp({ metadataFile: file });
    const token = (await obtainTokens(first, 'grace')).access_token;
    const patched = await fetch(userUrl(first, 'local|grace'), {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ user_metadata: { country: 'US', rank: 'Rear Admiral' } }),
    });
    expect(patched.status).toBe(200);
    await first.close();

    const stored = JSON.parse(await readFile(file, 'utf8')) as {
      version: number;
      users: Record<string, { user_metadata: unknown }>;
    };
    expect(stored.version).toBe(1);
    expect(stored.users['local|grace']?.user_metadata).toEqual({ country: 'US', rank: 'Rear Admiral' });
    expect(await readdir(join(dir, 'nested'))).toEqual(['metadata.json']);

    const second = await startIdp({ metadataFile: file });
    try {
      const again = (await obtainTokens(second, 'grace')).access_token;
      const user = (await (
        await fetch(userUrl(second, 'local|grace'), { headers: { authorization: `Bearer ${again}` } })
      ).json()) as {
        user_metadata: unknown;
        updated_at: string;
      };
      expect(user.user_metadata).toEqual({ country: 'US', rank: 'Rear Admiral' });
      expect(second.users.metadataOf('local|grace')).toEqual({ country: 'US', rank: 'Rear Admiral' });
    } finally {
      await second.close();
    }
  });

  it('serialises concurrent PATCHes so the file ends with every change', async () => {
    const file = join(dir, 'metadata.json');
    const idp = await startIdp({ metadataFile: file });
    try {
      const token = (await obtainTokens(idp, 'ada')).access_token;
      await Promise.all(
        Array.from({ length: 10 }, (_, index) =>
          fetch(userUrl(idp, 'local|ada'), {
            method: 'PATCH',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ user_metadata: { [`key${index}`]: index } }),
          }),
        ),
      );
      const stored = JSON.parse(await readFile(file, 'utf8')) as {
        users: Record<string, { user_metadata: Record<string, unknown> }>;
      };
      expect(Object.keys(stored.users['local|ada']!.user_metadata)).toHaveLength(10);
    } finally {
      await idp.close();
    }
  });

  it('refuses to start on a corrupt file, naming it', async () => {
    const file = join(dir, 'broken.json');
    await writeFile(file, '{"version":1,"users":');
    await expect(startIdp({ metadataFile: file })).rejects.toThrow(`metadata file ${file} is not valid JSON`);
    await writeFile(file, '{"users":[]}');
    await expect(startIdp({ metadataFile: file })).rejects.toThrow(/expected \{"version":1/);
  });
});
