import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  MAIN_WINDOW_SIZES,
  parseWindowState,
  placeWindow,
  readWindowState,
  windowStatePath,
  writeWindowState,
  type Rectangle,
} from '../../../../main/shell/window-state';

const laptop: Rectangle = { x: 0, y: 0, width: 1440, height: 860 };
/** A second monitor to the right of the laptop. */
const monitor: Rectangle = { x: 1440, y: 0, width: 2560, height: 1400 };

describe('placeWindow', () => {
  it('no saved state: the default size, centred by Electron (no position)', () => {
    expect(placeWindow(undefined, [laptop], MAIN_WINDOW_SIZES)).toEqual({
      width: 960,
      height: 720,
      maximized: false,
    });
  });

  it('restores position and size when they fit inside a current display', () => {
    const saved = { bounds: { x: 1600, y: 100, width: 1200, height: 900 }, maximized: false };
    expect(placeWindow(saved, [laptop, monitor], MAIN_WINDOW_SIZES)).toEqual({
      ...saved.bounds,
      maximized: false,
    });
  });

  it('never off-screen: a window saved on a monitor since unplugged opens centred, keeping its size if it fits', () => {
    const saved = { bounds: { x: 1600, y: 100, width: 1200, height: 800 }, maximized: false };
    expect(placeWindow(saved, [laptop], MAIN_WINDOW_SIZES)).toEqual({
      width: 1200,
      height: 800,
      maximized: false,
    });
  });

  it('a window straddling two displays, or partly off the edge, is not restored where it was', () => {
    const straddling = { bounds: { x: 1000, y: 100, width: 1000, height: 600 }, maximized: false };
    expect(placeWindow(straddling, [laptop, monitor], MAIN_WINDOW_SIZES)).not.toHaveProperty('x');
    const offTop = { bounds: { x: 100, y: -50, width: 800, height: 600 }, maximized: false };
    expect(placeWindow(offTop, [laptop], MAIN_WINDOW_SIZES)).not.toHaveProperty('y');
  });

  it('a saved size larger than every display falls back to the default size', () => {
    const huge = { bounds: { x: 0, y: 0, width: 5000, height: 3000 }, maximized: true };
    expect(placeWindow(huge, [laptop, monitor], MAIN_WINDOW_SIZES)).toEqual({
      width: 960,
      height: 720,
      maximized: true,
    });
  });

  it('a saved size below the minimum is raised to it', () => {
    const tiny = { bounds: { x: 10, y: 10, width: 100, height: 100 }, maximized: false };
    expect(placeWindow(tiny, [laptop], MAIN_WINDOW_SIZES)).toEqual({
      x: 10,
      y: 10,
      width: 560,
      height: 480,
      maximized: false,
    });
  });

  it('with no display reported, nothing saved is trusted', () => {
    const saved = { bounds: { x: 10, y: 10, width: 800, height: 600 }, maximized: false };
    expect(placeWindow(saved, [], MAIN_WINDOW_SIZES)).toEqual({ width: 960, height: 720, maximized: false });
  });
});

describe('parseWindowState', () => {
  it('reads what writeWindowState writes', () => {
    const state = { bounds: { x: -1200, y: 40, width: 1000, height: 700 }, maximized: true };
    expect(parseWindowState(JSON.stringify(state))).toEqual(state);
  });

  it('ignores anything else: not JSON, missing fields, non-integers, strings, zero sizes', () => {
    for (const text of [
      '',
      '{',
      'null',
      '[]',
      '{"bounds":{"x":0,"y":0,"width":800,"height":600}}',
      '{"bounds":{"x":0,"y":0,"width":800},"maximized":false}',
      '{"bounds":{"x":0.5,"y":0,"width":800,"height":600},"maximized":false}',
      '{"bounds":{"x":"0","y":0,"width":800,"height":600},"maximized":false}',
      '{"bounds":{"x":0,"y":0,"width":0,"height":600},"maximized":false}',
      '{"bounds":{"x":1e300,"y":0,"width":800,"height":600},"maximized":false}',
      '{"bounds":{"x":0,"y":0,"width":800,"height":600},"maximized":"yes"}',
    ])
      expect(parseWindowState(text), text).toBeUndefined();
  });
});

describe('readWindowState and writeWindowState', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'latchkey-window-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips through the file in the user-data folder, leaving no temporary file', async () => {
    const path = windowStatePath(dir);
    const state = { bounds: { x: 1, y: 2, width: 800, height: 600 }, maximized: false };
    writeWindowState(path, state);
    expect(readWindowState(path)).toEqual(state);
    expect(await readdir(dir)).toEqual(['window-state.json']);
  });

  it('a missing or corrupt file reads as nothing saved, without throwing', async () => {
    const path = windowStatePath(dir);
    expect(readWindowState(path)).toBeUndefined();
    await writeFile(path, '{"bounds": garbage');
    expect(readWindowState(path)).toBeUndefined();
  });
});
