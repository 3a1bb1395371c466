import { describe, expect, it } from 'vitest';
import type { MetadataPatch } from '../../../../common/metadata';
import { METADATA_LIMITS, METADATA_MESSAGES } from '../../../../common/metadata-rules';
import { startIdp } from '../../../../idp';
import { rejectionOf } from '../../../fixtures/rejections';
import { useHarnessSuite } from '../ipc/harness';

/**
 * The account client as the app composes it (createServices): real session manager, real keyring,
 * real local provider and its Auth0-compatible users API.
 */
const suite = useHarnessSuite();

async function signedIn(login: string, scope?: string) {
  const h = await suite.harness();
  const tokens = await h.seedSession(login, scope ? { scope } : {});
  const sub = suite.idp.accounts.find((account) => account.login === login)!.sub;
  return { h, account: h.services.account, sub, tokens };
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const { code, message } = await rejectionOf(promise);
  return { code, message };
}

const requestsSince = (start: number) =>
  suite.idp.requestLog.slice(start).map((entry) => `${entry.method} ${entry.path}`);

describe('user metadata round trip', () => {
  it('patches first_name, last_name and country, reads them back, deletes one with null', async () => {
    const { account, sub } = await signedIn('ada');
    await suite.idp.users.replaceMetadata(sub, { theme: 'dark' });

    const saved = await account.updateMetadata({
      first_name: 'Augusta Ada',
      last_name: 'King',
      country: 'GB',
    });
    expect(saved).toEqual({ theme: 'dark', first_name: 'Augusta Ada', last_name: 'King', country: 'GB' });

    const start = suite.idp.requestLog.length;
    expect(await account.getMetadata()).toEqual(saved);
    expect(requestsSince(start)).toEqual([`GET /api/v2/users/${encodeURIComponent(sub)}`]);

    const afterDelete = await account.updateMetadata({ country: null });
    expect(afterDelete).toEqual({ theme: 'dark', first_name: 'Augusta Ada', last_name: 'King' });
    expect(suite.idp.users.metadataOf(sub)).toEqual(afterDelete);
  });

  it('the PATCH answer is the new metadata: one request, no extra GET', async () => {
    const { account, sub } = await signedIn('grace');
    const start = suite.idp.requestLog.length;
    await account.updateMetadata({ country: 'US' });
    expect(requestsSince(start)).toEqual([`PATCH /api/v2/users/${encodeURIComponent(sub)}`]);
  });

  it('without update:current_user_metadata: reading works, saving is FORBIDDEN naming the scope', async () => {
    const { account } = await signedIn('alan', 'openid profile email offline_access read:current_user');
    await expect(account.getMetadata()).resolves.toBeTypeOf('object');
    const refused = await failure(account.updateMetadata({ country: 'GB' }));
    expect(refused.code).toBe('FORBIDDEN');
    expect(refused.message).toContain('"update:current_user_metadata"');
    expect(refused.message).toContain(suite.idp.audience);
  });

  it('without read:current_user: reading is FORBIDDEN naming that scope', async () => {
    const { account } = await signedIn(
      'alan',
      'openid profile email offline_access update:current_user_metadata',
    );
    const refused = await failure(account.getMetadata());
    expect(refused).toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringContaining('"read:current_user"'),
    });
  });

  it('a rejected access token (401) is refreshed once and the save succeeds', async () => {
    // A provider whose access tokens live 2 s, while the stored record says an hour (a clock that
    // disagrees with the provider's): the app sends a token it believes valid and gets a 401. The
    // local provider cannot revoke only an access token (revocation ends the grant), so this is how
    // "the access token alone is dead" is produced here. Not 1 s: the provider counts whole seconds
    // (exp = floor(now) + ttl), so a 1 s token issued late in a second could die before the retry.
    const shortLived = await startIdp({ accessTokenTtlSeconds: 2 });
    try {
      const h = await suite.harness({ idp: shortLived });
      await h.seedSession('ada', {}, { expiresAt: Date.now() + 3_600_000 });
      const sub = shortLived.accounts.find((account) => account.login === 'ada')!.sub;
      await new Promise((resolve) => setTimeout(resolve, 2_100));
      const start = shortLived.requestLog.length;
      await expect(h.services.account.updateMetadata({ country: 'FR' })).resolves.toMatchObject({
        country: 'FR',
      });
      const users = `/api/v2/users/${encodeURIComponent(sub)}`;
      const log = shortLived.requestLog.slice(start).map((entry) => `${entry.method} ${entry.path}`);
      expect(log).toEqual([`PATCH ${users}`, 'POST /token', `PATCH ${users}`]);
      expect(shortLived.users.metadataOf(sub)).toMatchObject({ country: 'FR' });
      expect(h.services.session.getState().status).toBe('signedIn');
    } finally {
      await suite.closeHarnesses();
      await shortLived.close();
    }
  });

  it('a patch over the 16 KB limit is refused at the IPC boundary, before any request', async () => {
    const { h } = await signedIn('grace');
    const oversized = Object.fromEntries(
      Array.from({ length: 9 }, (_, i) => [`note_${i}`, 'x'.repeat(METADATA_LIMITS.stringLength)]),
    );
    const start = suite.idp.requestLog.length;
    expect(await h.invoke('updateMetadata', { patch: oversized })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: expect.stringContaining('16 KB') },
    });
    expect(suite.idp.requestLog.length).toBe(start);
  });

  it('a patch whose merge with the known metadata would pass 16 KB is refused before any request', async () => {
    const { account, sub } = await signedIn('alan');
    const existing = Object.fromEntries(
      Array.from({ length: 6 }, (_, i) => [`old_${i}`, 'o'.repeat(METADATA_LIMITS.stringLength)]),
    );
    await suite.idp.users.replaceMetadata(sub, existing);
    await account.getMetadata(); // now the client knows what is stored
    const patch = Object.fromEntries(
      Array.from({ length: 3 }, (_, i) => [`new_${i}`, 'n'.repeat(METADATA_LIMITS.stringLength)]),
    );
    const start = suite.idp.requestLog.length;
    const refused = await failure(account.updateMetadata(patch));
    expect(refused).toEqual({ code: 'INVALID_INPUT', message: METADATA_MESSAGES.tooLarge });
    expect(suite.idp.requestLog.length).toBe(start);
    expect(suite.idp.users.metadataOf(sub)).toEqual(existing);
    // Deleting keys in the same patch brings the merge under the limit: then it is sent.
    await expect(
      account.updateMetadata({ ...patch, old_0: null, old_1: null, old_2: null }),
    ).resolves.toHaveProperty('new_2');
  });

  it('when nothing is known yet, the provider remains the judge and its 400 is INVALID_INPUT', async () => {
    const { account, sub } = await signedIn('ada');
    await suite.idp.users.replaceMetadata(
      sub,
      Object.fromEntries(
        Array.from({ length: 6 }, (_, i) => [`old_${i}`, 'o'.repeat(METADATA_LIMITS.stringLength)]),
      ),
    );
    const refused = await failure(
      account.updateMetadata({ extra: 'e'.repeat(2000), more: 'm'.repeat(2000), most: 'z'.repeat(2000) }),
    );
    expect(refused.code).toBe('INVALID_INPUT');
    expect(refused.message).toContain('16384');
  });

  it('invalid keys are refused at the IPC boundary, before any request', async () => {
    const { h } = await signedIn('ada');
    const start = suite.idp.requestLog.length;
    const patches: MetadataPatch[] = [{}, { 'has.dot': 1 }, { constructor: 'x' }, { ['k'.repeat(65)]: 1 }];
    for (const patch of patches) {
      expect(await h.invoke('updateMetadata', { patch })).toMatchObject({
        ok: false,
        error: { code: 'INVALID_INPUT' },
      });
    }
    expect(suite.idp.requestLog.length).toBe(start);
  });
});
