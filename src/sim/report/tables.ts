// The report's tables as plain data: headers and already-formatted cells. report.md and report.html
// render the same tables, so every number reads the same in both; only the escaping differs. A
// threshold's value and actual are shown in full, as they were compared.

import type { BidCounts, P } from '../metrics/summary.js';
import { fmtExact, fmtInt, fmtMoney, fmtMs, fmtPct, NONE } from './format.js';
import type { Level, ReportModel } from './report-model.js';

export interface Cell {
  text: string;
  /** Right-aligned, tabular figures. */
  num?: boolean;
  level?: Level;
}

export interface Row {
  cells: Cell[];
  /** A totals row (not a bidder or group of its own). */
  total?: boolean;
}

export interface Table {
  id: string;
  title: string;
  /** Why the table is there / how to read it, plain text. */
  note?: string;
  headers: string[];
  rows: Row[];
  /** Shown instead of an empty table. */
  empty?: string;
}

const num = (text: string): Cell => ({ text, num: true });
const txt = (text: string): Cell => ({ text });
const ms = (v: number): Cell => num(fmtMs(v));
const int = (v: number): Cell => num(fmtInt(v));
const pct = (v: number): Cell => num(fmtPct(v));
const dash = (): Cell => num(NONE);

export const LATENCY_HEADERS = ['latency (ms)', 'p50', 'p90', 'p99', 'p99.9', 'max', 'count'];

function latencyRow(label: string, p: P): Row {
  return { cells: [txt(label), ms(p.p50), ms(p.p90), ms(p.p99), ms(p.p999), ms(p.max), int(p.count)] };
}

export function latencyTable(m: ReportModel): Table {
  const l = m.summary.latency;
  return {
    id: 'latency',
    title: 'Auction latency',
    note: 'Auction latency runs from the scheduled arrival to the outcome (open loop, so a stalled exchange shows here). Overshoot is how far past its deadline an auction closed by the deadline actually closed; event-loop delay is the exchange process’s.',
    headers: LATENCY_HEADERS,
    rows: [
      latencyRow('auction', l.auction),
      latencyRow('deadline overshoot', l.overshoot),
      latencyRow('event-loop delay', l.eventLoopDelay),
    ],
  };
}

/** Where every request sent ended, as the bidder, group and total rows all show it. */
const COUNT_HEADERS = ['sent', 'on time', 'no-bid', 'invalid', 'timed out', 'lost', 'late'];

function countCells(c: BidCounts, warnTimedOut = false): Cell[] {
  const timedOut = int(c.timedOut);
  return [
    int(c.sent),
    int(c.onTime),
    int(c.noBid),
    int(c.invalid),
    warnTimedOut && c.timedOut > 0 ? { ...timedOut, level: 'warn' } : timedOut,
    int(c.lost),
    int(c.late),
  ];
}

export const BIDDER_HEADERS = [
  'bidder',
  'group',
  ...COUNT_HEADERS,
  'wins',
  'win rate',
  'timeout rate',
  'p50 ms',
  'p99 ms',
];

export function bidderTable(m: ReportModel): Table {
  const rows = Object.entries(m.summary.bidders).map(([name, b]): Row => ({
    cells: [
      txt(name),
      txt(b.group),
      ...countCells(b, true),
      int(b.wins),
      pct(b.winRate),
      pct(b.timeoutRate),
      ms(b.latency.p50),
      ms(b.latency.p99),
    ],
  }));
  return {
    id: 'bidders',
    title: 'Bidders',
    note: 'Every request sent ends exactly once: on time, no-bid, invalid, timed out or lost. Late answers are timed-out ones that came after the close. Response time is sent → received, late answers included.',
    headers: BIDDER_HEADERS,
    rows,
    empty: 'No bidders.',
  };
}

export const GROUP_HEADERS = [
  'group',
  'leaves',
  ...COUNT_HEADERS,
  'wins',
  'timeout rate',
  'p50 ms',
  'p99 ms',
  'p99.9 ms',
  'host p50 ms',
  'host p99 ms',
];

export function groupTable(m: ReportModel): Table {
  const rows = m.groups.map(({ name, summary: g, hostDelayP: h }): Row => ({
    cells: [
      txt(name),
      int(g.leaves),
      ...countCells(g),
      int(g.wins),
      pct(g.timeoutRate),
      ms(g.latency.p50),
      ms(g.latency.p99),
      ms(g.latency.p999),
      h === null || h.count === 0 ? dash() : ms(h.p50),
      h === null || h.count === 0 ? dash() : ms(h.p99),
    ],
  }));
  const b = m.summary.bids;
  const leaves = m.groups.reduce((t, g) => t + g.summary.leaves, 0);
  const wins = m.groups.reduce((t, g) => t + g.summary.wins, 0);
  rows.push({
    total: true,
    cells: [
      txt('all groups'),
      int(leaves),
      ...countCells(b),
      int(wins),
      pct(m.summary.rates.timeout),
      dash(),
      dash(),
      dash(),
      dash(),
      dash(),
    ],
  });
  return {
    id: 'groups',
    title: 'Bidder groups',
    note: 'p50/p99 are the response times the exchange measured; host p50/p99 are the delays the bidder host applied before answering (all requests, warm-up included). The gap between them is network, socket and event-loop queueing on both sides.',
    headers: GROUP_HEADERS,
    rows,
  };
}

export const OUTCOME_HEADERS = ['outcome', 'value'];

export function outcomeTable(m: ReportModel): Table {
  const s = m.summary;
  const kv = (k: string, v: Cell): Row => ({ cells: [txt(k), v] });
  return {
    id: 'outcome',
    title: 'Fill and revenue',
    headers: OUTCOME_HEADERS,
    rows: [
      kv('auctions', int(s.auctions.total)),
      kv('filled', int(s.auctions.filled)),
      kv('unfilled', int(s.auctions.unfilled)),
      kv('skipped (no bidder called)', int(s.auctions.skipped)),
      kv('fill rate', pct(s.rates.fill)),
      kv('timeout rate', pct(s.rates.timeout)),
      kv('no-bid rate', pct(s.rates.noBid)),
      kv('invalid rate', pct(s.rates.invalid)),
      kv('lost rate', pct(s.rates.lost)),
      kv('impressions sold', int(s.revenue.impressionsSold)),
      kv('revenue', num(fmtMoney(s.revenue.total))),
      kv('average clearing CPM', num(fmtMoney(s.revenue.avgClearingPrice))),
      kv('revenue per 1000 auctions', num(fmtMoney(s.revenue.perThousand))),
    ],
  };
}

export const THRESHOLD_HEADERS = ['metric', 'op', 'value', 'actual', 'result'];

export function thresholdTable(m: ReportModel): Table {
  return {
    id: 'thresholds',
    title: 'Thresholds',
    headers: THRESHOLD_HEADERS,
    rows: m.summary.thresholds.map((t): Row => ({
      cells: [
        txt(t.metric),
        txt(t.op),
        num(fmtExact(t.value)),
        num(t.actual === null ? 'n/a' : fmtExact(t.actual)),
        { text: t.pass ? 'pass' : 'FAIL', level: t.pass ? 'ok' : 'bad' },
      ],
    })),
    empty: 'No thresholds set in the scenario.',
  };
}

export function allTables(m: ReportModel): Table[] {
  return [latencyTable(m), bidderTable(m), groupTable(m), outcomeTable(m), thresholdTable(m)];
}
