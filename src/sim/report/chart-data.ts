// The data behind report.html's charts, small and plain (numbers, nulls and names), embedded in the
// page as JSON. charts-client.js reads exactly this shape (chart-types.ts), and is type-checked
// against it.

import type { ChartData, SpectrumLine } from './chart-types.js';
import { fmtInt, fmtMs, fmtPct, NONE } from './format.js';
import type { ReportModel } from './report-model.js';
import { spectrum } from './spectrum.js';
import { deadlineLines } from './deadline-table.js';

export type { ChartData, SpectrumLine } from './chart-types.js';

const r3 = (x: number): number => Math.round(x * 1000) / 1000;
const r6 = (x: number): number => Math.round(x * 1e6) / 1e6;

/** Legend text: the charts show a figure exactly as the tables do, so the browser formats nothing. */
const msShown = (values: ReadonlyArray<number | null>): string[] =>
  values.map((v) => (v === null ? NONE : `${fmtMs(v)} ms`));
const pctShown = (values: ReadonlyArray<number | null>): string[] => values.map((v) => (v === null ? NONE : fmtPct(v)));

export function chartData(m: ReportModel): ChartData {
  const lines: Array<Omit<SpectrumLine, 'values' | 'shown'>> = [{ label: 'auction', kind: 'auction', group: -1 }];
  const hists = [m.run.metrics.auctionLatency];
  const drawn = m.shown.groupIndices.map((i) => [i, m.groups[i]!] as const);
  for (const [i, g] of drawn) {
    lines.push({ label: g.name, kind: 'group', group: i });
    hists.push(g.latency);
  }
  for (const [i, g] of drawn) {
    if (g.hostDelay === null || g.hostDelay.totalCount === 0) continue;
    lines.push({ label: `${g.name} (host delay)`, kind: 'host', group: i });
    hists.push(g.hostDelay);
  }
  const sp = spectrum(hists);

  const rows = m.shown.bars;
  const names = rows.map((r) => (r.kind === 'leaf' ? r.name : `${r.name} ×${fmtInt(r.leaves)}`));

  const secs = m.run.metrics.seconds;
  let first = secs.findIndex((b) => b.auctions > 0);
  if (first < 0) first = secs.length;
  const kept = secs.slice(first);
  const p50 = rows.map((r) => r.latency.p50);
  const p99 = rows.map((r) => r.latency.p99);
  const failing = rows.map((r) => r6(r.failing));
  const winRate = rows.map((r) => (r.bids === 0 ? 0 : r6(r.wins / r.bids)));
  const meanMs = kept.map((b) => (b.auctions > 0 ? r3(b.latencySumMs / b.auctions) : null));
  const maxMs = kept.map((b) => (b.auctions > 0 ? r3(b.maxLatencyMs) : null));
  const perSecTimeouts = kept.map((b) => (b.sent > 0 ? r6(b.timedOut / b.sent) : null));
  const deadlines = deadlineLines(m.summary);
  return {
    ...(deadlines !== null && {
      deadlines: {
        t: deadlines.lines[0]!.ms.map((_, i) => deadlines.fromSec + i * deadlines.stepSec),
        lines: deadlines.lines.map((l) => ({ label: l.label, ms: l.ms.map(r3), shown: msShown(l.ms) })),
      },
    }),
    tmaxMs: m.summary.config.tmaxMs,
    spectrum: {
      x: sp.x,
      lines: lines.map((l, i) => {
        const values = sp.series[i]!.values;
        return { ...l, values, shown: msShown(values) };
      }),
    },
    bidders: {
      names,
      kinds: rows.map((r) => r.kind),
      p50,
      p99,
      failing,
      winRate,
      shown: { p50: msShown(p50), p99: msShown(p99), failing: pctShown(failing), winRate: pctShown(winRate) },
    },
    overTime: {
      t: kept.map((_, i) => first + i),
      meanMs,
      maxMs,
      timeoutRate: perSecTimeouts,
      shown: { meanMs: msShown(meanMs), maxMs: msShown(maxMs), timeoutRate: pctShown(perSecTimeouts) },
    },
  };
}
