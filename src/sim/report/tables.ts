// The report's tables as plain data: headers and already-formatted cells. report.md and report.html
// render the same tables, so every number reads the same in both; only the escaping differs. A
// threshold's value and actual are shown in full, as they were compared.

import type { HarnessCheck } from '../metrics/harness-types.js';
import type { BidCounts, LeafSummary, P } from '../metrics/summary.js';
import { fmtExact, fmtInt, fmtMoney, fmtMs, fmtNum, fmtPct, fmtSetting, NONE } from './format.js';
import {
  failingShare,
  OUTCOME_WARN_SHARE,
  reasonsText,
  verdictLevel,
  type Level,
  type ReportModel,
} from './report-model.js';

import { deadlineTable } from './deadline-table.js';

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
  const lateness = m.harness?.hostLateness ?? null;
  // Virtual time has no event loop to be late: no row of zeros for it.
  const live = m.summary.mode === 'live';
  return {
    id: 'latency',
    title: 'Auction latency',
    note:
      'Auction latency runs from the scheduled arrival to the outcome (open loop, so a stalled exchange shows here). Overshoot is how far past its deadline an auction closed by the deadline actually closed' +
      (live ? '; event-loop delay is the exchange process’s.' : '.') +
      (lateness === null
        ? ''
        : ' Host timer lateness is how much later than intended the bidder host sent its delayed answers.'),
    headers: LATENCY_HEADERS,
    rows: [
      latencyRow('auction', l.auction),
      latencyRow('deadline overshoot', l.overshoot),
      ...(live ? [latencyRow('event-loop delay', l.eventLoopDelay)] : []),
      ...(lateness === null ? [] : [latencyRow('host timer lateness', lateness)]),
    ],
  };
}

/** Where every request sent ended, as the bidder, group and total rows all show it. */
const COUNT_HEADERS = ['sent', 'on time', 'no-bid', 'invalid', 'timed out', 'lost', 'late'];

/** A count, amber when it is a failing outcome a leaf had at all (`flag`). */
function failingCount(n: number, flag: boolean): Cell {
  return flag && n > 0 ? { ...int(n), level: 'warn' } : int(n);
}

function countCells(c: BidCounts, flagFailing = false): Cell[] {
  return [
    int(c.sent),
    int(c.onTime),
    int(c.noBid),
    failingCount(c.invalid, flagFailing),
    failingCount(c.timedOut, flagFailing),
    failingCount(c.lost, flagFailing),
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
    note: 'p50/p99 are the response times the exchange measured; host p50/p99 are the delays the bidder host applied before answering (after the warm-up, as the exchange’s; an answer to a warm-up request still waiting at the mark counts on the host’s side). The gap between them is network, socket and event-loop queueing on both sides.',
    headers: GROUP_HEADERS,
    rows,
  };
}

export const FAILURE_HEADERS = [
  'bidder',
  'group',
  'sent',
  'invalid',
  'stray',
  'lost',
  'drops',
  'down (ms)',
  'failing share',
  'invalid and stray reasons',
];

/**
 * The leaves that answered badly or not at all: invalid answers and stray frames with their reasons,
 * lost requests, dropped connections and the time each was down, worst first. The failing share is (timed out + invalid +
 * lost) / sent, as the charts rank leaves.
 */
