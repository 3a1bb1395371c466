import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initialAssets, measureRenderer, newestMtimeMs } from '../../../bench/renderer-size';

describe('initialAssets', () => {
  it('takes module scripts, module preloads and stylesheets; not icons or lazy chunks', () => {
    const html = `<!doctype html><html><head>
      <link rel="icon" href="./favicon.svg">
      <script type="module" crossorigin src="./assets/index-A.js"></script>
      <link rel="modulepreload" crossorigin href="./assets/vendor-B.js">
      <link rel=stylesheet href=./assets/index-C.css>
      <link rel='stylesheet' href='./assets/index-C.css'>
      <script>/* inline: nothing to fetch */</script>
    </head><body><div id="root"></div></body></html>`;
    expect(initialAssets(html)).toEqual({
      scripts: ['./assets/index-A.js', './assets/vendor-B.js'],
      styles: ['./assets/index-C.css'],
    });
  });
});

describe('measureRenderer', () => {
  let dir: string;
  const js = 'export const a = 1;\n'.repeat(200);
  const css = 'body { color: red; }\n'.repeat(50);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'latchkey-bench-renderer-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'assets', 'index.js'), js);
    await writeFile(join(dir, 'assets', 'index.css'), css);
    await writeFile(join(dir, 'assets', 'lazy.js'), 'not loaded at first'.repeat(100));
    await writeFile(
      join(dir, 'index.html'),
      '<script type="module" src="./assets/index.js"></script><link rel="stylesheet" href="/assets/index.css">',
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reports raw and gzip (level 9) sizes of the initial files only', async () => {
    const sizes = await measureRenderer(join(dir, 'index.html'));
    expect(sizes).toMatchObject({
      jsBytes: Buffer.byteLength(js),
      cssBytes: Buffer.byteLength(css),
      jsGzipBytes: gzipSync(js, { level: 9 }).length,
      cssGzipBytes: gzipSync(css, { level: 9 }).length,
    });
  });

  it('refuses an asset that is not a file of the build', async () => {
    await writeFile(join(dir, 'remote.html'), '<script src="https://cdn.example/x.js"></script>');
    await expect(measureRenderer(join(dir, 'remote.html'))).rejects.toThrow(/not a file of the build/);
  });
});

describe('newestMtimeMs', () => {
  it('walks directories and finds the newest file; missing paths count as nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'latchkey-bench-mtime-'));
    try {
      await mkdir(join(dir, 'nested'));
      await writeFile(join(dir, 'old.ts'), '');
      await writeFile(join(dir, 'nested', 'new.ts'), '');
      await utimes(join(dir, 'old.ts'), new Date(1_000_000), new Date(1_000_000));
      await utimes(join(dir, 'nested', 'new.ts'), new Date(5_000_000), new Date(5_000_000));
      expect(newestMtimeMs([dir, join(dir, 'missing')])).toBe(5_000_000);
      expect(newestMtimeMs([join(dir, 'missing')])).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
