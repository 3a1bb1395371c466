import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APP_ENTRY_URL,
  createAppProtocolHandler,
  resolveAppProtocolPath,
} from '../../../../main/shell/app-protocol';
import { RENDERER_CSP } from '../../../../main/shell/window-security';

let base: string;
let root: string;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'latchkey-protocol-'));
  root = join(base, 'renderer');
  await mkdir(join(root, 'assets'), { recursive: true });
  await writeFile(join(root, 'index.html'), '<!doctype html><title>Latchkey</title>');
  await writeFile(join(root, 'assets', 'index-abc.js'), 'console.log(1)');
  await writeFile(join(root, 'assets', 'index-abc.css'), 'body{}');
  await writeFile(join(root, 'assets', 'font.woff2'), 'w');
  await writeFile(join(root, 'assets', 'notes.exe'), 'MZ');
  await writeFile(join(root, '.env'), 'SECRET=1');
  await writeFile(join(base, 'secret.json'), '{"refresh_token":"x"}');
  // A link inside the folder pointing outside it.
  await symlink(join(base, 'secret.json'), join(root, 'assets', 'escape.json'));
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('resolveAppProtocolPath', () => {
  it('maps the root and files under it to paths inside the renderer folder with their MIME type', () => {
    expect(resolveAppProtocolPath('app://latchkey/', root)).toEqual({
      kind: 'file',
      path: join(root, 'index.html'),
      contentType: 'text/html; charset=utf-8',
    });
    expect(resolveAppProtocolPath('app://latchkey/assets/index-abc.js?v=1#x', root)).toMatchObject({
      kind: 'file',
      path: join(root, 'assets', 'index-abc.js'),
      contentType: 'text/javascript; charset=utf-8',
    });
    expect(resolveAppProtocolPath('app://latchkey/assets/index-abc.css', root)).toMatchObject({
      contentType: 'text/css; charset=utf-8',
    });
    expect(resolveAppProtocolPath('app://latchkey/avatar?v=12', root)).toEqual({ kind: 'avatar' });
  });

  it.each([
    ['plain traversal', 'app://latchkey/../../etc/passwd'],
    ['encoded slash', 'app://latchkey/..%2f..%2fsecret.json'],
    ['encoded backslash', 'app://latchkey/..%5c..%5csecret.json'],
    ['backslash', 'app://latchkey/assets\\..\\..\\secret.json'],
    ['NUL byte', 'app://latchkey/index.html%00.png'],
    ['drive letter', 'app://latchkey/C:%2fWindows%2fwin.ini'],
    ['absolute path in the path', 'app://latchkey/%2fetc%2fpasswd.json'],
    ['hidden file', 'app://latchkey/.env'],
    ['double slash', 'app://latchkey//etc/passwd.json'],
    ['malformed escape', 'app://latchkey/%E0%A4%A.js'],
  ])('refuses %s', (_name, url) => {
    expect(resolveAppProtocolPath(url, root).kind).toBe('refused');
  });

  it('lets the URL parser collapse encoded dot segments, so they can only land inside the folder', () => {
    expect(resolveAppProtocolPath('app://latchkey/%2e%2e/%2e%2e/etc/passwd.json', root)).toMatchObject({
      kind: 'file',
      path: join(root, 'etc', 'passwd.json'),
    });
  });

  it('refuses other hosts, other schemes and unknown file types', () => {
    expect(resolveAppProtocolPath('app://evil/index.html', root).kind).toBe('refused');
    expect(resolveAppProtocolPath('file:///index.html', root).kind).toBe('refused');
    expect(resolveAppProtocolPath('https://latchkey/index.html', root).kind).toBe('refused');
    expect(resolveAppProtocolPath('app://latchkey/assets/notes.exe', root).kind).toBe('refused');
    expect(resolveAppProtocolPath('app://latchkey/assets', root).kind).toBe('refused');
  });
});

describe('the app:// handler', () => {
  const avatarImage = { body: new Uint8Array([0x89, 0x50, 0x4e, 0x47]), contentType: 'image/png' };
  let avatar: typeof avatarImage | null = avatarImage;
  const handle = (url: string, method = 'GET') =>
    createAppProtocolHandler({ rendererRoot: root, avatar: async () => avatar })(
      new Request(url, { method }),
    );

  it('serves the entry page with the CSP, nosniff and the right type', async () => {
    const response = await handle(APP_ENTRY_URL);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<title>Latchkey</title>');
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(RENDERER_CSP);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('serves scripts as JavaScript and fonts as fonts', async () => {
    expect((await handle('app://latchkey/assets/index-abc.js')).headers.get('content-type')).toBe(
      'text/javascript; charset=utf-8',
    );
    expect((await handle('app://latchkey/assets/font.woff2')).headers.get('content-type')).toBe('font/woff2');
  });

  it('answers 404 for missing files, traversal, hidden files and a symlink leading outside', async () => {
    for (const url of [
      'app://latchkey/missing.js',
      'app://latchkey/..%2fsecret.json',
      'app://latchkey/.env',
      'app://latchkey/assets/escape.json',
      'app://latchkey/assets/notes.exe',
    ]) {
      const response = await handle(url);
      expect(response.status, url).toBe(404);
      expect(await response.text(), url).not.toContain('refresh_token');
    }
  });

  it('refuses methods other than GET and HEAD', async () => {
    const response = await handle(APP_ENTRY_URL, 'POST');
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
  });

  it('serves the cached avatar at /avatar, and 404 when there is none', async () => {
    avatar = avatarImage;
    const response = await handle('app://latchkey/avatar?v=1');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(avatarImage.body);
    avatar = null;
    expect((await handle('app://latchkey/avatar?v=1')).status).toBe(404);
  });
});
