// The data behind report.html's charts, small and plain (numbers, nulls and names), embedded in the
// page as JSON. charts-client.js reads exactly this shape (chart-types.ts), and is type-checked
// against it.

import type { ChartData, SpectrumLine } from './chart-types.js';
import type { ReportModel } from './report-model.js';
import { spectrum } from './spectrum.js';

export type { ChartData, SpectrumLine } from './chart-types.js';

const r3 = (x: number): number => Math.round(x * 1000) / 1000;

export function chartData(m: ReportModel): ChartData {
  const lines: Array<Omit<SpectrumLine, 'values'>> = [{ label: 'auction', kind: 'auction', group: -1 }];
  const hists = [m.run.metrics.auctionLatency];
  m.groups.forEach((g, i) => {
    lines.push({ label: g.name, kind: 'group', group: i });
    hists.push(g.latency);
  });
  m.groups.forEach((g, i) => {
    if (g.hostDelay === null || g.hostDelay.totalCount === 0) return;
    lines.push({ label: `${g.name} (host delay)`, kind: 'host', group: i });
    hists.push(g.hostDelay);
  });
  const sp = spectrum(hists);

  const names = Object.keys(m.summary.bidders);
  const leaves = Object.values(m.summary.bidders);

  const secs = m.run.metrics.seconds;
  let first = secs.findIndex((b) => b.auctions > 0);
  if (first < 0) first = secs.length;
  const kept = secs.slice(first);
  return {
    tmaxMs: m.summary.config.tmaxMs,
    spectrum: { x: sp.x, lines: lines.map((l, i) => ({ ...l, values: sp.series[i]!.values })) },
    bidders: {
      names,
      p50: leaves.map((b) => b.latency.p50),
      p99: leaves.map((b) => b.latency.p99),
      timeoutRate: leaves.map((b) => b.timeoutRate),
      winRate: leaves.map((b) => b.winRate),
    },
    overTime: {
      t: kept.map((_, i) => first + i),
      meanMs: kept.map((b) => (b.auctions > 0 ? r3(b.latencySumMs / b.auctions) : null)),
      maxMs: kept.map((b) => (b.auctions > 0 ? r3(b.maxLatencyMs) : null)),
      timeoutRate: kept.map((b) => (b.sent > 0 ? Math.round((b.timedOut / b.sent) * 1e6) / 1e6 : null)),
    },
  };
}
