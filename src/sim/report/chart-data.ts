// The data behind report.html's charts, small and plain (numbers, nulls and names), embedded in the
// page as JSON. charts-client.js reads exactly this shape.

import type { ReportModel } from './report-model.js';
import { spectrum } from './spectrum.js';

export interface SpectrumLine {
  label: string;
  /** Which kind of line: the auction, a group's measured response time, or its host-applied delay. */
  kind: 'auction' | 'group' | 'host';
  /** Index of the group (for colour), -1 for the auction. */
  group: number;
  values: Array<number | null>;
}

export interface ChartData {
  tmaxMs: number;
  spectrum: { x: number[]; lines: SpectrumLine[] };
  bidders: { names: string[]; p50: number[]; p99: number[]; timeoutRate: number[]; winRate: number[] };
  /** Per second since the run began (warm-up seconds that counted nothing left out). */
  overTime: {
    t: number[];
    meanMs: Array<number | null>;
    maxMs: Array<number | null>;
    timeoutRate: Array<number | null>;
  };
}

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
