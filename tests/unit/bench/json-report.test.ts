import { describe, expect, it } from 'vitest';
import { buildReport } from '../../../bench/json-report';
import type { ContenderSummary, StepSummary } from '../../../bench/samples';
import { STEPS } from '../../fixtures/bench-steps';

/** The shape the issue asks for, key for key (the numbers there are placeholders). */
const PROMISED_SHAPE = {
  latencyMs: 100,
  latchkey: {
    restoreValid: { requestsBeforeProfile: 0, requestsBeforeValidated: 1, msToProfile: 0, msToValidated: 0 },
    restoreExpired: { requests: 2, ms: 0 },
    signIn: { requests: 2, ms: 0 },
    metadataSave: { requests: 1, ms: 0 },
    metadataLoad: { requests: 1, ms: 0 },
    concurrentExpired: { callers: 50, refreshRequests: 1 },
    keychainOps: { restore: 1, signIn: 1, refresh: 1, signOut: 1 },
    heapGrowthBytes: 0,
  },
  baseline: {} as Record<string, unknown>,
  renderer: { jsGzipBytes: 0, cssGzipBytes: 0, jsBytes: 0, cssBytes: 0 },
};
PROMISED_SHAPE.baseline = PROMISED_SHAPE.latchkey;

/** Every key path of a JSON value, e.g. "latchkey.restoreValid.msToProfile". */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value)
    .flatMap(([key, inner]) => keyPaths(inner, prefix ? `${prefix}.${key}` : key))
    .sort();
}

/** A summary whose every figure is distinct, so a figure taken from the wrong step shows. */
function summary(seed: number): ContenderSummary {
  const result = { callers: 50 } as ContenderSummary;
  STEPS.forEach((name, index) => {
    const base = seed * 1000 + index * 10;
    const step: StepSummary = {
      requests: base + 1,
      ms: base + 2,
      path: [],
      varied: false,
      keychainOps: base + 3,
      keychainMs: base + 4,
      keychainDetail: '',
      failures: base + 5,
      tokenRequests: base + 6,
    };
    result[name] = step;
  });
  return result;
}

const report = buildReport({
  latencyMs: 100,
  latchkey: summary(1),
  baseline: summary(2),
  heapGrowthBytes: { latchkey: 1234.4, baseline: -56 },
  renderer: Object.assign(
    { jsGzipBytes: 11, cssGzipBytes: 12, jsBytes: 13, cssBytes: 14 },
    // What measureRenderer also returns: must not leak into the JSON.
    { files: ['./assets/index.js'] },
  ),
});

describe('buildReport', () => {
  it('has exactly the keys the issue promises, no more, no fewer', () => {
    expect(keyPaths(JSON.parse(JSON.stringify(report)))).toEqual(keyPaths(PROMISED_SHAPE));
  });

  it('takes each figure from its own scenario', () => {
    expect(report.latchkey.restoreValid).toEqual({
      requestsBeforeProfile: 1001,
      requestsBeforeValidated: 1011,
      msToProfile: 1002,
      msToValidated: 1012,
    });
    expect(report.latchkey.restoreExpired).toEqual({ requests: 1021, ms: 1022 });
    expect(report.latchkey.signIn).toEqual({ requests: 1031, ms: 1032 });
    expect(report.latchkey.metadataSave).toEqual({ requests: 1041, ms: 1042 });
    expect(report.latchkey.metadataLoad).toEqual({ requests: 1051, ms: 1052 });
    expect(report.baseline.concurrentExpired).toEqual({ callers: 50, refreshRequests: 2086 });
  });

  it('counts keychain calls per action: restore, sign-in, refresh, sign-out', () => {
    expect(report.latchkey.keychainOps).toEqual({
      restore: 1013,
      signIn: 1033,
      refresh: 1063,
      signOut: 1073,
    });
  });

  it('reports whole bytes for the heap and keeps a shrinking heap negative', () => {
    expect(report.latchkey.heapGrowthBytes).toBe(1234);
    expect(report.baseline.heapGrowthBytes).toBe(-56);
    expect(report.renderer).toEqual({ jsGzipBytes: 11, cssGzipBytes: 12, jsBytes: 13, cssBytes: 14 });
  });
});
