import type { ContenderSummary } from './samples';

/** The figures of one contender, in the shape `--json` promises (README "Performance" reads it). */
export interface ContenderFigures {
  restoreValid: {
    requestsBeforeProfile: number;
    requestsBeforeValidated: number;
    msToProfile: number;
    msToValidated: number;
  };
  restoreExpired: { requests: number; ms: number };
  signIn: { requests: number; ms: number };
  metadataSave: { requests: number; ms: number };
  metadataLoad: { requests: number; ms: number };
  concurrentExpired: { callers: number; refreshRequests: number };
  keychainOps: { restore: number; signIn: number; refresh: number; signOut: number };
  heapGrowthBytes: number;
}

export interface RendererSizes {
  jsGzipBytes: number;
  cssGzipBytes: number;
  jsBytes: number;
  cssBytes: number;
}

export interface BenchReport {
  latencyMs: number;
  latchkey: ContenderFigures;
  baseline: ContenderFigures;
  renderer: RendererSizes;
}

export function contenderFigures(summary: ContenderSummary, heapGrowthBytes: number): ContenderFigures {
  const timed = (step: { requests: number; ms: number }) => ({ requests: step.requests, ms: step.ms });
  return {
    restoreValid: {
      requestsBeforeProfile: summary.restoreToProfile.requests,
      requestsBeforeValidated: summary.restoreToValidated.requests,
      msToProfile: summary.restoreToProfile.ms,
      msToValidated: summary.restoreToValidated.ms,
    },
    restoreExpired: timed(summary.restoreExpired),
    signIn: timed(summary.signIn),
    metadataSave: timed(summary.metadataSave),
    metadataLoad: timed(summary.metadataLoad),
    concurrentExpired: {
      callers: summary.callers,
      refreshRequests: summary.concurrentExpired.tokenRequests,
    },
    keychainOps: {
      restore: summary.restoreToValidated.keychainOps,
      signIn: summary.signIn.keychainOps,
      refresh: summary.refreshOnCall.keychainOps,
      signOut: summary.signOut.keychainOps,
    },
    heapGrowthBytes: Math.round(heapGrowthBytes),
  };
}

export function buildReport(input: {
  latencyMs: number;
  latchkey: ContenderSummary;
  baseline: ContenderSummary;
  heapGrowthBytes: { latchkey: number; baseline: number };
  renderer: RendererSizes;
}): BenchReport {
  return {
    latencyMs: input.latencyMs,
    latchkey: contenderFigures(input.latchkey, input.heapGrowthBytes.latchkey),
    baseline: contenderFigures(input.baseline, input.heapGrowthBytes.baseline),
    renderer: {
      jsGzipBytes: input.renderer.jsGzipBytes,
      cssGzipBytes: input.renderer.cssGzipBytes,
      jsBytes: input.renderer.jsBytes,
      cssBytes: input.renderer.cssBytes,
    },
  };
}
