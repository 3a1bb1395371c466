import type { KeychainCall } from './counting-keychain';
import {
  callsBetween,
  describeKeychainCalls,
  keychainBusyMs,
  median,
  requestsBetween,
  roundMs,
} from './stats';
import type { ProxiedRequest } from './latency-proxy';

/** One measured step of one run: the requests on its critical path, its time, its keychain calls. */
export interface StepSample {
  /** "METHOD /path", in arrival order. */
  requests: string[];
  ms: number;
  keychain: KeychainCall[];
  /** Callers that failed (concurrent scenario; 0 elsewhere). */
  failures: number;
}

export interface ContenderSample {
  restoreValid: { toProfile: StepSample; toValidated: StepSample };
  restoreExpired: StepSample;
  signIn: StepSample;
  metadataSave: StepSample;
  metadataLoad: StepSample;
  /** An API call after the access token expired: the refresh on the way (keychainOps.refresh). */
  refreshOnCall: StepSample;
  signOut: StepSample;
  concurrentExpired: StepSample & { callers: number };
}

export type StepName =
  Exclude<keyof ContenderSample, 'restoreValid'> | 'restoreToProfile' | 'restoreToValidated';

/** Medians over the runs, plus what the requests and keychain calls were. */
export interface StepSummary {
  requests: number;
  ms: number;
  /** The critical path of the last run; `varied` when the runs did not all make the same requests. */
  path: string[];
  varied: boolean;
  keychainOps: number;
  keychainMs: number;
  keychainDetail: string;
  failures: number;
  /** POST /token requests (the concurrent scenario's refreshes). */
  tokenRequests: number;
}

export type ContenderSummary = Record<StepName, StepSummary> & { callers: number };

export const TOKEN_REQUEST = 'POST /token';

/** A step measured between two performance.now() marks. */
export function stepBetween(
  log: readonly ProxiedRequest[],
  calls: readonly KeychainCall[],
  from: number,
  to: number,
  failures = 0,
): StepSample {
  return {
    requests: requestsBetween(log, from, to),
    ms: to - from,
    keychain: callsBetween(calls, from, to),
    failures,
  };
}

export function summarizeStep(samples: readonly StepSample[]): StepSummary {
  const last = samples.at(-1);
  if (!last) throw new Error('summarizeStep: no samples');
  const signature = (sample: StepSample) => sample.requests.join(',');
  return {
    requests: median(samples.map((sample) => sample.requests.length)),
    ms: roundMs(median(samples.map((sample) => sample.ms))),
    path: last.requests,
    varied: samples.some((sample) => signature(sample) !== signature(last)),
    keychainOps: median(samples.map((sample) => sample.keychain.length)),
    keychainMs: roundMs(median(samples.map((sample) => keychainBusyMs(sample.keychain)))),
    keychainDetail: describeKeychainCalls(last.keychain),
    failures: median(samples.map((sample) => sample.failures)),
    tokenRequests: median(
      samples.map((sample) => sample.requests.filter((request) => request === TOKEN_REQUEST).length),
    ),
  };
}

export function summarizeContender(samples: readonly ContenderSample[]): ContenderSummary {
  const pick = <K extends keyof ContenderSample>(key: K) => samples.map((sample) => sample[key]);
  return {
    restoreToProfile: summarizeStep(pick('restoreValid').map((step) => step.toProfile)),
    restoreToValidated: summarizeStep(pick('restoreValid').map((step) => step.toValidated)),
    restoreExpired: summarizeStep(pick('restoreExpired')),
    signIn: summarizeStep(pick('signIn')),
    metadataSave: summarizeStep(pick('metadataSave')),
    metadataLoad: summarizeStep(pick('metadataLoad')),
    refreshOnCall: summarizeStep(pick('refreshOnCall')),
    signOut: summarizeStep(pick('signOut')),
    concurrentExpired: summarizeStep(pick('concurrentExpired')),
    callers: samples[0]?.concurrentExpired.callers ?? 0,
  };
}
