import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  chunkAccount,
  isChunkAccountOf,
  itemBytes,
  joinChunks,
  MAX_CHUNKS,
  MAX_VALUE_CHARS,
  parseManifest,
  planSplit,
} from '../../../../main/keychain/item-layout';
import { toAsciiJson } from '../../../../main/session/session-record';

const MAIN = 'https://tenant.example|client';

describe('item layout', () => {
  it('splits any ASCII text into chunks within the cap and joins them back exactly', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 5000 }),
        fc.integer({ min: 512, max: 4096 }),
        (raw, cap) => {
          const text = toAsciiJson(raw);
          const plan = planSplit(MAIN, text, cap);
          expect(plan.chunks.every((chunk) => itemBytes(chunk.value) <= cap)).toBe(true);
          expect(itemBytes(plan.manifestText)).toBeLessThanOrEqual(cap);
          expect(
            joinChunks(
              plan.manifest,
              plan.chunks.map((chunk) => chunk.value),
            ),
          ).toBe(text);
        },
      ),
    );
  });

  it('refuses chunks that are missing, reordered or altered', () => {
    const text = 'x'.repeat(600) + 'y'.repeat(600);
    const plan = planSplit(MAIN, text, 512);
    const values = plan.chunks.map((chunk) => chunk.value);
    expect(joinChunks(plan.manifest, values.slice(1))).toBeNull();
    expect(joinChunks(plan.manifest, [...values].reverse())).toBeNull();
    expect(
      joinChunks(
        plan.manifest,
        values.map((value, i) => (i === 1 ? value.replace('x', 'z') : value)),
      ),
    ).toBeNull();
  });

  it('uses a fresh generation per split so a new write never overwrites the chunks being read', () => {
    const a = planSplit(MAIN, 'a'.repeat(1000), 512);
    const b = planSplit(MAIN, 'a'.repeat(1000), 512);
    expect(a.manifest.generation).not.toBe(b.manifest.generation);
  });

  it('recognises only its own chunk accounts (another client id sharing the prefix is not one)', () => {
    expect(isChunkAccountOf(MAIN, chunkAccount(MAIN, '0a1b2c3d', 4))).toBe(true);
    expect(isChunkAccountOf(MAIN, `${MAIN}#other`)).toBe(false);
    expect(isChunkAccountOf(MAIN, `${MAIN}#chunk:0a1b2c3d:4#chunk:00000000:1`)).toBe(false);
    expect(isChunkAccountOf(`${MAIN}#x`, chunkAccount(MAIN, '0a1b2c3d', 0))).toBe(false);
  });

  it("never counts another client's chunks as ours, even when its account has the same length", () => {
    // Same issuer, another client id of the same length: only the prefix tells the two apart.
    const other = 'https://tenant.example|clienT';
    expect(other.length).toBe(MAIN.length);
    expect(isChunkAccountOf(MAIN, chunkAccount(other, '0a1b2c3d', 0))).toBe(false);
    expect(isChunkAccountOf(other, chunkAccount(MAIN, '0a1b2c3d', 0))).toBe(false);
  });

  it('recognises chunk 10 and beyond, and nothing but a generation and an index after the prefix', () => {
    for (const index of [0, 9, 10, 31, 123]) {
      expect(isChunkAccountOf(MAIN, chunkAccount(MAIN, '0a1b2c3d', index)), String(index)).toBe(true);
    }
    for (const tail of [
      'x0a1b2c3d:4',
      '0a1b2c3d:4x',
      '0a1b2c3d:',
      '0a1b2c3:4',
      '0A1B2C3D:4',
      '0a1b2c3d4:4',
    ]) {
      expect(isChunkAccountOf(MAIN, `${MAIN}#chunk:${tail}`), tail).toBe(false);
    }
  });

  it('a long value is cut into full chunks and a remainder, joined back exactly, with no empty chunk', () => {
    const text = 'abcdefghij'.repeat(100);
    const plan = planSplit(MAIN, text, 512);
    expect(plan.chunks.map((chunk) => chunk.value.length)).toEqual([256, 256, 256, 232]);
    expect(plan.chunks.map((chunk) => chunk.account)).toEqual(
      [0, 1, 2, 3].map((index) => chunkAccount(MAIN, plan.manifest.generation, index)),
    );
    expect(
      joinChunks(
        plan.manifest,
        plan.chunks.map((chunk) => chunk.value),
      ),
    ).toBe(text);
    expect(planSplit(MAIN, 'x'.repeat(512), 512).chunks).toHaveLength(2);
  });

  it('counts two bytes per character: 1280 characters fill a Windows item (2560 bytes)', () => {
    expect(itemBytes('x'.repeat(1280))).toBe(2560);
    expect(itemBytes('')).toBe(0);
  });

  it('a manifest of one-character chunks is well formed (chunks may equal the length)', () => {
    const plan = planSplit(MAIN, 'ab', 512);
    const manifest = { ...plan.manifest, chunks: 2, length: 2 };
    expect(parseManifest(JSON.stringify(manifest))).toEqual(manifest);
  });

  it('parses a manifest up to 512 characters, never a longer one, and never JSON that is not an object', () => {
    const plan = planSplit(MAIN, 'q'.repeat(900), 512);
    const padded = (length: number) => {
      const base = JSON.stringify({ ...plan.manifest, pad: '' });
      return JSON.stringify({ ...plan.manifest, pad: 'p'.repeat(length - base.length) });
    };
    expect(padded(512)).toHaveLength(512);
    expect(parseManifest(padded(512))).toEqual(plan.manifest);
    expect(parseManifest(padded(513))).toBeNull();
    for (const value of ['null', '1', '"latchkey-split"', '[]'])
      expect(parseManifest(value), value).toBeNull();
  });

  it('reads a manifest only when it is well formed', () => {
    const plan = planSplit(MAIN, 'q'.repeat(900), 512);
    expect(parseManifest(plan.manifestText)).toEqual(plan.manifest);
    expect(parseManifest('{"kind":"latchkey-split","v":1}')).toBeNull();
    expect(parseManifest('{"v":1,"tokens":{}}')).toBeNull();
    expect(parseManifest('garbage')).toBeNull();
  });

  it('refuses a manifest naming more chunks or characters than a value Latchkey writes can have', () => {
    const manifest = (fields: Record<string, unknown>) =>
      JSON.stringify({
        v: 1,
        kind: 'latchkey-split',
        generation: '0a1b2c3d',
        chunks: 2,
        length: 2000,
        sha256: 'f'.repeat(64),
        ...fields,
      });
    expect(parseManifest(manifest({}))).not.toBeNull();
    expect(parseManifest(manifest({ chunks: MAX_CHUNKS, length: MAX_VALUE_CHARS }))).not.toBeNull();
    expect(parseManifest(manifest({ chunks: MAX_CHUNKS + 1 }))).toBeNull();
    expect(parseManifest(manifest({ chunks: 1000, length: 1_000_000 }))).toBeNull();
    expect(parseManifest(manifest({ length: MAX_VALUE_CHARS + 1 }))).toBeNull();
    expect(parseManifest(manifest({ chunks: 30, length: 10 }))).toBeNull();
    expect(parseManifest(manifest({ chunks: 0, length: 0 }))).toBeNull();
    expect(parseManifest(manifest({ chunks: 1.5 }))).toBeNull();
    expect(parseManifest(manifest({ v: 2 }))).toBeNull();
    // The generation and checksum are exactly lower-case hex of their length, nothing around them.
    for (const generation of ['0a1b2c3d0', 'x0a1b2c3d', '0a1b2c3', '0A1B2C3D']) {
      expect(parseManifest(manifest({ generation })), generation).toBeNull();
    }
    for (const sha256 of [`${'f'.repeat(64)}0`, `x${'f'.repeat(64)}`, 'f'.repeat(63), 'F'.repeat(64)]) {
      expect(parseManifest(manifest({ sha256 })), sha256).toBeNull();
    }
    expect(parseManifest(manifest({ padding: 'x'.repeat(1000) }))).toBeNull();
  });

  it('a real session record at the Windows cap needs a few chunks, far under the cap', () => {
    // A record with JWT-sized access and ID tokens and a long opaque refresh token.
    const record = toAsciiJson({
      accessToken: 'a'.repeat(2500),
      idToken: 'i'.repeat(2000),
      refreshToken: 'r'.repeat(1500),
      pad: 'p'.repeat(2000),
    });
    const plan = planSplit(MAIN, record, 2560);
    expect(plan.chunks.length).toBeLessThanOrEqual(7);
    expect(plan.chunks.length * 4).toBeLessThanOrEqual(MAX_CHUNKS);
  });
});
