// What both human-readable reports show, derived once from a RunResult: the summary, each group's
// merged histograms (exchange-measured response time and host-applied delay), and the headline
// verdict. report.md and report.html render this, so they cannot disagree with each other or with
// summary.json, which is built from the same metrics.

import { newHistogram, type Histogram } from '../../lib/histogram.js';
import type { RunResult } from '../run/result.js';
import type { HarnessSummary, HarnessVerdict } from '../metrics/harness-types.js';
import { percentiles, type BidCounts, type GroupSummary, type P, type Summary } from '../metrics/summary.js';
import { fmtExact, fmtInt, fmtMs, fmtMsAgainst, fmtNum, fmtPct, fmtSetting } from './format.js';
import { hostDelaysByGroup } from './host-delays.js';

export interface GroupView {
  name: string;
  summary: GroupSummary;
  /** Every leaf's response times (µs), merged: what the exchange measured. */
  latency: Histogram;
  /** Delays the host applied (µs), merged; null when the host kept none (an external bidder). */
  hostDelay: Histogram | null;
  hostDelayP: P | null;
}

/**
 * How a line, a cell or a figure is coloured. `bad` (red) is kept for what fails the run's verdict —
 * a failed threshold, an invalid harness — so the badge is red whenever any line below it is; every
 * other concern (a p99 at or past the deadline, timeouts, lost answers) is at most `warn`.
 */
export type Level = 'ok' | 'warn' | 'bad';

const RANK: Record<Level, number> = { ok: 0, warn: 1, bad: 2 };

/** The worse of some levels (`ok` for none). */
export const worstLevel = (levels: readonly Level[]): Level =>
  levels.reduce<Level>((w, l) => (RANK[l] > RANK[w] ? l : w), 'ok');

export interface VerdictLine {
  level: Level;
  text: string;
  /**
   * Whether the line is part of the verdict itself (the thresholds, the harness, a partial run): the
   * badge takes the worst level of these. Other lines inform and are never red.
   */
  gate: boolean;
}

export interface Verdict {
  level: Level;
  /** One short headline: PASS, FAIL, PARTIAL, DONE. */
  word: string;
  /** What qualifies the word: "harness degraded" or "harness invalid"; null when nothing does. */
  qualifier: string | null;
  /** The word and its qualifier, for titles: "PASS · harness degraded". */
  headline: string;
  /** Sentences behind it, plain text (renderers escape). */
  lines: VerdictLine[];
}

/** The outcomes that fail a request, as summary.json counts them. */
export type FailingOutcome = 'timedOut' | 'invalid' | 'lost';
export const FAILING_OUTCOMES: readonly FailingOutcome[] = ['timedOut', 'invalid', 'lost'];

/** A leaf's or a group's share of its requests that ended one way. */
export interface Share {
  name: string;
  count: number;
  sent: number;
  share: number;
}

/** One failing outcome over the run: how many, where, and how it is coloured. */
export interface OutcomeView {
  key: FailingOutcome;
  count: number;
  /** Of every request sent. */
  share: number;
  /** Leaves with at least one. */
  leaves: number;
  /** The leaves with the largest share of it, worst first (at most WORST_NAMED). */
  worst: Share[];
  /** The group with the largest share, when there are several groups and any has one. */
  worstGroup: Share | null;
  level: Level;
}

/** A share of requests past this, of all of them or of any one leaf's, is flagged (warn). */
export const OUTCOME_WARN_SHARE = 0.01;
/** How many of the worst leaves a verdict line names. */
const WORST_NAMED = 3;

/** A bar of the per-bidder and per-outcome charts: one leaf, or one group of them summed. */
export interface ShownRow {
  kind: 'leaf' | 'group';
  name: string;
  /** The row's group (for a leaf, the one it belongs to), by its index in `groups`. */
  group: number;
  leaves: number;
  counts: BidCounts;
  bids: number;
  wins: number;
  latency: P;
  /** (timed out + invalid + lost) / sent. */
  failing: number;
}

/**
 * What the per-bidder charts draw. With few leaves, every leaf; with many, each group summed and then
 * the leaves with the largest failing share, named, so 60 or 500 leaves read as a few bars.
 */
