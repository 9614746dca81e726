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

/**
 * The table of invalid, stray and lost answers: a row for each leaf with any, and none for the
 * others; each row's counts, drops and reasons as summary.json holds them.
 */
export function failureMismatches(table: ShownTable, s: Summary, text = (cell: string): string => cell): string[] {
  const m = new Mismatches();
  const expected = Object.entries(s.bidders).filter(([, b]) => b.invalid + b.stray + b.lost + b.drops > 0);
  const shown = Object.keys(table).sort().join(', ');
  const leaves = expected
    .map(([n]) => n)
    .sort()
    .join(', ');
  if (shown !== leaves) m.lines.push(`rows: ${shown}; expected: ${leaves}`);
  for (const [name, b] of expected) {
    const r = table[name];
    for (const [h, v] of [
      ['sent', b.sent],
      ['invalid', b.invalid],
      ['stray', b.stray],
      ['lost', b.lost],
      ['drops', b.drops],
    ] as const)
      m.same(`${name} ${h}`, r?.[h], v);
    m.near(`${name} failing share`, r?.['failing share'], (b.timedOut + b.invalid + b.lost) / b.sent);
    // Each reason with its count, "not-json 54, bad-price 3".
    const reasons = Object.fromEntries(
      (r?.['invalid and stray reasons'] === undefined ? '' : text(r['invalid and stray reasons']))
        .split(', ')
        .filter((x) => x !== '—' && x !== '')
        .map((x) => [x.slice(0, x.lastIndexOf(' ')), parseShown(x.slice(x.lastIndexOf(' ') + 1))]),
    );
    if (
      JSON.stringify(reasons, Object.keys(reasons).sort()) !==
      JSON.stringify(b.invalidReasons, Object.keys(b.invalidReasons).sort())
    )
      m.lines.push(`${name} reasons: ${JSON.stringify(reasons)} vs ${JSON.stringify(b.invalidReasons)}`);
  }
  return m.lines;
}

/** The harness tables: each check's value and level, each process's utilisation and CPU. */
export function harnessMismatches(checks: ShownTable, processes: ShownTable, s: Summary): string[] {
  const m = new Mismatches();
  const h = s.harness;
  if (h === undefined) return ['summary.json has no harness'];
  for (const c of h.checks) {
    const r = checks[c.figure];
    m.near(`${c.id} value`, r?.value, c.value);
    m.near(`${c.id} degraded above`, r?.['degraded above'], c.degradedAbove);
    if (r?.level !== c.level) m.lines.push(`${c.id} level: ${r?.level} vs ${c.level}`);
  }
  for (const p of h.processes) {
    const r = processes[p.role];
    m.same(`${p.role} pid`, r?.pid, p.pid);
    m.near(`${p.role} utilisation`, r?.utilisation, p.utilisation);
    if (p.utilisationNetOfSpin !== undefined)
      m.near(`${p.role} net of spin`, r?.['net of spin'], p.utilisationNetOfSpin);
    m.near(`${p.role} CPU s`, r?.['CPU s'], p.cpuSec);
  }
  return m.lines;
}
