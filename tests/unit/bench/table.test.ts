import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatInteger,
  formatMs,
  renderMarkdownTable,
  renderTextTable,
} from '../../../bench/table';

describe('renderTextTable', () => {
  it('pads columns to the widest cell, right-aligns numbers and left-aligns text', () => {
    const text = renderTextTable(
      ['scenario', 'ms'],
      [
        ['restore', '5.2'],
        ['sign-in', '1,235'],
        ['sign-out', 'n/a'],
      ],
    );
    expect(text.split('\n')).toEqual([
      'scenario | ms',
      '---------|------',
      'restore  |   5.2',
      'sign-in  | 1,235',
      'sign-out | n/a',
    ]);
  });

  it('counts characters, not UTF-16 units, for widths (→, ×)', () => {
    const text = renderTextTable(['a', 'b'], [['x → y', '0.5×']]);
    expect(text.split('\n')[2]).toBe('x → y | 0.5×');
  });
});

describe('renderMarkdownTable', () => {
  it('writes a GitHub table with numeric columns right-aligned and pipes escaped', () => {
    expect(renderMarkdownTable(['scenario', 'ms'], [['a | b', '12']])).toBe(
      ['| scenario | ms |', '| --- | ---: |', '| a \\| b | 12 |'].join('\n'),
    );
  });
});

describe('number formats', () => {
  it('groups thousands', () => {
    expect(formatInteger(1234567)).toBe('1,234,567');
    expect(formatInteger(-1234)).toBe('-1,234');
    expect(formatInteger(12)).toBe('12');
  });
  it('shows a decimal below 100 ms only', () => {
    expect(formatMs(5.25)).toBe('5.3');
    expect(formatMs(123.4)).toBe('123');
    expect(formatMs(Number.NaN)).toBe('–');
  });
  it('adds KiB to larger byte counts', () => {
    expect(formatBytes(2038)).toBe('2,038 B');
    expect(formatBytes(72616)).toBe('72,616 B (70.9 KiB)');
  });
});
