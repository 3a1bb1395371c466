import { describe, expect, it } from 'vitest';
import {
  compressPath,
  keychainRows,
  notes,
  renderResults,
  timingRows,
  type BenchResults,
} from '../../../bench/results-view';
import type { ContenderSummary, StepName } from '../../../bench/samples';
import { STEPS } from '../../fixtures/bench-steps';

function summary(
  overrides: Partial<Record<StepName, Partial<ContenderSummary[StepName]>>>,
): ContenderSummary {
  const result = { callers: 50 } as ContenderSummary;
  for (const name of STEPS) {
    result[name] = {
      requests: 1,
      ms: 100,
      path: ['GET /me'],
      varied: false,
      keychainOps: 1,
      keychainMs: 2,
      keychainDetail: '1 read',
      failures: 0,
      tokenRequests: 0,
      ...overrides[name],
    };
  }
  return result;
}

const latchkey = summary({
  restoreToProfile: { requests: 0, ms: 5, path: [] },
  concurrentExpired: { requests: 51, tokenRequests: 1, ms: 250 },
});
const baseline = summary({
  restoreToProfile: { requests: 2, ms: 200 },
  concurrentExpired: { requests: 101, tokenRequests: 50, failures: 50, ms: 500, varied: true },
});

describe('timingRows', () => {
  it('puts latchkey and baseline side by side with the time ratio', () => {
    const [profile] = timingRows(latchkey, baseline);
    expect(profile).toEqual(['restore, valid session: profile shown', '0', '5.0', '2', '200', '0.03×']);
  });

  it('reports refreshes and failures for the concurrent callers', () => {
    const concurrent = timingRows(latchkey, baseline).at(-1);
    expect(concurrent).toEqual([
      '50 concurrent calls, expired token',
      '1 refresh',
      '250',
      '50 refreshes, 50/50 failed',
      '500',
      '0.50×',
    ]);
  });
});

describe('keychainRows', () => {
  it('shows calls with their kinds and the keychain time', () => {
    expect(keychainRows(latchkey, baseline)[0]).toEqual([
      'restore (launch → validated)',
      '1 (1 read)',
      '2.0',
      '1 (1 read)',
      '2.0',
      '1.0×',
    ]);
  });
});

describe('compressPath', () => {
  it('folds runs of the same request', () => {
    expect(compressPath(['POST /token', 'GET /x', 'GET /x', 'GET /x', 'POST /token'])).toBe(
      'POST /token → GET /x ×3 → POST /token',
    );
  });
});

describe('renderResults', () => {
  const results: BenchResults = {
    latencyMs: 100,
    runs: 5,
    latchkey,
    baseline,
    heap: {
      cycles: 1000,
      warmup: 50,
      latchkey: { bytes: 1024, secondHalfBytes: 12, ms: 30_000 },
      baseline: { bytes: 2048, secondHalfBytes: 1500, ms: 60_000 },
    },
    renderer: { jsBytes: 237152, jsGzipBytes: 72616, cssBytes: 5940, cssGzipBytes: 2038 },
    machine: { os: 'Linux 6 (linux/x64)', cpu: 'AMD EPYC', cores: 2, node: 'v20.20.2', memoryGiB: 23.5 },
  };

  it('prints the plain tables with the latency, the heap run at latency 0 and the machine', () => {
    const text = renderResults(results, 'text');
    expect(text).toContain('adds 100 ms');
    expect(text).toMatch(
      /scenario +\| latchkey requests +\| latchkey ms \| baseline requests +\| baseline ms \| ratio/,
    );
    expect(text).toContain(
      'heap growth over 1,000 restore/refresh cycles (latency 0, after 50 unmeasured per app)',
    );
    expect(text).toMatch(/of which in the second half +\| +12 B \| +1,500 B/);
    expect(text).toContain('Machine: Linux 6 (linux/x64), AMD EPYC, 2 cores');
    expect(text).toContain('concurrent calls, baseline: GET /me');
  });

  it('explains the baseline’s failed concurrent calls and the sign-out revocation from the figures', () => {
    const text = notes(results).join('\n');
    expect(text).toContain('Baseline, 50 concurrent calls: 50 refresh requests, 50 of 50 calls failed.');
    expect(text).not.toContain('Latchkey, 50 concurrent calls');
    expect(text).not.toContain('Sign-out');
  });

  it('prints Markdown tables ready for the README', () => {
    const markdown = renderResults(results, 'markdown');
    expect(markdown).toContain(
      '| scenario | latchkey requests | latchkey ms | baseline requests | baseline ms | ratio |',
    );
    expect(markdown).toContain('| --- | ---: | ---: | ---: | ---: | ---: |');
    expect(markdown).toContain('72,616 B (70.9 KiB) gzipped');
    expect(markdown).toContain('Baseline, 50 concurrent calls: 50 refresh requests');
    expect(markdown).not.toMatch(/\n{3,}/);
  });
});
