/** Plain-text and Markdown tables. */

/** A cell that starts with a number ("1,235", "0.5×", "2 (1 read + 1 list)") is right-aligned. */
const NUMERIC = /^[-+]?\d[\d,.]*(?=$|[\s×%])/;

function isNumeric(cell: string): boolean {
  return NUMERIC.test(cell.trim());
}

function width(text: string): number {
  return [...text].length;
}

export function renderTextTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((header, column) =>
    Math.max(width(header), ...rows.map((row) => width(row[column] ?? ''))),
  );
  const line = (cells: readonly string[], alignNumbers: boolean) =>
    headers
      .map((_, column) => {
        const cell = cells[column] ?? '';
        const pad = ' '.repeat((widths[column] ?? 0) - width(cell));
        return alignNumbers && column > 0 && isNumeric(cell) ? pad + cell : cell + pad;
      })
      .join(' | ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('-|-');
  return [line(headers, false), rule, ...rows.map((row) => line(row, true))].join('\n');
}

function escapeMarkdown(cell: string): string {
  return cell.replaceAll('|', '\\|');
}

export function renderMarkdownTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const line = (cells: readonly string[]) =>
    `| ${headers.map((_, column) => escapeMarkdown(cells[column] ?? '')).join(' | ')} |`;
  const rule = `|${headers.map((_, column) => (column === 0 ? ' --- ' : ' ---: ')).join('|')}|`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

/** 123456 -> "123,456" (thousands separators, no locale surprises). */
export function formatInteger(value: number): string {
  if (!Number.isFinite(value)) return '–';
  const sign = value < 0 ? '-' : '';
  return (
    sign +
    Math.round(Math.abs(value))
      .toString()
      .replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  );
}

/** Milliseconds for a table cell: one decimal below 100 ms, whole numbers above. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  return ms < 100 ? ms.toFixed(1) : formatInteger(ms);
}

/** Bytes as "12,345 B" plus KiB for larger values. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '–';
  const kib = Math.abs(bytes) >= 10 * 1024 ? ` (${(bytes / 1024).toFixed(1)} KiB)` : '';
  return `${formatInteger(bytes)} B${kib}`;
}
