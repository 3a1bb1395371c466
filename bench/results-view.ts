import type { RendererSizes } from './json-report';
import type { ContenderSummary, StepName, StepSummary } from './samples';
import { formatRatio } from './stats';
import { formatBytes, formatInteger, formatMs, renderMarkdownTable, renderTextTable } from './table';

export interface HeapResult {
  /** heapUsed after the cycles minus before, both after forced GC. */
  bytes: number;
  /** The part of that growth in the second half of the cycles (a leak keeps growing; warm-up does not). */
  secondHalfBytes: number;
  ms: number;
}

export interface MachineInfo {
  os: string;
  cpu: string;
  cores: number;
  node: string;
  memoryGiB: number;
}

export interface BenchResults {
  latencyMs: number;
  runs: number;
  latchkey: ContenderSummary;
  baseline: ContenderSummary;
  heap: { cycles: number; warmup: number; latchkey: HeapResult; baseline: HeapResult };
  renderer: RendererSizes;
  machine: MachineInfo;
}

const TIMED_ROWS: ReadonlyArray<{ step: StepName; label: string }> = [
  { step: 'restoreToProfile', label: 'restore, valid session: profile shown' },
  { step: 'restoreToValidated', label: 'restore, valid session: validated' },
  { step: 'restoreExpired', label: 'restore, expired access token: validated' },
  { step: 'signIn', label: 'sign-in: callback → signed in' },
  { step: 'metadataSave', label: 'metadata save' },
  { step: 'metadataLoad', label: 'metadata load' },
  { step: 'refreshOnCall', label: 'API call after expiry (refresh + call)' },
  { step: 'signOut', label: 'sign-out' },
];

const KEYCHAIN_ROWS: ReadonlyArray<{ step: StepName; label: string }> = [
  { step: 'restoreToValidated', label: 'restore (launch → validated)' },
  { step: 'signIn', label: 'sign-in' },
  { step: 'refreshOnCall', label: 'refresh' },
  { step: 'signOut', label: 'sign-out' },
];

function requestsCell(step: StepSummary): string {
  return `${formatInteger(step.requests)}${step.varied ? '*' : ''}`;
}

function concurrentCell(summary: ContenderSummary): string {
  const step = summary.concurrentExpired;
  const refreshes = `${formatInteger(step.tokenRequests)} refresh${step.tokenRequests === 1 ? '' : 'es'}`;
  const failed = step.failures > 0 ? `, ${formatInteger(step.failures)}/${summary.callers} failed` : '';
  return `${refreshes}${failed}`;
}

export function timingRows(latchkey: ContenderSummary, baseline: ContenderSummary): string[][] {
  const rows = TIMED_ROWS.map(({ step, label }) => [
    label,
    requestsCell(latchkey[step]),
    formatMs(latchkey[step].ms),
    requestsCell(baseline[step]),
    formatMs(baseline[step].ms),
    formatRatio(latchkey[step].ms, baseline[step].ms),
  ]);
  rows.push([
    `${latchkey.callers} concurrent calls, expired token`,
    concurrentCell(latchkey),
    formatMs(latchkey.concurrentExpired.ms),
    concurrentCell(baseline),
    formatMs(baseline.concurrentExpired.ms),
    formatRatio(latchkey.concurrentExpired.ms, baseline.concurrentExpired.ms),
  ]);
  return rows;
}

export function keychainRows(latchkey: ContenderSummary, baseline: ContenderSummary): string[][] {
  return KEYCHAIN_ROWS.map(({ step, label }) => [
    label,
    `${formatInteger(latchkey[step].keychainOps)} (${latchkey[step].keychainDetail})`,
    formatMs(latchkey[step].keychainMs),
    `${formatInteger(baseline[step].keychainOps)} (${baseline[step].keychainDetail})`,
    formatMs(baseline[step].keychainMs),
    formatRatio(latchkey[step].keychainOps, baseline[step].keychainOps),
  ]);
}

export function heapRows(heap: BenchResults['heap']): string[][] {
  return [
    [
      `heap growth over ${formatInteger(heap.cycles)} restore/refresh cycles (latency 0, after ${heap.warmup} unmeasured per app)`,
      formatBytes(heap.latchkey.bytes),
      formatBytes(heap.baseline.bytes),
    ],
    [
      'of which in the second half',
      formatBytes(heap.latchkey.secondHalfBytes),
      formatBytes(heap.baseline.secondHalfBytes),
    ],
    [
      'time for those cycles',
      `${(heap.latchkey.ms / 1000).toFixed(1)} s`,
      `${(heap.baseline.ms / 1000).toFixed(1)} s`,
    ],
  ];
}

/** Which requests stood on each critical path (the last run's). */
export function criticalPathLines(latchkey: ContenderSummary, baseline: ContenderSummary): string[] {
  const lines: string[] = [];
  for (const { step, label } of [
    ...TIMED_ROWS,
    { step: 'concurrentExpired' as const, label: 'concurrent calls' },
  ]) {
    for (const [name, summary] of [
      ['latchkey', latchkey],
      ['baseline', baseline],
    ] as const) {
      const path = summary[step].path;
      lines.push(`${label}, ${name}: ${path.length > 0 ? compressPath(path) : 'no requests'}`);
    }
  }
  return lines;
}

