import { describe, expect, it } from 'vitest';
import { DEFAULTS, parseBenchArgs, UsageError } from '../../../bench/args';

describe('parseBenchArgs', () => {
  it('defaults to 100 ms latency, 5 runs, 1,000 heap cycles, 50 callers, text output', () => {
    expect(parseBenchArgs([])).toEqual({
      ...DEFAULTS,
      jsonFile: null,
      markdown: false,
      help: false,
    });
    expect(DEFAULTS).toEqual({ latencyMs: 100, runs: 5, cycles: 1000, callers: 50 });
  });

  it('reads every option', () => {
    expect(
      parseBenchArgs([
        '--latency',
        '0',
        '--runs',
        '3',
        '--cycles=200',
        '--callers',
        '10',
        '--json',
        'out.json',
        '--markdown',
      ]),
    ).toEqual({
      latencyMs: 0,
      runs: 3,
      cycles: 200,
      callers: 10,
      jsonFile: 'out.json',
      markdown: true,
      help: false,
    });
  });

  it.each([
    [['--latency=-5'], /--latency must be a whole number/],
    [['--runs', '0'], /--runs must be a whole number from 1/],
    [['--runs', '2.5'], /--runs/],
    [['--cycles', 'many'], /--cycles/],
    [['--json', ''], /--json needs a file name/],
    [['--latncy', '5'], /latncy/],
    [['extra'], /extra/],
  ])('refuses %j with a usage error', (argv, message) => {
    expect(() => parseBenchArgs(argv)).toThrow(UsageError);
    expect(() => parseBenchArgs(argv)).toThrow(message);
  });
});
