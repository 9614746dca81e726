// compare.md: the two runs named, the settings that differ, then one row per headline figure with
// both values, their 95% intervals where a single run has one, the difference and the verdict.

import { escapeMd } from '../report/escape.js';
import { fmtMoney, fmtMs, fmtNum, fmtPct } from '../report/format.js';
import type { Interval } from '../../lib/stats.js';
import type { Comparison, CompareRow, Unit } from './compare.js';

const FORMAT: Record<Unit, (x: number) => string> = {
  ms: (x) => `${fmtMs(x)} ms`,
  rate: fmtPct,
  money: fmtMoney,
  'per-sec': (x) => `${fmtNum(x)}/s`,
};

function shown(x: number, i: Interval | null, unit: Unit): string {
  const f = FORMAT[unit];
  return i === null ? f(x) : `${f(x)} (${f(i.lo)} – ${f(i.hi)})`;
}

function difference(r: CompareRow): string {
  const d = r.b - r.a;
  if (d === 0) return '0';
  const sign = d > 0 ? '+' : '−';
  const abs = FORMAT[r.unit](Math.abs(d));
  const rel = r.a !== 0 ? ` (${sign}${fmtPct(Math.abs(d / r.a))})` : '';
  return `${sign}${abs}${rel}`;
}

const VERDICT: Record<CompareRow['verdict'], string> = {
  'within noise': 'within noise',
  higher: '**B higher**',
  lower: '**B lower**',
  same: 'same',
  'no interval': 'no interval (a single run)',
};

const setting = (v: unknown): string => escapeMd(v === undefined ? '(absent)' : JSON.stringify(v));

export function compareMarkdown(c: Comparison): string {
  const run = (tag: string, r: Comparison['a']): string => {
    const s = r.summary;
    const tool = s.tool?.commit
      ? `, commit ${s.tool.commit.slice(0, 12)}${s.tool.dirty === true ? ' (changed)' : ''}`
      : '';
    return `- **${tag}**: \`${escapeMd(r.label)}\` — ${escapeMd(s.scenario)}, ${s.mode}, seed ${s.seed}, started ${s.startedAt}${tool}`;
  };
  const lines = ['# Compare', '', run('A', c.a), run('B', c.b), ''];
  if (c.settings.length > 0) {
    lines.push('## Settings that differ', '', '| setting | A | B |', '| --- | --- | --- |');
    for (const s of c.settings) lines.push(`| \`${escapeMd(s.path)}\` | ${setting(s.a)} | ${setting(s.b)} |`);
    lines.push('');
  } else if (c.a.scenario !== null && c.b.scenario !== null) {
    lines.push('Both ran the same resolved scenario.', '');
  }
  lines.push('## Figures', '', '| figure | A | B | B − A | verdict |', '| --- | ---: | ---: | ---: | --- |');
  for (const r of c.rows)
    lines.push(
      `| \`${r.figure}\` | ${shown(r.a, r.aInterval, r.unit)} | ${shown(r.b, r.bInterval, r.unit)} | ${difference(r)} | ${VERDICT[r.verdict]} |`,
    );
  lines.push(
    '',
    'In brackets, 95% intervals: Wilson intervals for rates (their counts are in summary.json), and for ' +
      'percentiles the order-statistic interval read through the run’s .hgrm file. A difference is within ' +
      'noise when the two intervals overlap. Revenue, throughput and event-loop delay have no interval from a ' +
      'single run: repeat the runs (or sweep with repeats) before believing their differences.',
    '',
  );
  return lines.join('\n');
}
