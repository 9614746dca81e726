// What both human-readable reports show, derived once from a RunResult: the summary, each group's
// merged histograms (exchange-measured response time and host-applied delay), and the headline
// verdict. report.md and report.html render this, so they cannot disagree with each other or with
// summary.json, which is built from the same metrics.

import { newHistogram, type Histogram } from '../../lib/histogram.js';
import type { RunResult } from '../run/result.js';
import { percentiles, type GroupSummary, type P, type Summary } from '../metrics/summary.js';
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

export type Level = 'ok' | 'warn' | 'bad';

export interface Verdict {
  level: Level;
  /** One short headline: PASS, FAIL, PARTIAL … */
  word: string;
  /** Sentences behind it, plain text (renderers escape). */
  lines: Array<{ level: Level; text: string }>;
}

export interface ReportModel {
  run: RunResult;
  summary: Summary;
  groups: GroupView[];
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
  return { run, summary: s, groups, verdict: verdict(s) };
}

/** Auction p99 against the deadline: under it, at it (some bidder held auctions open), or past it. */
export function deadlineLevel(s: Summary): Level {
  const p99 = s.latency.auction.p99;
  const tmax = s.config.tmaxMs;
  if (p99 < tmax) return 'ok';
  return p99 <= tmax * (1 + AT_DEADLINE_SLACK) ? 'warn' : 'bad';
}

function verdict(s: Summary): Verdict {
  const lines: Verdict['lines'] = [];
  const failed = s.thresholds.filter((t) => !t.pass);
  if (s.thresholds.length === 0) lines.push({ level: 'ok', text: 'No thresholds set in the scenario.' });
  else if (failed.length === 0) lines.push({ level: 'ok', text: `All ${s.thresholds.length} thresholds pass.` });
  else
    lines.push({
      level: 'bad',
      text: `${failed.length} of ${s.thresholds.length} thresholds failed: ${failed.map((t) => `${t.metric} ${t.op} ${fmtExact(t.value)}`).join(', ')}.`,
    });

  const p99 = fmtMsAgainst(s.latency.auction.p99, s.config.tmaxMs);
  const tmax = fmtSetting(s.config.tmaxMs);
  const p99Level = deadlineLevel(s);
  if (s.latency.auction.count === 0) lines.push({ level: 'warn', text: 'No auctions were measured.' });
  else if (p99Level === 'ok')
    lines.push({
      level: 'ok',
      text: `Auction p99 ${p99} ms is under tmax ${tmax} ms: 99% of auctions closed with every bidder answered.`,
    });
  else if (p99Level === 'warn') {
    lines.push({
      level: 'warn',
      text: `Auction p99 ${p99} ms is at tmax ${tmax} ms: at least 1% of auctions waited for the deadline on some bidder.`,
    });
  } else
    lines.push({
      level: 'bad',
      text: `Auction p99 ${p99} ms is past tmax ${tmax} ms: the exchange closed auctions late (overshoot p99 ${fmtMs(s.latency.overshoot.p99)} ms).`,
    });

  lines.push({
    level: s.rates.timeout > 0.01 ? 'warn' : 'ok',
    text: `${fmtPct(s.rates.timeout)} of bid requests timed out; fill rate ${fmtPct(s.rates.fill)}.`,
  });
  if (s.partial)
    lines.push({ level: 'warn', text: 'The run was cut short: these figures cover only the part that ran.' });

  const level: Level = failed.length > 0 ? 'bad' : s.partial ? 'warn' : 'ok';
  const word = failed.length > 0 ? 'FAIL' : s.partial ? 'PARTIAL' : s.thresholds.length > 0 ? 'PASS' : 'DONE';
  return { level, word, lines };
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
  ];
}