export interface ShownRows {
  /** The per-bidder bar charts' rows, in order. */
  bars: ShownRow[];
  /** The outcome chart's group rows (none when every group is a single leaf) … */
  groups: ShownRow[];
  /** … and its leaf rows: every leaf, or the worst ones. */
  leaves: ShownRow[];
  /** Whether every leaf is drawn. */
  allLeaves: boolean;
  /** Groups left out of the charts (the least failing, past MAX_GROUPS_SHOWN). */
  groupsLeftOut: number;
  /** The groups the charts draw (the spectrum's lines among them), by index in `groups`, in order. */
  groupIndices: number[];
  /** Which bars are drawn, in one sentence. */
  note: string;
}

/** Up to this many leaves, every leaf gets its own bars. */
export const ALL_LEAVES_UP_TO = 16;
/** Past ALL_LEAVES_UP_TO, the leaves named beside the groups. */
export const WORST_LEAVES_SHOWN = 8;
/** At most this many groups are drawn; the rest (the least failing) are left to the tables. */
export const MAX_GROUPS_SHOWN = 12;

export interface ReportModel {
  run: RunResult;
  summary: Summary;
  groups: GroupView[];
  outcomes: Record<FailingOutcome, OutcomeView>;
  /** The harness health, when the summary has one. */
  harness: HarnessSummary | null;
  shown: ShownRows;
  verdict: Verdict;
}

/** How far past tmax a p99 may sit and still count as "at the deadline" rather than late. */
const AT_DEADLINE_SLACK = 0.05;

export function reportModel(run: RunResult): ReportModel {
  const s = run.summary;
  const groupOf = (leaf: string): string | undefined => s.bidders[leaf]?.group;
  const host = hostDelaysByGroup(run.hostStats, groupOf);
  const merged = new Map<string, Histogram>();
  for (const leaf of run.metrics.leaves) {
    let h = merged.get(leaf.info.group);
    if (h === undefined) {
      h = newHistogram();
      merged.set(leaf.info.group, h);
    }
    h.add(leaf.latency);
  }
  const groups = Object.entries(s.groups).map(([name, g]): GroupView => {
    const hd = host.get(name) ?? null;
    return {
      name,
      summary: g,
      latency: merged.get(name) ?? newHistogram(),
      hostDelay: hd,
      hostDelayP: hd === null ? null : percentiles(hd),
    };
  });
  const outcomes = {
    timedOut: outcomeView(s, 'timedOut'),
    invalid: outcomeView(s, 'invalid'),
    lost: outcomeView(s, 'lost'),
  };
  const harness = s.harness ?? null;
  return {
    run,
    summary: s,
    groups,
    outcomes,
    harness,
    shown: shownRows(s),
    verdict: verdict(s, outcomes, harness),
  };
}

const shareOf = (count: number, sent: number): number => (sent === 0 ? 0 : count / sent);

/** (timed out + invalid + lost) / sent: the share of requests that brought no usable answer. */
export const failingShare = (c: BidCounts): number => shareOf(c.timedOut + c.invalid + c.lost, c.sent);

