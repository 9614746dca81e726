// What the terminal shows: a progress line while the run goes and a short table at the end.
// Functions return strings; the CLI decides where they go.

import type { Progress } from '../run/result.js';
import type { P, Summary } from '../metrics/summary.js';

const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const lpad = (s: string, n: number): string => (s.length >= n ? s : ' '.repeat(n - s.length) + s);
const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;
const ms = (x: number): string => x.toFixed(2);

export function progressLine(p: Progress): string {
  const total = p.totalSec > 0 ? `/${p.totalSec.toFixed(0)}s` : 's';
  const rate = p.elapsedSec > 0 ? (p.closed / p.elapsedSec).toFixed(0) : '0';
  return `${p.elapsedSec.toFixed(1)}${total}  ${p.closed} auctions (${rate}/s)  in flight ${p.inFlight}  p99 ${ms(p.auctionP99Ms)} ms  timeouts ${p.timedOut}`;
}

function pRow(label: string, p: P): string {
  return `${pad(label, 18)}${[p.p50, p.p90, p.p99, p.p999, p.max].map((v) => lpad(ms(v), 9)).join('')}${lpad(String(p.count), 10)}`;
}

/**
 * The lines printed before the table when the harness was not ok: the verdict, what it polluted, each
 * reason and what to do. Empty when it was ok (or the summary has no harness).
 */
export function harnessWarning(s: Summary): string[] {
  const h = s.harness;
  if (h === undefined || h.verdict === 'ok') return [];
  return [
    `WARNING: harness ${h.verdict}: this run measured the machine as well as the bidders (${h.polluted.join(', ')})`,
    ...h.reasons.map((r) => `  - ${r}`),
    ...h.advice.map((a, i) => `  ${i === 0 ? 'what to do:' : '           '} ${a}`),
  ];
}

export function summaryTable(s: Summary): string {
  const lines: string[] = [];
  const c = s.config;
  lines.push(
    `${s.scenario}: ${s.auctions.total} auctions in ${s.durationSec.toFixed(1)} s (${s.auctions.perSec}/s, ${c.arrival} ${c.rate}/s), ` +
      `${c.leaves} leaves, tmax ${c.tmaxMs} ms, ${c.type}${s.partial ? '  [PARTIAL]' : ''}`,
  );
  lines.push('');
  lines.push(
    `${pad('latency (ms)', 18)}${['p50', 'p90', 'p99', 'p99.9', 'max'].map((h) => lpad(h, 9)).join('')}${lpad('count', 10)}`,
  );
  lines.push(pRow('auction', s.latency.auction));
  lines.push(pRow('overshoot', s.latency.overshoot));
  lines.push(pRow('event loop delay', s.latency.eventLoopDelay));
  for (const [name, g] of Object.entries(s.groups)) lines.push(pRow(`${name} (x${g.leaves})`, g.latency));
  lines.push('');
  const b = s.bids;
  lines.push(
    `bids: sent ${b.sent}  on time ${b.onTime}  no-bid ${b.noBid}  invalid ${b.invalid}  timed out ${b.timedOut} (late ${b.late})  lost ${b.lost}`,
  );
  lines.push(
    `fill ${pct(s.rates.fill)}  timeout ${pct(s.rates.timeout)}  revenue ${s.revenue.total.toFixed(4)}  ` +
      `avg clearing CPM ${s.revenue.avgClearingPrice.toFixed(4)}  per 1000 auctions ${s.revenue.perThousand.toFixed(4)}`,
  );
  const harness = s.harness !== undefined && s.harness.verdict !== 'ok' ? `  (harness ${s.harness.verdict})` : '';
  for (const t of s.thresholds) {
    lines.push(
      `threshold ${t.metric} ${t.op} ${t.value}: actual ${t.actual ?? 'n/a'}  ${t.pass ? 'pass' : 'FAIL'}${harness}`,
    );
  }
  return lines.join('\n');
}
