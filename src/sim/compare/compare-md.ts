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
  if (i === null) return f(x);
  // An open upper end: too few values past this percentile to bound it from above.
  return `${f(x)} (${f(i.lo)} – ${i.hi === Infinity ? 'unbounded' : f(i.hi)})`;
}

/** B − A, and relative to A; a rate's difference in percentage points (pp), not a percent of a percent. */
function difference(r: CompareRow): string {
  const d = r.b - r.a;
  if (d === 0) return '0';
  const sign = d > 0 ? '+' : '−';
  const abs = r.unit === 'rate' ? `${fmtMs(Math.abs(d) * 100)} pp` : FORMAT[r.unit](Math.abs(d));
  const rel = r.a !== 0 ? ` (${sign}${fmtPct(Math.abs(d / r.a))})` : '';
  return `${sign}${abs}${rel}`;
}

function verdictText(r: CompareRow): string {
  switch (r.verdict) {
    case 'higher':
      return '**B higher**';
    case 'lower':
      return '**B lower**';
    case 'no interval':
      return `no verdict (${r.note ?? SINGLE_RUN_NOTE})`;
    default:
      return r.verdict;
  }
}

const SINGLE_RUN_NOTE = 'no interval';

const setting = (v: unknown): string => escapeMd(v === undefined ? '(absent)' : JSON.stringify(v));

export function compareMarkdown(c: Comparison): string {
  const run = (tag: string, r: Comparison['a']): string => {
    const s = r.summary;
    const version = s.tool === undefined ? '' : `, ${escapeMd(s.tool.name)} ${escapeMd(s.tool.version)}`;
    const commit =
      typeof s.tool?.commit === 'string'
        ? ` at ${s.tool.commit.slice(0, 12)}${s.tool.dirty === true ? ' (with changes)' : ''}`
        : '';
    const partial = s.partial ? ' — **a partial run**' : '';
    const h = s.harness;
    const harness = h === undefined || h.verdict === 'ok' ? '' : ` — **harness ${h.verdict}**`;
    return `- **${tag}**: \`${escapeMd(r.label)}\` — ${escapeMd(s.scenario)}, ${s.mode}, seed ${s.seed}, ${s.latency.auction.count} auctions measured, started ${s.startedAt}${version}${commit}${partial}${harness}`;
  };
  const lines = ['# Compare', '', run('A', c.a), run('B', c.b), ''];
  // A difference between runs of which one measured the machine may be the machine's.
  for (const [tag, r] of [['A', c.a] as const, ['B', c.b] as const]) {
    const h = r.summary.harness;
    if (h === undefined || h.verdict === 'ok') continue;
    lines.push(
      `> ⚠️ ${tag}'s harness was ${h.verdict} (${h.polluted.map(escapeMd).join(', ')}): its differences in those figures may be the machine's, not the bidders'. ${h.reasons.map(escapeMd).join('; ')}.`,
      '',
    );
  }
  if (c.settings.length > 0) {
    lines.push('## Settings that differ', '', '| setting | A | B |', '| --- | --- | --- |');
    for (const s of c.settings) lines.push(`| \`${escapeMd(s.path)}\` | ${setting(s.a)} | ${setting(s.b)} |`);
    lines.push('');
  } else if (c.a.scenario !== null && c.b.scenario !== null) {
    lines.push('Both ran the same resolved scenario.', '');
  } else {
    const without = [c.a.scenario === null ? 'A' : '', c.b.scenario === null ? 'B' : ''].filter((x) => x !== '');
    lines.push(`Settings not compared: ${without.join(' and ')} has no readable scenario.resolved.json.`, '');
  }
  lines.push('## Figures', '', '| figure | A | B | B − A | verdict |', '| --- | ---: | ---: | ---: | --- |');
  for (const r of c.rows)
    lines.push(
      `| \`${r.figure}\` | ${shown(r.a, r.aInterval, r.unit)} | ${shown(r.b, r.bInterval, r.unit)} | ${difference(r)} | ${verdictText(r)} |`,
    );
  lines.push(
    '',
    'In brackets, 95% intervals: Wilson intervals for rates (their counts are in summary.json), and for ' +
      'percentiles the order-statistic interval read through the run’s .hgrm file (unbounded above where the ' +
      'run has too few values past the percentile). A difference is within noise when the two intervals ' +
      'overlap. Revenue, throughput and event-loop delay have no interval from a single run: run several seeds ' +
      'before believing their differences. A live run’s latencies are not independent (one stall of the ' +
      'event loop delays many auctions), so its intervals understate the noise of the tails; repeat live runs ' +
      'before believing a tail difference.',
    '',
  );
  return lines.join('\n');
}
