import { describe, expect, it } from 'vitest';
import { metadataPatchSchema } from '../../../common/metadata';
import {
  applyMetadataPatch,
  METADATA_LIMITS,
  METADATA_MESSAGES,
  metadataBytes,
  metadataSaveProblem,
  incomingMetadataProblem,
  metadataKeyProblem,
} from '../../../common/metadata-rules';

describe("applyMetadataPatch (Auth0's user_metadata semantics)", () => {
  it('merges top-level keys and deletes those set to null', () => {
    const current = { first_name: 'Ada', country: 'GB', prefs: { theme: 'dark', size: 2 } };
    const merged = applyMetadataPatch(current, { country: 'NZ', first_name: null, last_name: 'Lovelace' });
    expect(merged).toEqual({ country: 'NZ', last_name: 'Lovelace', prefs: { theme: 'dark', size: 2 } });
    expect(current.first_name).toBe('Ada');
  });

  it('replaces nested objects whole instead of merging them', () => {
    expect(applyMetadataPatch({ prefs: { theme: 'dark', size: 2 } }, { prefs: { size: 3 } })).toEqual({
      prefs: { size: 3 },
    });
  });

  it('never swaps the prototype, even for a "__proto__" key', () => {
    const patch = JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, never>;
    const merged = applyMetadataPatch({}, patch);
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('counts bytes as UTF-8, as the 16 KB limit does', () => {
    expect(metadataBytes({ a: 'é' })).toBe('{"a":"é"}'.length + 1);
  });
});

describe('metadataPatchSchema', () => {
  it('accepts first_name, last_name, country', () => {
    expect(
      metadataPatchSchema.safeParse({ first_name: 'Ada', last_name: 'Lovelace', country: 'GB' }).success,
    ).toBe(true);
  });
  it('refuses empty patches, bad keys, long values, deep nesting and oversized patches', () => {
    const deep = { a: { b: { c: { d: { e: { f: 1 } } } } } };
    const big = Object.fromEntries(
      Array.from({ length: 10 }, (_, i) => [`k${i}`, 'x'.repeat(METADATA_LIMITS.stringLength)]),
    );
    for (const bad of [
      {},
      { 'preference.color': 'red' },
      { $set: 1 },
      { 'a\u202eb': 1 },
      { constructor: 1 },
      { a: 'x'.repeat(5000) },
      deep,
      big,
      { a: Number.NaN },
    ]) {
      expect(metadataPatchSchema.safeParse(bad).success).toBe(false);
    }
  });

  it('takes a nested object of 64 keys and refuses one of 65, saying which limit', () => {
    const nested = (keys: number) =>
      metadataPatchSchema.safeParse({
        prefs: Object.fromEntries(Array.from({ length: keys }, (_, i) => [`k${i}`, i])),
      });
    expect(nested(METADATA_LIMITS.keysPerObject).success).toBe(true);
    const refused = nested(METADATA_LIMITS.keysPerObject + 1);
    expect(refused.success).toBe(false);
    expect(refused.error?.issues.map((issue) => issue.message)).toEqual([
      METADATA_MESSAGES.tooManyKeysInObject,
    ]);
  });

  it('names the key a refusal is about, with the rule it breaks', () => {
    const refused = metadataPatchSchema.safeParse({ first_name: 'Ada', 'preference.color': 'red' });
    expect(refused.error?.issues.map(({ path, message }) => ({ path, message }))).toEqual([
      { path: ['preference.color'], message: METADATA_MESSAGES.keyCharacters },
    ]);
    const empty = metadataPatchSchema.safeParse({});
    expect(empty.error?.issues.map(({ path, message }) => ({ path, message }))).toEqual([
      { path: [], message: METADATA_MESSAGES.nothingToSave },
    ]);
  });

  it("takes keys as Auth0 has them: any Unicode but '.' and '$' (spaces, accents, scripts, emoji)", () => {
    for (const key of ['名前', 'clé', 'emoji😀', 'favourite colour', 'שם', 'a-b_c']) {
      expect(metadataPatchSchema.safeParse({ [key]: 'x' }).success, key).toBe(true);
    }
  });

  it('lets a key the rules would refuse be deleted: something else stored it, and it must not stay forever', () => {
    expect(metadataPatchSchema.safeParse({ 'preference.color': null }).success).toBe(true);
    expect(metadataPatchSchema.safeParse({ ['k'.repeat(200)]: null }).success).toBe(true);
    // ...but setting it, or deleting a name that reaches Object.prototype, is still refused.
    expect(metadataPatchSchema.safeParse({ 'preference.color': 'blue' }).success).toBe(false);
    expect(metadataPatchSchema.safeParse({ constructor: null }).success).toBe(false);
  });

  it('counts a key in characters, not UTF-16 units: 64 emoji fit, 65 do not', () => {
    expect(metadataPatchSchema.safeParse({ ['😀'.repeat(64)]: 'x' }).success).toBe(true);
    expect(metadataPatchSchema.safeParse({ ['😀'.repeat(65)]: 'x' }).success).toBe(false);
  });
});

describe('metadataSaveProblem (the one size and count judgement)', () => {
  const value = 'x'.repeat(METADATA_LIMITS.stringLength);
  const many = (prefix: string, count: number) =>
    Object.fromEntries(Array.from({ length: count }, (_, i) => [`${prefix}${i}`, value]));

  it('refuses too many keys, then a patch over 16 KB, with one message each', () => {
    expect(metadataSaveProblem(undefined, many('k', METADATA_LIMITS.keysPerObject + 1))).toBe(
      METADATA_MESSAGES.tooManyKeys,
    );
    expect(metadataSaveProblem(undefined, many('k', 9))).toBe(METADATA_MESSAGES.tooLarge);
    expect(metadataSaveProblem(undefined, many('k', 7))).toBeUndefined();
  });

  it('judges the merge with what is stored when that is known; deletions count', () => {
    const stored = many('old', 6);
    expect(metadataSaveProblem(stored, many('new', 3))).toBe(METADATA_MESSAGES.tooLarge);
    expect(
      metadataSaveProblem(stored, { ...many('new', 3), old0: null, old1: null, old2: null }),
    ).toBeUndefined();
  });

  it('is the message the schema gives for the same patch', () => {
    const issues = metadataPatchSchema.safeParse(many('k', 9)).error?.issues.map((issue) => issue.message);
    expect(issues).toEqual([METADATA_MESSAGES.tooLarge]);
  });
});

describe('incomingMetadataProblem: what the provider sends, judged before anything walks it', () => {
  const nested = (depth: number): unknown => {
    let value: unknown = 'leaf';
    for (let level = 0; level < depth; level++) value = { next: value };
    return value;
  };

  it('accepts the limits a patch has, and keys other applications may have stored', () => {
    expect(incomingMetadataProblem({})).toBeUndefined();
    expect(incomingMetadataProblem({ a: nested(4) })).toBeUndefined();
    // The patch schema draws the line at the same place.
    expect(metadataPatchSchema.safeParse({ a: nested(4) }).success).toBe(true);
    expect(metadataPatchSchema.safeParse({ a: nested(5) }).success).toBe(false);
    expect(
      incomingMetadataProblem({
        'app.theme': 'dark',
        $plan: 1,
        ['k'.repeat(1024)]: 'x',
        'zero\u200bwidth': null,
      }),
    ).toBeUndefined();
  });

  it('refuses deeper nesting, too many keys or items, non-JSON values and reserved keys', () => {
    expect(incomingMetadataProblem({ a: nested(5) })).toMatch(/nested deeper/);
    expect(
      incomingMetadataProblem(Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, i]))),
    ).toMatch(/64 keys/);
    expect(incomingMetadataProblem({ list: Array.from({ length: 65 }, () => 0) })).toMatch(/64 items/);
    expect(incomingMetadataProblem({ n: Number.POSITIVE_INFINITY })).toMatch(/number/);
    expect(incomingMetadataProblem({ d: new Date() })).toMatch(/not JSON/);
    expect(incomingMetadataProblem({ f: () => 1 })).toMatch(/not JSON/);
    expect(incomingMetadataProblem(JSON.parse('{"a":{"__proto__":{"x":1}}}'))).toMatch(/reserved/);
    expect(incomingMetadataProblem({ ['k'.repeat(1025)]: 1 })).toMatch(/1024 characters/);
    expect(incomingMetadataProblem([])).toMatch(/not an object/);
    expect(incomingMetadataProblem(null)).toMatch(/not an object/);
  });

  it('walks 200,000 levels without recursion (no stack overflow)', () => {
    let deep: unknown = [];
    for (let level = 0; level < 200_000; level++) deep = [deep];
    expect(incomingMetadataProblem({ deep })).toMatch(/nested deeper/);
  });
});

