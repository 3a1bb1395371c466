import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIdp, type RunningIdp } from '../../../idp/index.js';
import { obtainTokens, userUrl } from '../../fixtures/idp-login.js';

/**
 * A web page that rebinds its own host name to 127.0.0.1 reaches the local provider with that name
 * in Host (DNS rebinding). fetch() cannot set Host, so these requests go through node:http, as a
 * browser's would arrive.
 */
function getWithHost(
  url: string,
  host: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { ...headers, host } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

let idp: RunningIdp;
let token: string;
let ada: string;

beforeAll(async () => {
  idp = await startIdp();
  token = (await obtainTokens(idp, 'ada')).access_token;
  ada = idp.accounts.find((account) => account.login === 'ada')!.sub;
});
afterAll(() => idp.close());

describe('local provider: only its own Host is answered (DNS rebinding)', () => {
  const port = () => new URL(idp.issuer).port;
  const paths = () => [
    '/.well-known/openid-configuration',
    `/auth?client_id=${idp.clientId}&response_type=code&scope=openid&redirect_uri=http%3A%2F%2F127.0.0.1%3A1%2Fcallback`,
    '/jwks',
    '/avatars/ada.svg',
    new URL(userUrl(idp, ada)).pathname,
  ];

  it.each(['attacker.example', 'rebind.attacker.example', '127.0.0.1.attacker.example', '192.168.1.20'])(
    'refuses Host %s on every route (421), whatever the port',
    async (name) => {
      for (const path of paths()) {
        const answer = await getWithHost(`${idp.issuer}${path}`, `${name}:${port()}`, {
          authorization: `Bearer ${token}`,
        });
        expect(answer.status, `${name} ${path}`).toBe(421);
        expect(answer.body).not.toContain(ada);
      }
    },
  );

  it('answers its own host, and the same server as localhost', async () => {
    for (const host of [`127.0.0.1:${port()}`, `localhost:${port()}`]) {
      const answer = await getWithHost(`${idp.issuer}/.well-known/openid-configuration`, host);
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toMatchObject({ issuer: idp.issuer });
    }
    const metadata = await getWithHost(
      `${idp.issuer}${new URL(userUrl(idp, ada)).pathname}`,
      `127.0.0.1:${port()}`,
      {
        authorization: `Bearer ${token}`,
      },
    );
    expect(metadata.status).toBe(200);
  });
});
