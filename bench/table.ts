// The bench's terminal table: one line per case, the figures folded into one column.

import type { Row } from './cases.js';

function figures(f: Row['figures']): string {
  return Object.entries(f)
    .map(([k, v]) => `${k} ${v}`)
    .join('; ');
}

export function formatTable(rows: readonly Row[]): string {
  const header = ['case', 'ratio', 'target', 'pass', 'figures'];
  const body = rows.map((r) => [
    r.case,
    r.ratio === null ? '-' : String(r.ratio),
    r.target,
    r.pass === null ? '-' : r.pass ? 'yes' : 'NO',
    figures(r.figures),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => (i === 4 ? 0 : b[i]!.length))));
  const line = (cells: string[]): string =>
    `| ${cells.map((c, i) => (i === 4 ? c : c.padEnd(widths[i]!))).join(' | ')} |\n`;
  return line(header) + line(widths.map((w, i) => (i === 4 ? '---' : '-'.repeat(w)))) + body.map(line).join('');
}
