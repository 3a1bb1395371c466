import { parseArgs } from 'node:util';

export interface BenchOptions {
  /** Added to every request through the proxy. */
  latencyMs: number;
  /** Runs of each scenario; the table shows medians. */
  runs: number;
  /** Restore/refresh cycles for the heap scenario (run at latency 0). */
  cycles: number;
  /** Concurrent callers in the expired-token scenario. */
  callers: number;
  /** Also write the figures as JSON here. */
  jsonFile: string | null;
  /** Print the table as Markdown (for the README) instead of plain text. */
  markdown: boolean;
  help: boolean;
}

export const DEFAULTS = { latencyMs: 100, runs: 5, cycles: 1000, callers: 50 } as const;

export const USAGE = `usage: npm run bench -- [--latency MS] [--runs N] [--cycles N] [--json FILE] [--markdown]
  --latency MS   latency the proxy adds to every request (default ${DEFAULTS.latencyMs})
  --runs N       runs of each scenario; medians are reported (default ${DEFAULTS.runs})
  --cycles N     restore/refresh cycles for the heap figure, run at latency 0 (default ${DEFAULTS.cycles})
  --callers N    concurrent callers with an expired access token (default ${DEFAULTS.callers})
  --json FILE    also write the figures as JSON to FILE
  --markdown     print the tables as Markdown, ready for the README "Performance" section`;

export class UsageError extends Error {
  override name = 'UsageError';
}

function integer(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        latency: { type: 'string' },
        runs: { type: 'string' },
        cycles: { type: 'string' },
        callers: { type: 'string' },
        json: { type: 'string' },
        markdown: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const json = values.json as string | undefined;
  if (json !== undefined && json.trim() === '') throw new UsageError('--json needs a file name');
  return {
    latencyMs: integer('latency', values.latency as string | undefined, DEFAULTS.latencyMs, 0, 10_000),
    runs: integer('runs', values.runs as string | undefined, DEFAULTS.runs, 1, 1_000),
    cycles: integer('cycles', values.cycles as string | undefined, DEFAULTS.cycles, 1, 1_000_000),
    callers: integer('callers', values.callers as string | undefined, DEFAULTS.callers, 1, 1_000),
    jsonFile: json ?? null,
    markdown: values.markdown === true,
    help: values.help === true,
  };
}
