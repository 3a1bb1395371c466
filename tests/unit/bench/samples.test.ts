import { describe, expect, it } from 'vitest';
import { stepBetween, summarizeContender, summarizeStep, type StepSample } from '../../../bench/samples';

function step(requests: string[], ms: number, keychainCalls = 0, failures = 0): StepSample {
  return {
    requests,
    ms,
    keychain: Array.from({ length: keychainCalls }, (_, index) => ({
      kind: 'write' as const,
      start: index * 10,
      end: index * 10 + 4,
    })),
    failures,
  };
}

describe('stepBetween', () => {
  it('takes the requests and keychain calls of its window and its duration', () => {
    const sample = stepBetween(
      [
        { method: 'GET', path: '/me', at: 5 },
        { method: 'POST', path: '/token', at: 50 },
      ],
      [{ kind: 'read', start: 6, end: 7 }],
      0,
      40,
    );
    expect(sample).toEqual({
      requests: ['GET /me'],
      ms: 40,
      keychain: [{ kind: 'read', start: 6, end: 7 }],
      failures: 0,
    });
  });
});

describe('summarizeStep', () => {
  it('reports medians of requests, time, keychain calls and failures', () => {
    const summary = summarizeStep([
      step(['GET /me'], 120, 1),
      step(['GET /me'], 100, 1),
      step(['GET /me'], 300, 1),
    ]);
    expect(summary).toMatchObject({ requests: 1, ms: 120, keychainOps: 1, keychainMs: 4, failures: 0 });
    expect(summary.path).toEqual(['GET /me']);
    expect(summary.varied).toBe(false);
    expect(summary.keychainDetail).toBe('1 write');
  });

  it('flags runs that did not make the same requests', () => {
    const summary = summarizeStep([step(['GET /me'], 1), step(['POST /token', 'GET /me'], 1)]);
    expect(summary.varied).toBe(true);
  });

  it('counts token requests separately (the refreshes of the concurrent scenario)', () => {
    const summary = summarizeStep([step(['POST /token', 'POST /token', 'GET /api/v2/users/x'], 1, 0, 49)]);
    expect(summary.tokenRequests).toBe(2);
    expect(summary.failures).toBe(49);
  });

  it('refuses to summarize nothing', () => {
    expect(() => summarizeStep([])).toThrow(/no samples/);
  });
});

describe('summarizeContender', () => {
  it('splits the valid restore into profile shown and validated, and keeps the caller count', () => {
    const summary = summarizeContender([
      {
        restoreValid: { toProfile: step([], 3), toValidated: step(['GET /me'], 110, 1) },
        restoreExpired: step(['POST /token', 'GET /me'], 220),
        signIn: step(['POST /token', 'GET /me'], 230),
        metadataSave: step(['PATCH /api/v2/users/x'], 105),
        metadataLoad: step(['GET /api/v2/users/x'], 104),
        refreshOnCall: step(['POST /token', 'GET /api/v2/users/x'], 210, 1),
        signOut: step(['POST /token/revocation'], 101, 2),
        concurrentExpired: { ...step(['POST /token', 'GET /api/v2/users/x'], 250), callers: 50 },
      },
    ]);
    expect(summary.restoreToProfile.requests).toBe(0);
    expect(summary.restoreToValidated.requests).toBe(1);
    expect(summary.concurrentExpired.tokenRequests).toBe(1);
    expect(summary.signOut.keychainOps).toBe(2);
    expect(summary.callers).toBe(50);
  });
});
