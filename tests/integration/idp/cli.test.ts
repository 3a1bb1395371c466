import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';

const TSX = 'node_modules/.bin/tsx';

describe('npm run idp (idp/cli.ts)', () => {
  it('prints its issuer on a line of its own and serves discovery there', async () => {
    const child = spawn(TSX, ['idp/cli.ts', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const lines = createInterface({ input: child.stdout! });
      const [issuer] = (await once(lines, 'line')) as [string];
      expect(issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const doc = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as {
        issuer: string;
      };
      expect(doc.issuer).toBe(issuer);
    } finally {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    }
    expect(child.signalCode === 'SIGTERM' || child.exitCode === 0).toBe(true);
  });

  it('exits 2 with usage on a bad flag', async () => {
    const child = spawn(TSX, ['idp/cli.ts', '--port', 'many'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(2);
    expect(stderr).toContain('--port must be 0-65535');
  });

  it('takes --behaviour flags (idp/behaviour.ts) and refuses an unknown one with usage', async () => {
    const child = spawn(
      TSX,
      [
        'idp/cli.ts',
        '--port',
        '0',
        '--behaviour',
        'revocation=none',
        '--behaviour',
        'refreshRefusal=bare-400',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const lines = createInterface({ input: child.stdout! });
      const [issuer] = (await once(lines, 'line')) as [string];
      const doc = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as object;
      expect(doc).not.toHaveProperty('revocation_endpoint');
    } finally {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    }

    const bad = spawn(TSX, ['idp/cli.ts', '--behaviour', 'revocation=sometimes'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    bad.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(bad, 'exit')) as [number];
    expect(code).toBe(2);
    expect(stderr).toContain('revocation must be one of public-clients, none, confidential-only');
    expect(stderr).toContain('offlineAccess=standard|auth0|session-bound');
  });
});
