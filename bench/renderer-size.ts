import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { RendererSizes } from './json-report';

/** The files index.html makes the browser load at once: module scripts and their preloads, stylesheets. */
export function initialAssets(html: string): { scripts: string[]; styles: string[] } {
  const scripts: string[] = [];
  const styles: string[] = [];
  const attribute = (tag: string, name: string) =>
    new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i')
      .exec(tag)
      ?.slice(1)
      .find(Boolean);
  for (const [tag] of html.matchAll(/<script\b[^>]*>/gi)) {
    const src = attribute(tag, 'src');
    if (src) scripts.push(src);
  }
  for (const [tag] of html.matchAll(/<link\b[^>]*>/gi)) {
    const rel = (attribute(tag, 'rel') ?? '').toLowerCase().split(/\s+/);
    const href = attribute(tag, 'href');
    if (!href) continue;
    if (rel.includes('stylesheet')) styles.push(href);
    else if (rel.includes('modulepreload')) scripts.push(href);
  }
  return { scripts: [...new Set(scripts)], styles: [...new Set(styles)] };
}

async function sizes(root: string, files: readonly string[]): Promise<{ bytes: number; gzipBytes: number }> {
  let bytes = 0;
  let gzipBytes = 0;
  for (const file of files) {
    if (/^[a-z]+:/i.test(file)) throw new Error(`renderer: ${file} is not a file of the build`);
    const content = await readFile(resolve(root, file.replace(/^\//, '')));
    bytes += content.length;
    gzipBytes += gzipSync(content, { level: 9 }).length;
  }
  return { bytes, gzipBytes };
}

/** Sizes of the initial JS and CSS of a built renderer (dist/renderer/index.html and what it names). */
export async function measureRenderer(indexHtml: string): Promise<RendererSizes & { files: string[] }> {
  const { scripts, styles } = initialAssets(await readFile(indexHtml, 'utf8'));
  const root = dirname(indexHtml);
  const js = await sizes(root, scripts);
  const css = await sizes(root, styles);
  return {
    jsGzipBytes: js.gzipBytes,
    cssGzipBytes: css.gzipBytes,
    jsBytes: js.bytes,
    cssBytes: css.bytes,
    files: [...scripts, ...styles],
  };
}

/** Newest modification time of the files under `paths` (directories walked), 0 when none exist. */
export function newestMtimeMs(paths: readonly string[]): number {
  let newest = 0;
  for (const path of paths) {
    if (!existsSync(path)) continue;
    const stat = statSync(path);
    if (stat.isDirectory()) {
      const entries = readdirSync(path).filter((entry) => entry !== 'node_modules');
      newest = Math.max(newest, newestMtimeMs(entries.map((entry) => join(path, entry))));
    } else {
      newest = Math.max(newest, stat.mtimeMs);
    }
  }
  return newest;
}

/** What the renderer bundle is built from: a change to any of these makes dist/renderer stale. */
const RENDERER_INPUTS = ['renderer', 'common', 'vite.config.ts', 'tsconfig.web.json', 'package-lock.json'];

/**
 * dist/renderer/index.html, built first with `npm run build:renderer` when it is missing or older
 * than its sources (sizes of a stale build would describe code that no longer exists).
 */
export function ensureRendererBuild(repoRoot: string, log: (line: string) => void): string {
  const index = join(repoRoot, 'dist', 'renderer', 'index.html');
  const builtAt = existsSync(index) ? statSync(index).mtimeMs : 0;
  if (builtAt > 0 && builtAt >= newestMtimeMs(RENDERER_INPUTS.map((input) => join(repoRoot, input))))
    return index;
  log(
    builtAt > 0
      ? 'dist/renderer is older than its sources: npm run build:renderer'
      : 'dist/renderer is missing: npm run build:renderer',
  );
  const built = spawnSync('npm', ['run', 'build:renderer'], {
    cwd: repoRoot,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (built.status !== 0 || !existsSync(index)) throw new Error('npm run build:renderer failed');
  return index;
}