describe('metadataKeyProblem (what the form says about a key)', () => {
  it('an empty key is refused, whether set or deleted', () => {
    expect(metadataKeyProblem('')).toBe(METADATA_MESSAGES.keyEmpty);
    expect(metadataKeyProblem('', { deleting: true })).toBe(METADATA_MESSAGES.keyEmpty);
  });

  it('only the three names that reach Object.prototype are reserved', () => {
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      expect(metadataKeyProblem(key)).toBe(METADATA_MESSAGES.keyReserved);
    }
    for (const key of ['proto', 'Constructor', 'prototypes', 'first_name']) {
      expect(metadataKeyProblem(key), key).toBeUndefined();
    }
  });

  it('a key of 64 characters is fine, 65 is too long; deleting allows up to 1024', () => {
    expect(metadataKeyProblem('k'.repeat(64))).toBeUndefined();
    expect(metadataKeyProblem('k'.repeat(65))).toBe(METADATA_MESSAGES.keyTooLong);
    expect(metadataKeyProblem('k'.repeat(1024), { deleting: true })).toBeUndefined();
    expect(metadataKeyProblem('k'.repeat(1025), { deleting: true })).toBe(METADATA_MESSAGES.storedKeyTooLong);
  });
});

describe('applyMetadataPatch keeps what it sets visible to the size count', () => {
  it('a value set by the patch is an ordinary key: listed, serialised and counted', () => {
    const merged = applyMetadataPatch({ kept: 1 }, { added: 'x'.repeat(100), kept: null });
    expect(Object.keys(merged)).toEqual(['added']);
    expect(JSON.parse(JSON.stringify(merged))).toEqual({ added: 'x'.repeat(100) });
    expect(metadataBytes(merged)).toBe(JSON.stringify({ added: 'x'.repeat(100) }).length);
    // A later patch can replace or delete it again.
    expect(applyMetadataPatch(merged, { added: 'y' })).toEqual({ added: 'y' });
    const again = applyMetadataPatch(merged, { added: null });
    expect(again).toEqual({});
  });

  it('a patch of exactly the size limit fits; one byte more does not', () => {
    const overhead = metadataBytes({ k: '' });
    const exact = { k: 'x'.repeat(METADATA_LIMITS.totalBytes - overhead) };
    expect(metadataBytes(exact)).toBe(METADATA_LIMITS.totalBytes);
    // Values are capped per string elsewhere; the size rule alone is judged here.
    expect(metadataSaveProblem(undefined, exact)).toBeUndefined();
    expect(metadataSaveProblem(undefined, { k: `${exact.k}x` })).toBe(METADATA_MESSAGES.tooLarge);
    expect(metadataSaveProblem({}, exact)).toBeUndefined();
    expect(metadataSaveProblem({ other: 'y' }, exact)).toBe(METADATA_MESSAGES.tooLarge);
  });
});

