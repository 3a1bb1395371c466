import { describe, expect, it } from 'vitest';
import { NotPlainDataError, toPlainData } from '../../../../main/ipc/plain-data';

describe('toPlainData (what may cross IPC)', () => {
  it('copies plain JSON-like data deeply, leaving the original untouched', () => {
    const value = { a: 1, b: ['x', { c: null, d: true }], e: undefined };
    const copy = toPlainData(value);
    expect(copy).toEqual(value);
    expect(copy).not.toBe(value);
    expect(copy.b[1]).not.toBe(value.b[1]);
  });

  it('keeps an own "__proto__" data key as data, never as a prototype', () => {
    const hostile = JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}') as Record<string, unknown>;
    const copy = toPlainData(hostile);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['__proto__', 'ok']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['a class instance', new (class Session {})()],
    ['a Date', new Date(0)],
    ['a Map', new Map()],
    ['an Error', new Error('boom')],
    ['a function', () => 1],
    ['a nested function', { a: { fn: () => 1 } }],
  ])('refuses %s with a NotPlainDataError', (_name, value) => {
    expect(() => toPlainData(value)).toThrow(NotPlainDataError);
  });

  it('refuses a cycle instead of looping forever', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => toPlainData(cyclic)).toThrow(/cycle/);
  });

  it('allows the same object twice when it is not a cycle', () => {
    const shared = { x: 1 };
    expect(toPlainData({ a: shared, b: shared })).toEqual({ a: { x: 1 }, b: { x: 1 } });
  });

  it('refuses an object nested past depth 64 (the top is depth 0), and copies one at depth 64', () => {
    const nested = (levels: number) => {
      let value: unknown = 'leaf';
      for (let i = 0; i < levels; i += 1) value = { v: value };
      return value;
    };
    expect(toPlainData(nested(65))).toEqual(nested(65));
    expect(() => toPlainData(nested(66))).toThrow(/nested deeper than 64/);
  });

  it('copies an object without a prototype (what a null-prototype map of claims is) as plain data', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { sub: 'auth0|1' });
    const copy = toPlainData(bare);
    expect(copy).toEqual({ sub: 'auth0|1' });
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
  });

  it('says where the value that cannot cross is', () => {
    expect(() => toPlainData({ profile: { picture: new URL('https://x.example/') } })).toThrow(
      'a URL object at .profile.picture',
    );
    expect(() => toPlainData([1, 2n])).toThrow('bigint at [1] cannot cross IPC');
    expect(() => toPlainData(Symbol('s'))).toThrow('symbol at the top cannot cross IPC');
    expect(() => toPlainData(new Map())).toThrow('a Map object at the top');
  });

  it('counts lists in the depth too', () => {
    let list: unknown = 'leaf';
    for (let i = 0; i < 66; i += 1) list = [list];
    expect(() => toPlainData(list)).toThrow(/nested deeper than 64/);
  });

  it('refuses an object whose prototype has no constructor, naming it as non-plain', () => {
    const odd = Object.create(Object.create(null) as object) as object;
    expect(() => toPlainData(odd)).toThrow(new NotPlainDataError('a non-plain object at the top'));
    expect(() => toPlainData({ a: odd })).toThrow(new NotPlainDataError('a non-plain object at .a'));
  });

  it('gives back a copy the receiver may change like any object', () => {
    const copy = toPlainData({ a: 1, b: { c: 2 } });
    copy.a = 3;
    delete (copy as Partial<typeof copy>).b;
    expect(copy).toEqual({ a: 3 });
  });
});
