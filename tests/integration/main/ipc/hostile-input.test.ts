import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { METHOD_NAMES, type MethodName } from '../../../../common/channels';
import { contract, type Result } from '../../../../common/contract';
import { isErrorCode } from '../../../../common/errors';
import { startHarness, type Harness } from './harness';

/**
 * Hostile renderer input, 1,000 runs per channel, through the wrapper the app registers and the real
 * handlers behind it: wrong types, huge strings, deep nesting, "__proto__"/"constructor" keys, odd
 * objects. Every call resolves to a Result; an invalid input gets INVALID_INPUT and causes nothing:
 * no request at the provider, no metadata change, no session change.
 */
const RUNS = 1_000;
const RESERVED = ['__proto__', 'constructor', 'prototype'];

let h: Harness;
let ada: string;

beforeAll(async () => {
  h = await startHarness();
  await h.seedSession('ada');
  ada = h.idp.accounts.find((account) => account.login === 'ada')!.sub;
});
afterAll(() => h.close());

/** An object with these own keys, "__proto__" included as a real own data key (as JSON.parse or structured clone make it). */
function objectWith(entries: Array<[string, unknown]>): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return object;
}

function nested(depth: number, leaf: unknown, wrap: (inner: unknown) => unknown): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = wrap(value);
  return value;
}

const HUGE = 'x'.repeat(1_000_000);
const huge = fc.constantFrom<unknown>(
  HUGE,
  { patch: { [HUGE]: 1 } },
  { patch: { note: HUGE } },
  { everywhere: HUGE },
  { patch: nested(10_000, 1, (inner) => ({ a: inner })) },
  { patch: { a: nested(100_000, 1, (inner) => [inner]) } },
  nested(10_000, true, (inner) => ({ everywhere: inner })),
  { patch: Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`k${i}`, i])) },
  { patch: { list: Array.from({ length: 100_000 }, () => 0) } },
);

const key = fc.oneof(
  fc.constantFrom(...RESERVED, 'everywhere', 'patch', 'first_name', 'country', '', ' ', 'a.b', 'a b'),
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
);

const anything = fc.anything({
  key,
  maxDepth: 6,
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withSparseArray: true,
  withTypedArray: true,
  withUnicodeString: true,
});

const jsonish: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.string({ maxLength: 40 }),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.array(fc.tuple(key, tie('value')), { maxLength: 4 }).map(objectWith),
  ),
})).value;

const withReservedKey = fc
  .tuple(fc.constantFrom(...RESERVED), jsonish, fc.constantFrom('top', 'patch', 'nested'))
  .map(([reserved, value, where]) => {
    const bad = objectWith([[reserved, value]]);
    if (where === 'top')
      return objectWith([
        ['everywhere', true],
        [reserved, value],
      ]);
    if (where === 'patch')
      return {
        patch: objectWith([
          ['country', 'NZ'],
          [reserved, value],
        ]),
      };
    return { patch: { prefs: bad } };
  });

/** Inputs close to valid for each channel: the ones most likely to slip through a loose check. */
const NEAR_VALID: Record<MethodName, fc.Arbitrary<unknown>> = Object.fromEntries(
  METHOD_NAMES.map((name) => [
    name,
    fc.constantFrom<unknown>(undefined, null, {}, [], '', 0, false, [undefined]),
  ]),
) as Record<MethodName, fc.Arbitrary<unknown>>;
NEAR_VALID.signOut = fc
  .tuple(fc.oneof(fc.boolean(), anything), fc.array(fc.tuple(key, jsonish), { maxLength: 2 }))
  .map(([everywhere, extra]) => objectWith([['everywhere', everywhere], ...extra]));
NEAR_VALID.submitCallbackUrl = fc
  .tuple(
    fc.oneof(fc.string({ maxLength: 60 }), fc.constant(''), fc.constant('x'.repeat(4097)), anything),
    fc.array(fc.tuple(key, jsonish), { maxLength: 2 }),
  )
  .map(([url, extra]) => objectWith([['url', url], ...extra]));
NEAR_VALID.updateMetadata = fc
  .tuple(
    fc.array(fc.tuple(key, jsonish), { maxLength: 5 }),
    fc.array(fc.tuple(key, jsonish), { maxLength: 1 }),
  )
  .map(([patch, extra]) => objectWith([['patch', objectWith(patch)], ...extra]));

/**
 * Inputs that are certainly valid, about one run in twenty: without them, whether a run reaches the
 * real handler at all would be left to chance (the near-valid ones rarely are, by design). Not more:
 * a valid signOut costs a revocation and a new sign-in, and 200 of them outlast the test's time on a
 * loaded machine.
 */
