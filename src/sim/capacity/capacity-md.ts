// What `npm run capacity` shows: the probes as a small terminal table, and capacity.md (the answer,
// how it was searched, and the probes with every reason). Strings only; the command decides where
// they go. Every number goes through src/sim/report/format.ts.

import { escapeMd } from '../report/escape.js';
import { fmtMs, fmtNum, fmtPct, fmtSetting, NONE } from '../report/format.js';
import type { CapacityReport } from './capacity-model.js';
import type { ProbeRecord } from './search.js';

const share = (x: number | null): string => (x === null ? NONE : fmtPct(x));

const HEADERS = [
  '#',
  'phase',
  'rate/s',
  'verdict',
  'exchange util',
  'net of spin',
  'host util',
  'auction p99 ms',
  'timeouts',
  'closed/s',
];

function cells(p: ProbeRecord): string[] {
  return [
    String(p.n),
    p.phase,
    fmtSetting(p.rate),
    p.verdict,
    share(p.exchangeUtilisation),
    share(p.exchangeUtilisationNetOfSpin),
    share(p.bidderHostUtilisation),
    fmtMs(p.auctionP99Ms),
    fmtPct(p.timeoutRate),
    fmtNum(p.perSec),
  ];
}

/** The probes in aligned columns, each not-ok probe's first reason under it. */
export function probeTable(probes: readonly ProbeRecord[]): string {
  const rows = probes.map(cells);
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string =>
    r
      .map((c, i) => (i === 1 || i === 3 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [line(HEADERS)];
  probes.forEach((p, i) => {
    out.push(line(rows[i]!));
    if (!p.ok && p.reasons.length > 0) {
      const more = p.reasons.length > 1 ? ` (+${p.reasons.length - 1} more in capacity.json)` : '';
      out.push(`      ${p.reasons[0]}${more}`);
    }
  });
  return out.join('\n');
}

export function capacityMarkdown(r: CapacityReport): string {
  const s = r.settings;
  const lines = [
    `# Capacity: ${escapeMd(r.scenario)}`,
    '',
    `**${escapeMd(r.answer)}.**`,
    '',
    `The highest open-loop rate at which this machine kept the harness verdict of \`${escapeMd(r.file)}\` ` +
      `\`ok\`, found with ${r.probes.length} short live runs (` +
      `${fmtSetting(s.warmupSec)} s of warm-up and ${fmtSetting(s.probeSec)} s measured each, seed ${s.seed}` +
      `${r.scenarioMode === 'virtual' ? '; the scenario is virtual, its bidders were run live' : ''}): ` +
      `from ${fmtSetting(s.from)}/s doubling while ok up to ${fmtSetting(s.max)}/s, halving while not down to ` +
      `${fmtSetting(s.min)}/s, then bisecting to ${fmtPct(s.precision)}` +
      `${s.confirm ? ', the answer probed twice' : ''}; a degraded or invalid harness is not ok. ` +
      `Load average ${r.loadAverage.start.map(fmtNum).join(' ')} at the start, ` +
      `${r.loadAverage.end.map(fmtNum).join(' ')} at the end: a busy machine has less capacity to give.`,
    '',
    `| ${HEADERS.join(' | ')} | reasons |`,
    `| ${HEADERS.map(() => '---').join(' | ')} | --- |`,
  ];
  for (const p of r.probes) {
    const reasons = p.reasons.length === 0 ? NONE : p.reasons.map(escapeMd).join('; ');
    lines.push(`| ${cells(p).map(escapeMd).join(' | ')} | ${reasons} |`);
  }
  lines.push(
    '',
    "`exchange util` is the exchange process's event-loop utilisation over the measured stretch, `net of " +
      "spin` the same without the live clock's wait for each deadline's last millisecond, `host util` the " +
      "busiest bidder host's; `timeouts` is the share of requests sent that timed out.",
  );
  return `${lines.join('\n')}\n`;
}
