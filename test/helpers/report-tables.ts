// Whether a report's tables show what summary.json holds: shared by the report.md test (tables read
// from the Markdown) and the browser test (tables read from report.html's DOM), so both pages are
// held to the same figures. A figure matches when it is the summary's to its last digit shown; a
// count matches exactly. Each check returns the mismatches as lines, empty when all agree.

import type { P, Summary } from '../../src/sim/metrics/summary.js';
import { parseShown, shownTolerance } from '../../src/sim/report/format.js';

/** A table as rows keyed by their row header, cells keyed by column header. */
export type ShownTable = Record<string, Record<string, string> | undefined>;

/** Collects the figures a page shows that are not summary.json's. */
export class Mismatches {
  readonly lines: string[] = [];

  private within(where: string, shown: string | undefined, actual: number, tolerance: number): void {
    if (shown === undefined || !(Math.abs(parseShown(shown) - actual) <= tolerance + 1e-12))
      this.lines.push(`${where}: shows ${shown}, summary.json ${actual}`);
  }

  near(where: string, shown: string | undefined, actual: number): void {
    this.within(where, shown, actual, shown === undefined ? 0 : shownTolerance(shown));
  }

  same(where: string, shown: string | undefined, actual: number): void {
    this.within(where, shown, actual, 0);
  }
}

/** The auction latency table: each row's percentiles and count. */
export function latencyMismatches(table: ShownTable, s: Summary): string[] {
  const m = new Mismatches();
  const rows: [string, P][] = [
    ['auction', s.latency.auction],
    ['deadline overshoot', s.latency.overshoot],
    ['event-loop delay', s.latency.eventLoopDelay],
  ];
  for (const [label, p] of rows) {
    const r = table[label];
    const cells: [string, number][] = [
      ['p50', p.p50],
      ['p90', p.p90],
      ['p99', p.p99],
      ['p99.9', p.p999],
      ['max', p.max],
    ];
    for (const [h, v] of cells) m.near(`${label} ${h}`, r?.[h], v);
    m.same(`${label} count`, r?.count, p.count);
  }
  return m.lines;
}

/** The per-bidder table: one row per leaf, with its group, counts, rates and response times. */
export function bidderMismatches(table: ShownTable, s: Summary, text = (cell: string): string => cell): string[] {
  const m = new Mismatches();
  const shown = Object.keys(table).sort().join(', ');
  const leaves = Object.keys(s.bidders).sort().join(', ');
  if (shown !== leaves) m.lines.push(`rows: ${shown}; summary.json: ${leaves}`);
  for (const [name, b] of Object.entries(s.bidders)) {
    const r = table[name];
    const group = r?.group === undefined ? undefined : text(r.group);
    if (group !== b.group) m.lines.push(`${name} group: ${group} vs ${b.group}`);
    const counts: [string, number][] = [
      ['sent', b.sent],
      ['on time', b.onTime],
      ['no-bid', b.noBid],
      ['invalid', b.invalid],
      ['timed out', b.timedOut],
      ['lost', b.lost],
      ['late', b.late],
      ['wins', b.wins],
    ];
    for (const [h, v] of counts) m.same(`${name} ${h}`, r?.[h], v);
    m.near(`${name} win rate`, r?.['win rate'], b.winRate);
    m.near(`${name} timeout rate`, r?.['timeout rate'], b.timeoutRate);
    m.near(`${name} p50`, r?.['p50 ms'], b.latency.p50);
    m.near(`${name} p99`, r?.['p99 ms'], b.latency.p99);
  }
  return m.lines;
}