const VALID: Record<MethodName, fc.Arbitrary<unknown>> = Object.fromEntries(
  METHOD_NAMES.map((name) => [name, fc.constant<unknown>(undefined)]),
) as Record<MethodName, fc.Arbitrary<unknown>>;
VALID.signOut = fc.boolean().map((everywhere) => ({ everywhere }));
// A well-formed paste with nothing pending (or a wrong state): refused with LOGIN_REJECTED, changing nothing.
VALID.submitCallbackUrl = fc
  .oneof(fc.string({ minLength: 1, maxLength: 80 }), fc.webUrl())
  .map((url) => ({ url }));
// A well-formed paste with nothing pending (or a wrong state): refused with LOGIN_REJECTED, changing nothing.
VALID.submitCallbackUrl = fc
  .oneof(fc.string({ minLength: 1, maxLength: 80 }), fc.webUrl())
  .map((url) => ({ url }));
VALID.updateMetadata = fc
  .tuple(
    fc.constantFrom('first_name', 'last_name', 'country', 'favourite_colour'),
    fc.string({ maxLength: 40 }),
  )
  .map(([name, value]) => ({ patch: { [name]: value } }));

function hostileInput(name: MethodName): fc.Arbitrary<unknown> {
  return fc.oneof(
    { arbitrary: anything, weight: 5 },
    { arbitrary: withReservedKey, weight: 5 },
    { arbitrary: NEAR_VALID[name], weight: 5 },
    { arbitrary: huge, weight: 4 },
    { arbitrary: VALID[name], weight: 1 },
  );
}

/** Independent of the wrapper: does any object in the input carry a reserved own key? */
function hasReservedKey(value: unknown, depth = 0): boolean {
  if (typeof value !== 'object' || value === null || depth > 16) return false;
  return Object.keys(value).some(
    (k) => RESERVED.includes(k) || hasReservedKey((value as Record<string, unknown>)[k], depth + 1),
  );
}

function expectWellFormed(result: Result<unknown>): void {
  expect(typeof result.ok).toBe('boolean');
  if (!result.ok) {
    expect(isErrorCode(result.error.code)).toBe(true);
    expect(typeof result.error.message).toBe('string');
    // Hostile input never comes back at size.
    expect(result.error.message.length).toBeLessThan(1_000);
    // Nothing a renderer can send is a bug in main.
    expect(result.error.code).not.toBe('INTERNAL');
  }
}

describe('hostile input on every channel (fast-check)', () => {
  it.each(METHOD_NAMES)(
    '%s: INVALID_INPUT or a valid result; invalid input causes nothing',
    async (name) => {
      const schema = contract[name].input;
      let invalidRuns = 0;
      let validRuns = 0;
      await fc.assert(
        fc.asyncProperty(hostileInput(name), async (input) => {
          const valid = schema.safeParse(input).success && !hasReservedKey(input);
          const requests = h.idp.requestLog.length;
          const metadata = h.idp.users.metadataOf(ada);
          const state = JSON.stringify(h.services.session.getState());
          const result = await h.invoke(name, input);
          expectWellFormed(result);
          if (!valid) {
            invalidRuns++;
            expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
            expect(h.idp.requestLog.length).toBe(requests);
            expect(h.idp.users.metadataOf(ada)).toEqual(metadata);
            expect(JSON.stringify(h.services.session.getState())).toBe(state);
          } else {
            validRuns++;
            // A valid signOut did its job; sign in again so later runs still have a session to hit.
            if (h.services.session.getState().status === 'signedOut') await h.seedSession('ada');
          }
        }),
        { numRuns: RUNS },
      );
      // The generators are hostile: most runs must be invalid ones, or this proves little.
      expect(invalidRuns).toBeGreaterThan(RUNS / 2);
      // ...and some valid ones must reach the real handler, or "a valid result" was never checked.
      expect(validRuns).toBeGreaterThan(0);
    },
    120_000,
  );
});

describe('hostile sizes are refused by counting, before the schema parses anything', () => {
  it.each([
    [
      'a patch of one million keys',
      () => ({ patch: Object.fromEntries(Array.from({ length: 1_000_000 }, (_, i) => [`k${i}`, i])) }),
    ],
    ['a list of one million items', () => ({ patch: { list: new Array(1_000_000).fill(0) } })],
    ['ten megabytes of text', () => ({ patch: { note: 'x'.repeat(10_000_000) } })],
    ['100,000 levels of nesting', () => ({ patch: { a: nested(100_000, 1, (inner) => [inner]) } })],
  ])('%s: INVALID_INPUT, the schema never runs, nothing happens', async (_what, make) => {
    const input = make();
    const parse = vi.spyOn(contract.updateMetadata.input, 'safeParse');
    const requests = h.idp.requestLog.length;
    const metadata = h.idp.users.metadataOf(ada);
    try {
      const result = await h.invoke('updateMetadata', input);
      expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
      expect(parse).not.toHaveBeenCalled();
      expect(h.idp.requestLog.length).toBe(requests);
      expect(h.idp.users.metadataOf(ada)).toEqual(metadata);
    } finally {
      parse.mockRestore();
    }
  });
});