/** "GET /me ×50" for runs of the same request, so the concurrent scenario stays readable. */
export function compressPath(path: readonly string[]): string {
  const parts: string[] = [];
  let index = 0;
  while (index < path.length) {
    let end = index + 1;
    while (end < path.length && path[end] === path[index]) end += 1;
    const count = end - index;
    parts.push(count > 1 ? `${path[index]} ×${count}` : (path[index] as string));
    index = end;
  }
  return parts.join(' → ');
}

const TIMING_HEADERS = [
  'scenario',
  'latchkey requests',
  'latchkey ms',
  'baseline requests',
  'baseline ms',
  'ratio',
];
const KEYCHAIN_HEADERS = [
  'keychain calls per action',
  'latchkey calls',
  'latchkey ms',
  'baseline calls',
  'baseline ms',
  'ratio',
];
const HEAP_HEADERS = ['main-process heap', 'latchkey', 'baseline'];

function rendererLine(renderer: RendererSizes): string {
  return (
    `Renderer, initial load (production build): JS ${formatBytes(renderer.jsBytes)}, ` +
    `${formatBytes(renderer.jsGzipBytes)} gzipped; CSS ${formatBytes(renderer.cssBytes)}, ` +
    `${formatBytes(renderer.cssGzipBytes)} gzipped (zlib level 9).`
  );
}

function machineLine(machine: MachineInfo): string {
  return `Machine: ${machine.os}, ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}.`;
}

function legend(results: BenchResults): string[] {
  return [
    `Medians of ${results.runs} runs; every request to the provider goes through a proxy that adds ${results.latencyMs} ms.`,
    'Requests: those on the critical path (counted at the proxy, from start to finish of the step; for sign-in, from the',
    'first token request after the browser callback). Ratio: latchkey ms / baseline ms (keychain: calls / calls).',
    'Baseline: the Auth0 "User Sessions" tutorial done with openid-client + keytar (bench/baseline/).',
    '* = not every run made the same requests.',
  ];
}

/** What the figures alone do not say. Written from the measured numbers, so they stay true. */
export function notes(results: BenchResults): string[] {
  const { latchkey, baseline, heap } = results;
  const lines: string[] = [];
  for (const [name, summary] of [
    ['Latchkey', latchkey],
    ['Baseline', baseline],
  ] as const) {
    const step = summary.concurrentExpired;
    if (step.tokenRequests > 1 || step.failures > 0) {
      lines.push(
        `${name}, ${summary.callers} concurrent calls: ${step.tokenRequests} refresh requests, ` +
          `${step.failures} of ${summary.callers} calls failed. Each caller refreshed on its own; the provider ` +
          'rotates refresh tokens, so all but the first reuse a spent one and are refused, and the provider ' +
          "revokes the whole grant, the first one's new tokens with it, as a replay (RFC 9700 §4.14.2): " +
          'the person has to sign in again.',
      );
    }
  }
  if (latchkey.signOut.requests > baseline.signOut.requests) {
    lines.push(
      'Sign-out: Latchkey revokes the refresh token at the provider (RFC 7009), one request; the tutorial ' +
        'only clears the keychain and leaves the grant alive.',
    );
  }
  lines.push(
    `Heap: ${heap.cycles} launches that each restore a stored session and refresh its expired access ` +
      `token, at latency 0, after ${heap.warmup} unmeasured ones of each app, before the other scenarios; ` +
      'heapUsed after minus before, each after forced GC. The provider runs in its own process and is not ' +
      'counted. A leak grows in both halves; warm-up and noise (a few hundred KB either way) do not.',
  );
  return lines;
}

export function renderResults(results: BenchResults, format: 'text' | 'markdown'): string {
  const { latchkey, baseline } = results;
  const paths = criticalPathLines(latchkey, baseline);
  if (format === 'markdown') {
    return [
      renderMarkdownTable(TIMING_HEADERS, timingRows(latchkey, baseline)),
      renderMarkdownTable(KEYCHAIN_HEADERS, keychainRows(latchkey, baseline)),
      renderMarkdownTable(HEAP_HEADERS, heapRows(results.heap)),
      legend(results).join(' '),
      ...notes(results),
      rendererLine(results.renderer),
      machineLine(results.machine),
      [
        '<details><summary>Requests on each critical path</summary>',
        '',
        ...paths.map((line) => `- ${line}`),
        '',
        '</details>',
      ].join('\n'),
    ].join('\n\n');
  }
  return [
    ...legend(results),
    '',
    renderTextTable(TIMING_HEADERS, timingRows(latchkey, baseline)),
    '',
    renderTextTable(KEYCHAIN_HEADERS, keychainRows(latchkey, baseline)),
    '',
    renderTextTable(HEAP_HEADERS, heapRows(results.heap)),
    '',
    ...notes(results).map((line) => `Note: ${line}`),
    '',
    rendererLine(results.renderer),
    machineLine(results.machine),
    '',
    'Requests on each critical path (last run):',
    ...paths.map((line) => `  ${line}`),
  ].join('\n');
}
