import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The window's size and position, remembered across launches in a small JSON file in the user-data
 * folder (nothing secret: four numbers and a flag). Restored only where it still fits on a display
 * that is connected now, so a window saved on a monitor since unplugged never opens off-screen; a
 * missing, unreadable or corrupt file means the default size, centred. Plain Node:
 * main/electron/window.ts reads the bounds (win.getNormalBounds(), win.isMaximized()) and the
 * displays (screen.getAllDisplays(), each with its `workArea`) and applies the placement.
 */

export interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  /** The normal (not maximised) bounds: BrowserWindow.getNormalBounds(). */
  bounds: Rectangle;
  maximized: boolean;
}

export const WINDOW_STATE_FILE_NAME = 'window-state.json';

export function windowStatePath(userDataDir: string): string {
  return join(userDataDir, WINDOW_STATE_FILE_NAME);
}

/** The window's default and minimum sizes. */
export interface WindowSizes {
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
}

/** The main window's default size, and the smallest the layout allows. */
export const MAIN_WINDOW_SIZES: WindowSizes = { width: 960, height: 720, minWidth: 560, minHeight: 480 };

/** Where the window opens: `x`/`y` only when a saved position is restored (Electron centres otherwise). */
export interface WindowPlacement {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

/** Screen coordinates are integers; anything else (NaN, strings, 1e300) is a corrupt file. */
function isCoordinate(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

/** The saved state, or undefined when the text is not a state this module wrote. */
export function parseWindowState(text: string): WindowState | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null) return undefined;
  const { bounds, maximized } = json as { bounds?: unknown; maximized?: unknown };
  if (typeof bounds !== 'object' || bounds === null || typeof maximized !== 'boolean') return undefined;
  const { x, y, width, height } = bounds as Record<string, unknown>;
  if (!isCoordinate(x) || !isCoordinate(y) || !isCoordinate(width) || !isCoordinate(height)) return undefined;
  if (width <= 0 || height <= 0) return undefined;
  return { bounds: { x, y, width, height }, maximized };
}

function contains(area: Rectangle, rect: Rectangle): boolean {
  return (
    rect.x >= area.x &&
    rect.y >= area.y &&
    rect.x + rect.width <= area.x + area.width &&
    rect.y + rect.height <= area.y + area.height
  );
}

/**
 * Where to open the window. The saved bounds are used whole when they lie entirely inside the work
 * area (the screen minus task bar, dock and menu bar) of one current display. Otherwise the position
 * is dropped and Electron centres the window; the saved size is kept if it fits some display, else
 * the default size. A size below the minimum is raised to it. Maximised stays maximised either way.
 */
export function placeWindow(
  saved: WindowState | undefined,
  workAreas: readonly Rectangle[],
  sizes: WindowSizes,
): WindowPlacement {
  if (!saved) return { width: sizes.width, height: sizes.height, maximized: false };
  const bounds = {
    ...saved.bounds,
    width: Math.max(saved.bounds.width, sizes.minWidth),
    height: Math.max(saved.bounds.height, sizes.minHeight),
  };
  if (workAreas.some((area) => contains(area, bounds))) return { ...bounds, maximized: saved.maximized };
  const sizeFits = workAreas.some((area) => bounds.width <= area.width && bounds.height <= area.height);
  return sizeFits
    ? { width: bounds.width, height: bounds.height, maximized: saved.maximized }
    : { width: sizes.width, height: sizes.height, maximized: saved.maximized };
}

/**
 * Reads the saved state; undefined when there is none or it cannot be used (never throws: a bad file
 * costs the person their window position, nothing more). Synchronous: it runs once, before the
 * window exists, and the file is a few dozen bytes.
 */
export function readWindowState(path: string): WindowState | undefined {
  try {
    return parseWindowState(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Saves the state. Synchronous on purpose: it runs when the window closes, and a quit can end the
 * process before an asynchronous write would have finished. Written to a temporary file first, then
 * renamed over the old one, so a crash mid-write never leaves half a file.
 */
export function writeWindowState(path: string, state: WindowState): void {
  const temporary = `${path}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state)}\n`);
  renameSync(temporary, path);
}
