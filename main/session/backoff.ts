/** How long to wait before the next automatic re-check while the provider is unreachable. */
export interface BackoffSettings {
  /** First delay. */
  baseMs: number;
  /** Delays double per attempt up to this. */
  maxMs: number;
  /**
   * Spread the delay over [delay/2, delay] so many desktops that lost the same provider do not
   * come back in lockstep ("equal jitter"). Off gives exact delays (tests, diagnostics).
   */
  jitter: boolean;
  random: () => number;
}

export const DEFAULT_BACKOFF: BackoffSettings = {
  baseMs: 2_000,
  maxMs: 5 * 60_000,
  jitter: true,
  random: Math.random,
};

/** Delay before retry number `attempt` (1 for the first retry). */
export function backoffDelay(attempt: number, settings: BackoffSettings): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const delay = Math.min(settings.maxMs, settings.baseMs * 2 ** exponent);
  if (!settings.jitter) return delay;
  return Math.round(delay / 2 + (delay / 2) * settings.random());
}