describe('incomingMetadataProblem at its limits', () => {
  const nested = (depth: number): unknown => (depth === 0 ? 'leaf' : { a: nested(depth - 1) });

  it('takes exactly the limits and refuses one more', () => {
    expect(incomingMetadataProblem({ list: Array.from({ length: 64 }, () => 1) })).toBeUndefined();
    expect(incomingMetadataProblem({ list: Array.from({ length: 65 }, () => 1) })).toMatch(
      /more than 64 items/,
    );
    const keys = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, i]));
    expect(incomingMetadataProblem(keys(64))).toBeUndefined();
    expect(incomingMetadataProblem(keys(65))).toMatch(/more than 64 keys/);
    expect(incomingMetadataProblem({ x: nested(4) })).toBeUndefined();
    expect(incomingMetadataProblem({ x: nested(5) })).toMatch(/nested deeper than 5/);
  });

  it('refuses what is not an object, and values JSON cannot hold', () => {
    for (const value of [null, 'text', 3, [], undefined]) {
      expect(incomingMetadataProblem(value), String(value)).toBe('it is not an object');
    }
    expect(incomingMetadataProblem({ a: 'text', b: true, c: null, d: 1.5 })).toBeUndefined();
    expect(incomingMetadataProblem({ f: () => 1 })).toBe('it holds a value that is not JSON');
    expect(incomingMetadataProblem({ s: Symbol('x') })).toBe('it holds a value that is not JSON');
    expect(incomingMetadataProblem({ d: new Date(0) })).toBe('it holds a value that is not JSON');
  });
});

describe('metadata edges', () => {
  it('returns merged metadata as an ordinary object, whose values can be changed and removed again', () => {
    const merged = applyMetadataPatch({ a: 1 }, { b: 2 });
    merged.b = 3;
    expect(merged).toEqual({ a: 1, b: 3 });
    delete merged.b;
    expect(merged).toEqual({ a: 1 });
  });

  it('refuses stored metadata holding values JSON cannot carry (what a buggy provider client could send)', () => {
    for (const value of [undefined, () => 1, 1n, Symbol('s')]) {
      expect(incomingMetadataProblem({ a: value }), String(typeof value)).toBe(
        'it holds a value that is not JSON',
      );
    }
  });
});