function outcomeView(s: Summary, key: FailingOutcome): OutcomeView {
  const byShare = (a: Share, b: Share): number => b.share - a.share || b.count - a.count || cmp(a.name, b.name);
  const leaves = Object.entries(s.bidders)
    .filter(([, b]) => b[key] > 0)
    .map(([name, b]): Share => ({ name, count: b[key], sent: b.sent, share: shareOf(b[key], b.sent) }))
    .sort(byShare);
  // A group of one leaf says no more than that leaf: the worst group is named among the larger ones.
  const groups = Object.entries(s.groups)
    .filter(([, g]) => g[key] > 0 && g.leaves > 1)
    .map(([name, g]): Share => ({ name, count: g[key], sent: g.sent, share: shareOf(g[key], g.sent) }))
    .sort(byShare);
  const share = shareOf(s.bids[key], s.bids.sent);
  const worstShare = Math.max(share, leaves[0]?.share ?? 0);
  return {
    key,
    count: s.bids[key],
    share,
    leaves: leaves.length,
    worst: leaves.slice(0, WORST_NAMED),
    worstGroup: Object.keys(s.groups).length > 1 ? (groups[0] ?? null) : null,
    level: worstShare > OUTCOME_WARN_SHARE ? 'warn' : 'ok',
  };
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function shownRows(s: Summary): ShownRows {
  const groupNames = Object.keys(s.groups);
  const groupIndex = new Map(groupNames.map((n, i) => [n, i]));
  const leafRows = Object.entries(s.bidders).map(([name, b]): ShownRow => ({
    kind: 'leaf',
    name,
    group: groupIndex.get(b.group) ?? -1,
    leaves: 1,
    counts: b,
    bids: b.bids,
    wins: b.wins,
    latency: b.latency,
    failing: failingShare(b),
  }));
  const bidsOf = new Map<string, number>();
  for (const b of Object.values(s.bidders)) bidsOf.set(b.group, (bidsOf.get(b.group) ?? 0) + b.bids);
  const groupRows = groupNames.map((name, i): ShownRow => ({
    kind: 'group',
    name,
    group: i,
    leaves: s.groups[name]!.leaves,
    counts: s.groups[name]!,
    bids: bidsOf.get(name) ?? 0,
    wins: s.groups[name]!.wins,
    latency: s.groups[name]!.latency,
    failing: failingShare(s.groups[name]!),
  }));
  // Worst first: the largest failing share, then the slowest p99, then by name (a stable order).
  const worse = (a: ShownRow, b: ShownRow): number =>
    b.failing - a.failing || b.latency.p99 - a.latency.p99 || cmp(a.name, b.name);
  const keptGroups =
    groupRows.length <= MAX_GROUPS_SHOWN
      ? groupRows
      : [...groupRows]
          .sort(worse)
          .slice(0, MAX_GROUPS_SHOWN)
          .sort((a, b) => a.group - b.group);
  const groupsLeftOut = groupRows.length - keptGroups.length;
  const allLeaves = leafRows.length <= ALL_LEAVES_UP_TO;
  const leaves = allLeaves ? leafRows : [...leafRows].sort(worse).slice(0, WORST_LEAVES_SHOWN);
  const groups = groupRows.some((g) => g.leaves > 1) ? keptGroups : [];
  const leftOut =
    groupsLeftOut > 0
      ? ` (the ${fmtInt(groupsLeftOut)} least failing of ${fmtInt(groupRows.length)} groups are in the tables only)`
      : '';
  // Groups of one leaf each would repeat the leaves: then only the worst leaves are drawn.
  const worstText = `the ${fmtInt(leaves.length)} of ${fmtInt(leafRows.length)} leaves with the largest share of requests timed out, invalid or lost.`;
  const note = allLeaves
    ? `Every leaf (${fmtInt(leafRows.length)}).`
    : groups.length === 0
      ? `Only ${worstText}`
      : `Each group${leftOut}, then ${worstText}`;
  return {
    bars: allLeaves ? leafRows : [...groups, ...leaves],
    groups,
    leaves,
    allLeaves,
    groupsLeftOut,
    groupIndices: keptGroups.map((g) => g.group),
    note,
  };
}

/**
 * Auction p99 against the deadline: ok under it, amber at or past it. Never red: how far past the
 * deadline auctions closed is the harness's to judge (its overshoot limit), and a threshold's.
 */
export function deadlineLevel(s: Summary): Level {
  return s.latency.auction.p99 < s.config.tmaxMs ? 'ok' : 'warn';
}

/** Whether the auction p99 sits past the deadline by more than the slack (closed late), not just at it. */
const pastDeadline = (s: Summary): boolean => s.latency.auction.p99 > s.config.tmaxMs * (1 + AT_DEADLINE_SLACK);

/** A harness verdict as a colour: degraded is amber, invalid red. */
export const verdictLevel = (v: HarnessVerdict): Level => (v === 'ok' ? 'ok' : v === 'degraded' ? 'warn' : 'bad');

export const harnessLevel = (h: HarnessSummary | null): Level => (h === null ? 'ok' : verdictLevel(h.verdict));

/** The level of one harness check by its id (`overshoot-p99` …), or null when the run has none. */
export function harnessCheckLevel(h: HarnessSummary | null, id: string): Level | null {
  const c = h?.checks.find((x) => x.id === id);
  return c === undefined ? null : verdictLevel(c.level);
}

/** What a non-ok harness means for the figures, in the words every page uses. */
export function harnessMeaning(h: HarnessSummary): string {
  return h.verdict === 'invalid'
    ? 'the figures below measured the machine, not the bidders'
    : 'the figures below measured the machine as well as the bidders';
}

const OUTCOME_WORDS: Record<FailingOutcome, string> = {
  timedOut: 'timed out',
  invalid: 'were invalid',
  lost: 'were lost',
};

/** "in 2 of 8 leaves: hangs-2 10.1%, hangs-1 9.44%; worst group hangs 9.79%" (empty when none). */
function whereText(o: OutcomeView, leaves: number): string {
  if (o.count === 0) return '';
  const named = o.worst.map((w) => `${w.name} ${fmtPct(w.share)}`).join(', ');
  const more = o.leaves > o.worst.length ? ', …' : '';
  const group = o.worstGroup === null ? '' : `; worst group ${o.worstGroup.name} ${fmtPct(o.worstGroup.share)}`;
  return `, in ${fmtInt(o.leaves)} of ${fmtInt(leaves)} leaves: ${named}${more}${group}`;
}

/** "bad-json 54, bad-price 3" over every leaf, largest first (at most `max`, then "…"). */
export function reasonsText(reasons: Record<string, number>, max = Infinity): string {
  const sorted = Object.entries(reasons)
    .filter(([, n]) => n > 0)
    .sort(([a, x], [b, y]) => y - x || cmp(a, b));
  const shown = sorted.slice(0, max).map(([r, n]) => `${r} ${fmtInt(n)}`);
  return shown.join(', ') + (sorted.length > shown.length ? ', …' : '');
}

function outcomeLine(s: Summary, o: OutcomeView, tail: string): VerdictLine {
  const counts = o.count === 0 ? '' : ` (${fmtInt(o.count)} of ${fmtInt(s.bids.sent)})`;
  return {
    level: o.level,
    gate: false,
    text: `${fmtPct(o.share)} of bid requests ${OUTCOME_WORDS[o.key]}${counts}${whereText(o, Object.keys(s.bidders).length)}${tail}.`,
  };
}

function verdict(s: Summary, outcomes: Record<FailingOutcome, OutcomeView>, harness: HarnessSummary | null): Verdict {
  const lines: VerdictLine[] = [];
  const failed = s.thresholds.filter((t) => !t.pass);
  const hLevel = harnessLevel(harness);
  const underHarness =
    harness === null || hLevel === 'ok' ? '' : ` the harness was ${harness.verdict}: ${harnessMeaning(harness)}`;
  if (s.thresholds.length === 0) {
    lines.push({ level: 'ok', gate: true, text: 'No thresholds set in the scenario.' });
    if (underHarness !== '') lines.push({ level: hLevel, gate: true, text: `But${underHarness}.` });
  } else if (failed.length === 0)
    lines.push({
      level: hLevel,
      gate: true,
      text: `All ${s.thresholds.length} thresholds pass${underHarness === '' ? '' : ` — but${underHarness}`}.`,
    });
  else
    lines.push({
      level: 'bad',
      gate: true,
      text:
        `${failed.length} of ${s.thresholds.length} thresholds failed: ${failed.map((t) => `${t.metric} ${t.op} ${fmtExact(t.value)}`).join(', ')}` +
        `${underHarness === '' ? '' : ` — and${underHarness}, so the failure may be the machine’s`}.`,
    });

  const p99 = fmtMsAgainst(s.latency.auction.p99, s.config.tmaxMs);
  const tmax = fmtSetting(s.config.tmaxMs);
  const p99Level = deadlineLevel(s);
  if (s.latency.auction.count === 0) lines.push({ level: 'warn', gate: false, text: 'No auctions were measured.' });
  else if (p99Level === 'ok')
    lines.push({
      level: 'ok',
      gate: false,
      text: `Auction p99 ${p99} ms is under tmax ${tmax} ms: 99% of auctions closed with every bidder answered.`,
    });
  else if (!pastDeadline(s)) {
    lines.push({
      level: 'warn',
      gate: false,
      text: `Auction p99 ${p99} ms is at tmax ${tmax} ms: at least 1% of auctions waited for the deadline on some bidder.`,
    });
  } else
    lines.push({
      level: 'warn',
      gate: false,
      text: `Auction p99 ${p99} ms is past tmax ${tmax} ms: the exchange closed auctions late (overshoot p99 ${fmtMs(s.latency.overshoot.p99)} ms).`,
    });

  lines.push(outcomeLine(s, outcomes.timedOut, `; fill rate ${fmtPct(s.rates.fill)}`));
  const stray = Object.values(s.bidders).reduce((t, b) => t + b.stray, 0);
  if (outcomes.invalid.count > 0 || stray > 0) {
    const reasons = {} as Record<string, number>;
    for (const b of Object.values(s.bidders))
      for (const [r, n] of Object.entries(b.invalidReasons)) reasons[r] = (reasons[r] ?? 0) + n;
    const strayText = stray === 0 ? '' : `; ${fmtInt(stray)} stray frame${stray === 1 ? '' : 's'} answered no request`;
    const line = outcomeLine(s, outcomes.invalid, `${strayText}; reasons ${reasonsText(reasons, 4)}`);
    lines.push(stray > 0 && line.level === 'ok' ? { ...line, level: 'warn' } : line);
  }
  if (outcomes.lost.count > 0) {
    const drops = Object.values(s.bidders).reduce((t, b) => t + b.drops, 0);
    const dropText = `; no answer came, the link being down or dropped${drops === 0 ? '' : ` (connections dropped ${fmtInt(drops)} time${drops === 1 ? '' : 's'})`}`;
    lines.push(outcomeLine(s, outcomes.lost, dropText));
  }
  if (s.partial)
    lines.push({
      level: 'warn',
      gate: true,
      text: 'The run was cut short: these figures cover only the part that ran.',
    });

  const level = worstLevel(lines.filter((l) => l.gate).map((l) => l.level));
  const word = failed.length > 0 ? 'FAIL' : s.partial ? 'PARTIAL' : s.thresholds.length > 0 ? 'PASS' : 'DONE';
  const qualifier = harness === null || hLevel === 'ok' ? null : `harness ${harness.verdict}`;
  return { level, word, qualifier, headline: qualifier === null ? word : `${word} · ${qualifier}`, lines };
}

/** The harness in one short phrase for the run line: "harness ok (virtual time)"; null without one. */
export function harnessPhrase(h: HarnessSummary | null): string | null {
  if (h === null) return null;
  if (h.verdict !== 'ok') return `harness ${h.verdict}`;
  return h.reasons.length > 0 ? `harness ok (${h.reasons.join('; ')})` : 'harness ok';
}

/** The banner over the verdict when the harness was not ok: what broke, what it spoils, what to do. */
export interface HarnessBanner {
  level: Level;
  title: string;
  reasons: string[];
  polluted: string[];
  advice: string[];
}

export function harnessBanner(m: ReportModel): HarnessBanner | null {
  const h = m.harness;
  if (h === null || h.verdict === 'ok') return null;
  return {
    level: harnessLevel(h),
    title: `Harness ${h.verdict}: ${harnessMeaning(h)}.`,
    reasons: h.reasons,
    polluted: h.polluted,
    advice: h.advice,
  };
}

/** A run of plain text, or a name from the scenario that the renderer sets off (and escapes its own way). */
export type Phrase = string | { name: string };

/** The scenario in one paragraph, as phrases: each renderer escapes text and names for its format. */
export function scenarioParagraph(m: ReportModel): Phrase[] {
  const s = m.summary;
  const c = s.config;
  const load = m.run.scenario.load;
  const planned =
    load.durationSec !== null ? `for ${fmtSetting(load.durationSec)} s` : `for ${fmtInt(load.auctions ?? 0)} arrivals`;
  const groups = m.groups.flatMap((g, i): Phrase[] => [
    ...(i === 0 ? [] : [', ']),
    { name: g.name },
    ` ×${fmtInt(g.summary.leaves)}`,
  ]);
  const bidderTmax = Math.max(0, c.tmaxMs - c.allowanceMs);
  return [
    'Scenario ',
    { name: s.scenario },
    ` (seed ${s.seed}, ${s.mode} mode, started ${s.startedAt}): ` +
      `open-loop ${c.arrival} arrivals at ${fmtSetting(c.rate)}/s ${planned}, the first ${fmtSetting(c.warmupSec)} s a warm-up left out of the statistics, ` +
      `so ${fmtInt(s.auctions.total)} auctions were measured over ${fmtNum(s.durationSec)} s (${fmtNum(s.auctions.perSec)}/s). ` +
      `Each is a ${c.type} auction of ${fmtInt(c.impressions)} impression${c.impressions === 1 ? '' : 's'} (floor ${fmtSetting(c.floor)}) ` +
      `with a deadline tmax of ${fmtSetting(c.tmaxMs)} ms; bidders are offered ${fmtSetting(bidderTmax)} ms, the other ${fmtSetting(c.allowanceMs)} ms being the allowance for network and auction. ` +
      `${fmtInt(c.leaves)} bidder leaves are called per auction, in ${m.groups.length} group${m.groups.length === 1 ? '' : 's'}: `,
    ...groups,
    '.',
    ...harnessSentence(m.harness),
  ];
}

/** The harness in the paragraph, quietly: a verdict that is not ok has its own banner above. */
function harnessSentence(h: HarnessSummary | null): Phrase[] {
  if (h === null) return [];
  if (h.verdict !== 'ok') return [` The harness was ${h.verdict} (see above).`];
  return [h.reasons.length > 0 ? ` Harness ok: ${h.reasons.join('; ')}.` : ' Harness ok: every limit held.'];
}
