// Draws Latchkey's icon (a key on a rounded square) and writes it as PNG files for electron-builder:
// build/icon.png (1024 px: macOS .icns and Windows .ico are derived from it) and build/icons/NxN.png
// (Linux). Pure Node: shapes are signed-distance functions, anti-aliased by 4x4 supersampling, and
// the PNG encoder is the format's minimum (IHDR, one zlib-compressed IDAT, IEND; PNG spec §11).
// Usage: node scripts/make-icons.mjs   (the output is committed; re-run only to change the design)
import { Buffer } from 'node:buffer';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];

// ---- PNG encoding ---------------------------------------------------------------------------------
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/** RGBA, 8 bits per channel, no interlace; every scanline uses filter type 0 (None). */
export function encodePng(width, height, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type: truecolour with alpha
  header[10] = 0; // compression
  header[11] = 0; // filter method
  header[12] = 0; // interlace: none
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0;
    rgba.copy(raw, y * (stride + 1) + 1, y * stride, (y + 1) * stride);
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---- The drawing, in a unit square (0..1) ---------------------------------------------------------
const roundedBox = (x, y, cx, cy, hw, hh, r) => {
  const qx = Math.abs(x - cx) - hw + r;
  const qy = Math.abs(y - cy) - hh + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
};
const circle = (x, y, cx, cy, r) => Math.hypot(x - cx, y - cy) - r;

/** Signed distance to the key: a ring bow, a shaft and two bits (negative inside). */
function keyDistance(x, y) {
  const bow = Math.max(circle(x, y, 0.34, 0.5, 0.17), -circle(x, y, 0.34, 0.5, 0.075));
  const shaft = roundedBox(x, y, 0.62, 0.5, 0.16, 0.045, 0.02);
  const bit1 = roundedBox(x, y, 0.7, 0.585, 0.03, 0.06, 0.012);
  const bit2 = roundedBox(x, y, 0.77, 0.57, 0.025, 0.045, 0.012);
  return Math.min(bow, shaft, bit1, bit2);
}

/** Colour at a point: [r, g, b, a] in 0..1, or null outside the tile. */
function shade(x, y) {
  if (roundedBox(x, y, 0.5, 0.5, 0.46, 0.46, 0.2) > 0) return null;
  if (keyDistance(x, y) <= 0) return [0.98, 0.85, 0.42, 1]; // brass
  const t = y; // a vertical gradient: teal to deep blue
  return [0.05 + 0.03 * t, 0.45 - 0.2 * t, 0.55 - 0.1 * t, 1];
}

export function drawIcon(size) {
  const samples = size >= 64 ? 4 : 6;
  const rgba = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const colour = shade((px + (sx + 0.5) / samples) / size, (py + (sy + 0.5) / samples) / size);
          if (!colour) continue;
          r += colour[0];
          g += colour[1];
          b += colour[2];
          a += colour[3];
        }
      }
      const n = samples * samples;
      const offset = (py * size + px) * 4;
      // Un-premultiply: the colour channels are averaged over covered samples only.
      rgba[offset] = a > 0 ? Math.round((r / a) * 255) : 0;
      rgba[offset + 1] = a > 0 ? Math.round((g / a) * 255) : 0;
      rgba[offset + 2] = a > 0 ? Math.round((b / a) * 255) : 0;
      rgba[offset + 3] = Math.round((a / n) * 255);
    }
  }
  return encodePng(size, size, rgba);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  mkdirSync(join(root, 'build', 'icons'), { recursive: true });
  for (const size of SIZES) {
    const png = drawIcon(size);
    writeFileSync(join(root, 'build', 'icons', `${size}x${size}.png`), png);
    if (size === 1024) writeFileSync(join(root, 'build', 'icon.png'), png);
  }
  console.log(`make-icons: wrote build/icon.png and build/icons/{${SIZES.join(',')}}.png`);
}