export function failureTable(m: ReportModel): Table {
  const leaves = Object.entries(m.summary.bidders)
    .filter(([, b]) => b.invalid > 0 || b.stray > 0 || b.lost > 0 || b.drops > 0 || b.disconnectedMs > 0)
    .map(([name, b]) => ({ name, b, failing: failingShare(b) }))
    .sort((x, y) => y.failing - x.failing || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  return {
    id: 'failures',
    title: 'Invalid, stray and lost answers',
    note: 'Leaves whose answers were refused (invalid: unreadable, or a bid that breaks the rules; stray: a frame that answered no request) or never came (lost: the link was down or dropped; down: the time its connection was down after the warm-up), worst first. The failing share counts timed-out requests too.',
    headers: FAILURE_HEADERS,
    rows: leaves.map(({ name, b, failing }): Row => ({
      cells: [
        txt(name),
        txt(b.group),
        int(b.sent),
        failingCount(b.invalid, true),
        failingCount(b.stray, true),
        failingCount(b.lost, true),
        failingCount(b.drops, true),
        b.disconnectedMs > 0 ? { ...ms(b.disconnectedMs), level: 'warn' } : ms(0),
        failing > OUTCOME_WARN_SHARE ? { ...pct(failing), level: 'warn' } : pct(failing),
        txt(reasonsText(b.invalidReasons) || NONE),
      ],
    })),
    empty: 'No invalid answers, stray frames, lost requests or dropped connections.',
  };
}

export const NOT_SENT_HEADERS = [
  'bidder',
  'group',
  'sent',
  'skipped',
  'throttled',
  'capped',
  'secondary cut',
  '101',
  '203',
  '301',
];

/**
 * The leaves some requests were not sent to (skipped for time, throttled or capped by a policy), or
 * cut off as secondaries once the primaries were done, with their seat-non-bid counts in Prebid's codes: 101 timeout, 203 blocked by optimisation, 301
 * below floor. Summaries from before not-sent counts show none.
 */
export function notSentTable(m: ReportModel): Table {
  const rows: Row[] = [];
  for (const [name, b] of Object.entries(m.summary.bidders)) {
    const n = b.notSent as LeafSummary['notSent'] | undefined;
    const cut = (b.secondaryCut as number | undefined) ?? 0;
    if (n === undefined || n.skipped + n.throttled + n.capped + cut === 0) continue;
    const codes = b.seatNonBid;
    rows.push({
      cells: [
        txt(name),
        txt(b.group),
        int(b.sent),
        int(n.skipped),
        failingCount(n.throttled, true),
        failingCount(n.capped, true),
        int(cut),
        int(codes['101']),
        int(codes['203']),
        int(codes['301']),
      ],
    });
  }
  return {
    id: 'not-sent',
    title: 'Requests not sent or cut off',
    note: 'Leaves that were not called on some auctions: skipped (less time left than their minBidderMs), throttled (held back for recent timeouts and errors) or capped (their QPS cap had no token); sent plus not sent is every auction. Secondary cut: requests of a secondary leaf still out when every primary was done, counted as timed out. 101, 203 and 301 are their seat-non-bid counts in Prebid’s codes: timed out, blocked by optimisation (throttled or capped), bid below the floor.',
    headers: NOT_SENT_HEADERS,
    rows,
    empty: 'Every leaf was sent every auction’s request, and none was cut off.',
  };
}

/** A harness figure or limit in its unit: ms as measured, a share as a percentage. */
const harnessFigure = (v: number, unit: HarnessCheck['unit']): string => (unit === 'ms' ? `${fmtMs(v)} ms` : fmtPct(v));
const harnessLimit = (v: number, unit: HarnessCheck['unit']): string =>
  unit === 'ms' ? `${fmtSetting(v)} ms` : fmtPct(v);

export const HARNESS_CHECK_HEADERS = ['figure', 'value', 'degraded above', 'invalid above', 'level'];

/** Each limit the harness was held to, its figure and where it stood (null without a harness). */
export function harnessCheckTable(m: ReportModel): Table | null {
  const h = m.harness;
  if (h === null || h.checks.length === 0) return null;
  return {
    id: 'harness-checks',
    title: 'Harness checks',
    note: 'Whether the run measured the bidders or the machine it ran on: each figure of the simulator itself against its limits. Past the first the harness is degraded, past the second invalid.',
    headers: HARNESS_CHECK_HEADERS,
    rows: h.checks.map((c): Row => ({
      cells: [
        txt(c.figure),
        num(harnessFigure(c.value, c.unit)),
        num(harnessLimit(c.degradedAbove, c.unit)),
        num(c.invalidAbove === null ? NONE : harnessLimit(c.invalidAbove, c.unit)),
        { text: c.level, level: verdictLevel(c.level) },
      ],
    })),
  };
}

export const HARNESS_PROCESS_HEADERS = ['process', 'pid', 'utilisation', 'net of spin', 'CPU s', 'wall s'];

/** Each process of the run: how busy its event loop was and the CPU it used (null without a harness). */
export function harnessProcessTable(m: ReportModel): Table | null {
  const h = m.harness;
  if (h === null || h.processes.length === 0) return null;
  return {
    id: 'harness-processes',
    title: 'Harness processes',
    note: 'Event-loop utilisation (the share of the loop’s time spent working) and CPU seconds of each process over the measured stretch. Net of spin leaves out the exchange’s wait for a deadline’s last millisecond.',
    headers: HARNESS_PROCESS_HEADERS,
    rows: h.processes.map((p): Row => ({
      cells: [
        txt(p.role),
        num(fmtExact(p.pid)),
        pct(p.utilisation),
        p.utilisationNetOfSpin === undefined ? dash() : pct(p.utilisationNetOfSpin),
        num(fmtNum(p.cpuSec)),
        num(fmtNum(p.wallSec)),
      ],
    })),
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
  const harness = [harnessCheckTable(m), harnessProcessTable(m)].filter((t): t is Table => t !== null);
  return [
    latencyTable(m),
    bidderTable(m),
    groupTable(m),
    failureTable(m),
    notSentTable(m),
    outcomeTable(m),
    thresholdTable(m),
    ...harness,
    ...[deadlineTable(m)].filter((t): t is Table => t !== null),
  ];
}
