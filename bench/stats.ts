import type { KeychainCall, KeychainOpKind } from './counting-keychain';
import type { ProxiedRequest } from './latency-proxy';

/** The middle value (the mean of the two middle ones for an even count). NaN for no values. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length % 2 === 1) return sorted[middle] as number;
  return ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Rounded to one decimal: timings are not meaningful below 0.1 ms here. */
export function roundMs(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** The requests that reached the proxy in [from, to), as "METHOD /path". */
export function requestsBetween(log: readonly ProxiedRequest[], from: number, to: number): string[] {
  return log
    .filter((entry) => entry.at >= from && entry.at < to)
    .map((entry) => `${entry.method} ${entry.path}`);
}

/** The keychain calls issued in [from, to). */
export function callsBetween(calls: readonly KeychainCall[], from: number, to: number): KeychainCall[] {
  return calls.filter((call) => call.start >= from && call.start < to);
}

const ORDER: readonly KeychainOpKind[] = ['read', 'write', 'delete', 'list'];

/** "1 read + 2 writes", or "none". */
export function describeKeychainCalls(calls: readonly KeychainCall[]): string {
  const parts: string[] = [];
  for (const kind of ORDER) {
    const count = calls.filter((call) => call.kind === kind).length;
    if (count > 0) parts.push(`${count} ${kind}${count === 1 ? '' : 's'}`);
  }
  return parts.length > 0 ? parts.join(' + ') : 'none';
}

/** Time spent inside keychain calls (overlapping calls counted once). */
export function keychainBusyMs(calls: readonly KeychainCall[]): number {
  const spans = [...calls].sort((a, b) => a.start - b.start);
  let total = 0;
  let end = Number.NEGATIVE_INFINITY;
  for (const span of spans) {
    if (span.end <= end) continue;
    total += span.end - Math.max(span.start, end);
    end = span.end;
  }
  return total;
}

/** latchkey / baseline as "0.33×"; "–" when it cannot be computed (a zero or missing baseline). */
export function formatRatio(latchkey: number, baseline: number): string {
  if (!Number.isFinite(latchkey) || !Number.isFinite(baseline) || baseline === 0) return '–';
  const ratio = latchkey / baseline;
  return `${ratio >= 10 ? ratio.toFixed(0) : ratio >= 1 ? ratio.toFixed(1) : ratio.toFixed(2)}×`;
}
