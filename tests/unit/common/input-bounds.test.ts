import { describe, expect, it } from 'vitest';
import { INPUT_BOUNDS, inputBoundsProblem } from '../../../common/input-bounds';
import { METADATA_LIMITS } from '../../../common/metadata-rules';
import { metadataPatchSchema } from '../../../common/metadata';

describe('inputBoundsProblem: counts and sizes before any parsing', () => {
  it('lets the largest valid inputs through', () => {
    expect(inputBoundsProblem(undefined)).toBeUndefined();
    expect(inputBoundsProblem({ everywhere: true })).toBeUndefined();
    // A patch at the limits the schema allows: 64 keys, 16 KB, 5 levels.
    const wide = Object.fromEntries(
      Array.from({ length: METADATA_LIMITS.keysPerObject }, (_, i) => [`key${i}`, 'v'.repeat(200)]),
    );
    const list = { list: Array.from({ length: METADATA_LIMITS.arrayLength }, (_, i) => i) };
    const deep = { a: { b: { c: { d: { e: 1 } } } } };
    for (const patch of [wide, list, deep]) {
      expect(metadataPatchSchema.safeParse(patch).success).toBe(true);
      expect(inputBoundsProblem({ patch })).toBeUndefined();
    }
  });

  it('refuses a million keys, a hundred thousand items, a megabyte of text and deep nesting', () => {
    const manyKeys: Record<string, number> = {};
    for (let i = 0; i < 1_000_000; i++) manyKeys[`k${i}`] = i;
    expect(inputBoundsProblem({ patch: manyKeys })).toMatch(/larger than any/);
    expect(inputBoundsProblem({ patch: { list: new Array(100_000).fill(0) } })).toMatch(/larger than any/);
    expect(inputBoundsProblem({ patch: { note: 'x'.repeat(1_000_000) } })).toMatch(/larger than any/);
    expect(inputBoundsProblem({ patch: { ['k'.repeat(1_000_000)]: 1 } })).toMatch(/larger than any/);
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(inputBoundsProblem({ patch: { deep } })).toMatch(/nested too deeply/);
    expect(inputBoundsProblem({ patch: { a: new Array(INPUT_BOUNDS.nodes).fill('') } })).toMatch(
      /larger than any/,
    );
  });

  it('refuses keys that reach Object.prototype anywhere, and what cannot be read', () => {
    expect(inputBoundsProblem(JSON.parse('{"patch":{"x":{"__proto__":{"a":1}}}}'))).toMatch(/"__proto__"/);
    expect(inputBoundsProblem({ patch: { constructor: 1 } })).toMatch(/"constructor"/);
    const hostile = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('trap');
        },
      },
    );
    expect(inputBoundsProblem({ patch: hostile })).toMatch(/not plain data/);
  });
});

describe('inputBoundsProblem at its exact bounds', () => {
  /** `{ a: [0, 0, …] }`: the object, its key, the list and each item count one value each. */
  const listOf = (items: number) => ({ a: new Array<number>(items).fill(0) });
  /** `{ a: { k0: 0, k1: 0, … } }`: each entry of the inner object counts its key and its value. */
  const objectOf = (entries: number) => ({
    a: Object.fromEntries(Array.from({ length: entries }, (_, i) => [`k${i}`, 0])),
  });
  /** `depth` containers inside one another (arrays or objects) around a number. */
  const nested = (depth: number, kind: 'array' | 'object') => {
    let value: unknown = 1;
    for (let i = 0; i < depth; i += 1) value = kind === 'array' ? [value] : { v: value };
    return value;
  };

  it(`counts ${INPUT_BOUNDS.nodes} values in all, lists and objects alike`, () => {
    expect(inputBoundsProblem(listOf(INPUT_BOUNDS.nodes - 3))).toBeUndefined();
    expect(inputBoundsProblem(listOf(INPUT_BOUNDS.nodes - 2))).toMatch(/larger than any/);
    const mostEntries = Math.floor((INPUT_BOUNDS.nodes - 3) / 2);
    expect(inputBoundsProblem(objectOf(mostEntries))).toBeUndefined();
    expect(inputBoundsProblem(objectOf(mostEntries + 1))).toMatch(/larger than any/);
  });

  it(`counts ${INPUT_BOUNDS.characters} characters of keys and text together`, () => {
    // "a" is one character of key.
    expect(inputBoundsProblem({ a: 'x'.repeat(INPUT_BOUNDS.characters - 1) })).toBeUndefined();
    expect(inputBoundsProblem({ a: 'x'.repeat(INPUT_BOUNDS.characters) })).toMatch(/larger than any/);
    expect(inputBoundsProblem({ ['k'.repeat(INPUT_BOUNDS.characters)]: 1 })).toBeUndefined();
    expect(inputBoundsProblem({ ['k'.repeat(INPUT_BOUNDS.characters + 1)]: 1 })).toMatch(/larger than any/);
  });

  it(`takes containers ${INPUT_BOUNDS.depth} deep, lists and objects alike, and refuses one more`, () => {
    for (const kind of ['array', 'object'] as const) {
      expect(inputBoundsProblem(nested(INPUT_BOUNDS.depth, kind)), kind).toBeUndefined();
      expect(inputBoundsProblem(nested(INPUT_BOUNDS.depth + 1, kind)), kind).toMatch(/nested too deeply/);
    }
  });

  it('takes null values as values, not as something unreadable', () => {
    expect(inputBoundsProblem({ patch: { a: null, b: [null] } })).toBeUndefined();
  });
});
