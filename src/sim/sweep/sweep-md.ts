// sweep.md: the recommendation, the rule behind it, and the grid as a table. Numbers read as on the
// run report (report/format.ts).

import { fmtMoney, fmtMs, fmtNum, fmtPct } from '../report/format.js';
import { shownValue } from './cells.js';
import { recommendationText, type SweepReport } from './sweep-model.js';

/** Keeps a cell's text from breaking the table. */
const md = (text: string): string => text.replace(/[\\|`*_[\]<>]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');

export function sweepMarkdown(r: SweepReport): string {
  const lines: string[] = [];
  lines.push(`# Sweep: ${md(r.name)}`, '');
  lines.push(
    `${r.cells.length} cells, ${r.mode} mode, seed ${r.seed}, started ${r.startedAt}, ${fmtNum(r.wallSec)} s wall time.`,
    '',
  );
  lines.push('Axes:', '');
  for (const a of r.axes) lines.push(`- \`${md(a.path)}\`: ${a.values.map((v) => md(shownValue(v))).join(', ')}`);
  lines.push('');
  const th = Object.entries(r.thresholds);
  lines.push(
    th.length === 0
      ? 'Thresholds: none (every cell qualifies).'
      : `Thresholds: ${th.map(([k, v]) => `\`${md(k)}\` ${md(v)}`).join(', ')}.`,
    '',
  );
  lines.push(`## Recommendation`, '');
  if (r.recommendation.found) {
    const where = Object.entries(r.recommendation.values ?? {})
      .map(([k, v]) => `\`${md(k)}\` = ${md(shownValue(v))}`)
      .join(', ');
    lines.push(`**Cell ${r.recommendation.index}: ${where}.** ${md(recommendationText(r))}.`);
  } else {
    lines.push(`**No recommendation: ${md(r.recommendation.reason)}.**`);
  }
  lines.push('', `Rule: ${md(r.rule)}.`, '');
  lines.push('## Grid', '');
  const pareto = new Set(r.pareto);
  const head = [
    'cell',
    ...r.axes.map((a) => `\`${md(a.path)}\``),
    'p99 ms',
    'timeout',
    'fill',
    'revenue/1000',
    'thresholds',
    'Pareto',
  ];
  lines.push(`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`);
  for (const c of r.cells) {
    const s = c.summary;
    const row = [
      String(c.index),
      ...r.axes.map((a) => md(shownValue(c.values[a.path]))),
      fmtMs(s.latency.auction.p99),
      fmtPct(s.rates.timeout),
      fmtPct(s.rates.fill),
      fmtMoney(s.revenue.perThousand),
      c.thresholds.length === 0
        ? '-'
        : c.pass
          ? 'pass'
          : `FAIL (${c.thresholds
              .filter((t) => !t.pass)
              .map((t) => md(t.metric))
              .join(', ')})`,
      pareto.has(c.index) ? 'yes' : '',
    ];
    lines.push(`| ${row.join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}
