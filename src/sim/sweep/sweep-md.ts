// sweep.md: the recommendation and the one sentence why, the objective, what is within noise, the
// marginal gains around the winner, and the grid with each figure's 95% interval. Numbers read as on
// the run report (report/format.ts).

import { fmtMoney, fmtMs, fmtNum, fmtPct, fmtSetting } from '../report/format.js';
import { shownValue } from './cells.js';
import type { JudgedThreshold } from './estimates.js';
import {
  cellLabel,
  fmtEstimate,
  fmtMarginal,
  harnessText,
  objectiveText,
  recommendationText,
  type SweepCell,
  type SweepReport,
} from './sweep-model.js';

/** Keeps a cell's text from breaking the table. */
const md = (text: string): string => text.replace(/[\\|`*_[\]<>]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');

/** A threshold's figure as judged: "4.13% (4.03%–4.23%) < 0.04: within noise". */
export function thresholdText(t: JudgedThreshold): string {
  const rate = t.method === 'wilson';
  const f = (x: number): string => (rate ? fmtPct(x) : fmtNum(x));
  const shown =
    t.actual === null
      ? 'no number'
      : t.interval === null || t.method === 'none'
        ? f(t.actual)
        : `${f(t.actual)} (${f(t.interval.lo)}–${f(t.interval.hi)})`;
  const verdict = t.verdict === 'noise' ? 'within noise' : t.verdict;
  return `${t.metric} ${shown} ${t.op} ${fmtSetting(t.value)}: ${verdict}`;
}

function status(c: SweepCell): string {
  if (c.thresholds.length === 0) return '-';
  if (c.status === 'pass') return 'pass';
  const which = c.thresholds.filter((t) => t.verdict === (c.status === 'fail' ? 'fail' : 'noise'));
  return `${c.status === 'fail' ? 'FAIL' : 'within noise'} (${which.map((t) => md(t.metric)).join(', ')})`;
}

export function sweepMarkdown(r: SweepReport): string {
  const lines: string[] = [];
  const rec = r.recommendation;
  lines.push(`# Sweep: ${md(r.name)}`, '');
  lines.push(
    `${r.cells.length} cells × ${r.repeats} repeat${r.repeats === 1 ? '' : 's'} (seeds ${r.seeds.join(', ')}), ` +
      `${r.mode} mode, started ${r.startedAt}, ${fmtNum(r.wallSec)} s wall time.`,
    '',
  );
  lines.push('Axes:', '');
  for (const a of r.axes) lines.push(`- \`${md(a.path)}\`: ${a.values.map((v) => md(shownValue(v))).join(', ')}`);
  lines.push('');
  const th = Object.entries(r.thresholds);
  lines.push(
    th.length === 0
      ? 'Thresholds: none (every cell qualifies).'
      : `Thresholds: ${th.map(([k, v]) => `\`${md(k)}\` ${md(v)}`).join(', ')}, each judged with its 95% interval: pass, fail, or within noise.`,
    '',
  );
  lines.push(`## Recommendation`, '');
  if (rec.found) {
    const where = Object.entries(rec.values ?? {})
      .map(([k, v]) => `\`${md(k)}\` = ${md(shownValue(v))}`)
      .join(', ');
    lines.push(`**Cell ${rec.index}: ${where}.** ${md(recommendationText(r))}.`, '');
  } else {
    lines.push(`**No recommendation: ${md(rec.reason)}.**`, '');
  }
  lines.push(md(rec.why), '');
  const harness = harnessText(r);
  if (harness !== null) lines.push(`**${md(harness)}**`, '');
  lines.push(md(objectiveText(r)), '', `Rule: ${md(r.rule)}.`, '');
  if (rec.contenders.length > 0) {
    lines.push(
      rec.found
        ? 'Within noise of a threshold and worth more than the recommendation (not recommended: more repeats or auctions would decide them):'
        : 'Within noise of a threshold (more repeats or auctions would decide them):',
      '',
    );
    for (const c of rec.contenders.slice(0, 5)) {
      const cell = r.cells.find((x) => x.index === c.index)!;
      const straddled = cell.thresholds.filter((t) => t.verdict === 'noise').map((t) => md(thresholdText(t)));
      lines.push(
        `- cell ${c.index} (${md(cellLabel(cell))}): value ${fmtEstimate(cell.value, fmtMoney)} per thousand auctions; ${straddled.join('; ')}`,
      );
    }
    lines.push('');
  }
  if (rec.found && rec.marginal !== undefined) {
    lines.push('Around the recommendation:', '');
    lines.push(`- +10 ms of tmax: ${fmtMarginal(rec.marginal.tmaxPer10Ms, '+10 ms', r.objective.costs)}`);
    lines.push(`- one more bidder: ${fmtMarginal(rec.marginal.perBidder, 'bidder', r.objective.costs)}`, '');
  }
  lines.push('## Grid', '');
  lines.push(
    r.repeats > 1
      ? `Means over ${r.repeats} repeats with 95% intervals (Student's t over repeats; rates pooled over repeats with Wilson's interval).`
      : 'One repeat: rates carry Wilson intervals; revenue and latencies have no interval.',
    '',
  );
  const pareto = new Set(r.pareto);
  const head = [
    'cell',
    ...r.axes.map((a) => `\`${md(a.path)}\``),
    'revenue/1000',
    ...(r.objective.costs ? ['value/1000'] : []),
    'to deadline',
    'p50 ms',
    'p99 ms',
    'timeout',
    'fill',
    'thresholds',
    'Pareto',
  ];
  lines.push(`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`);
  for (const c of r.cells) {
    const f = c.figures;
    const row = [
      rec.found && rec.index === c.index ? `**${c.index}**` : String(c.index),
      ...r.axes.map((a) => md(shownValue(c.values[a.path]))),
      fmtEstimate(f.revenuePerThousand, fmtMoney),
      ...(r.objective.costs ? [fmtEstimate(c.value, fmtMoney)] : []),
      fmtPct(f.toDeadline.mean),
      fmtMs(f.p50.mean),
      fmtMs(f.p99.mean),
      fmtPct(f.timeout.mean),
      fmtPct(f.fill.mean),
      status(c),
      pareto.has(c.index) ? 'yes' : '',
    ];
    lines.push(`| ${row.join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}
