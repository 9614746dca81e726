// The threshold gate: dotted paths into summary.json compared with a number. Their syntax is checked
// with the scenario; whether each path names a number in the summary is checked here, before the
// run, against a summary of the right shape, so a typo stops the run instead of failing it at the end.
// Every leaf's entry in the summary has one shape, and every group's, so the check needs the summary
// of one leaf in one group and the scenario's names, not the histograms of all its leaves.

import { issue, suggest, type Issue } from '../../lib/issues.js';
import { getPath, listPaths } from '../scenario/dotted-path.js';
import { Metrics, type LeafInfo } from './metrics.js';
import type { Scenario } from '../scenario/schema.js';
import { expandLeaves } from '../scenario/bidder-groups.js';
import { COMPARISON } from '../scenario/dotted-sections.js';
import { leafInfos } from '../run/setup.js';
import { buildSummary, type Summary, type ThresholdResult } from './summary.js';

type Op = '<' | '<=' | '>' | '>=';

function parse(expr: string): { op: Op; value: number } {
  const m = COMPARISON.exec(expr.trim());
  if (m === null) throw new Error(`not a comparison: ${expr}`);
  const op = m[1] as Op;
  return { op, value: Number(expr.trim().slice(op.length)) };
}

function holds(actual: number, op: Op, value: number): boolean {
  switch (op) {
    case '<':
      return actual < value;
    case '<=':
      return actual <= value;
    case '>':
      return actual > value;
    case '>=':
      return actual >= value;
  }
}

/** Each threshold with the summary's actual value; a path that names no number fails with actual null. */
export function evaluateThresholds(summary: Summary, thresholds: Record<string, string>): ThresholdResult[] {
  return Object.entries(thresholds).map(([metric, expr]) => {
    const { op, value } = parse(expr);
    const found = getPath(summary, metric);
    const actual = typeof found === 'number' ? found : null;
    return { metric, op, value, actual, pass: actual !== null && holds(actual, op, value) };
  });
}

/** An empty summary with the scenario's leaves and groups: the shape every run's summary has. */
export function summaryShape(s: Scenario): Summary {
  return shapeWith(s, leafInfos(expandLeaves(s)));
}

function shapeWith(s: Scenario, leaves: LeafInfo[]): Summary {
  const zero = { p50: 0, p90: 0, p99: 0, p999: 0, max: 0, count: 0 };
  return buildSummary(new Metrics(leaves), {
    scenario: s.name,
    seed: s.seed,
    mode: s.mode,
    startedAt: new Date(0),
    durationSec: 0,
    partial: false,
    config: {
      rate: 0,
      arrival: '',
      tmaxMs: 0,
      allowanceMs: 0,
      type: '',
      floor: 0,
      impressions: 0,
      leaves: 0,
      warmupSec: 0,
    },
    eventLoopDelay: zero,
  });
}

/** The summary's sections keyed by a leaf's or a group's name, and the one entry the small shape has. */
const KEYED: Record<string, string> = { bidders: 'leaf', groups: 'group' };

/**
 * Issues for threshold paths that name no number in summary.json, with a did-you-mean. Checked on
 * the summary of one leaf in one group with the scenario's names beside it: the cost is one small
 * summary and a pass over the names (a 7,000-leaf scenario took 2.3 s and 670 MB to check on its
 * full summary, and a sweep checks every cell), and a suggestion is made segment by segment.
 */
export function thresholdPathIssues(s: Scenario): Issue[] {
  const metrics = Object.keys(s.thresholds);
  if (metrics.length === 0) return [];
  const shape = shapeWith(s, [{ name: KEYED.bidders!, group: KEYED.groups! }]);
  const infos = leafInfos(expandLeaves(s));
  const names: Record<string, Set<string>> = {
    bidders: new Set(infos.map((l) => l.name)),
    groups: new Set(infos.map((l) => l.group)),
  };
  const isNumber = (path: string): boolean => typeof getPath(shape, path) === 'number';
  const numericUnder = (root: unknown): string[] => listPaths(root).filter((p) => typeof getPath(root, p) === 'number');
  let general: string[] | null = null;
  const inner: Record<string, string[]> = {};

  /** `metric` as a path into the small shape, or undefined when it names a leaf or group not there. */
  const resolve = (segments: string[]): string | undefined => {
    const head = segments[0]!;
    if (!Object.hasOwn(KEYED, head) || segments.length < 2) return segments.join('.');
    if (!names[head]!.has(segments[1]!)) return undefined;
    return [head, KEYED[head], ...segments.slice(2)].join('.');
  };
  const suggestion = (segments: string[]): string | undefined => {
    const head = Object.hasOwn(shape, segments[0]!) ? segments[0]! : suggest(segments[0]!, Object.keys(shape));
    if (head === undefined) return undefined;
    if (Object.hasOwn(KEYED, head) && segments.length >= 2) {
      const name = names[head]!.has(segments[1]!) ? segments[1] : suggest(segments[1]!, [...names[head]!]);
      const entry = getPath(shape, `${head}.${KEYED[head]}`);
      const rest = segments.slice(2).join('.');
      inner[head] ??= numericUnder(entry);
      const field = typeof getPath(entry, rest) === 'number' ? rest : suggest(rest, inner[head]);
      return name === undefined || field === undefined ? undefined : `${head}.${name}.${field}`;
    }
    const path = [head, ...segments.slice(1)].join('.');
    if (isNumber(path)) return path;
    general ??= numericUnder(shape).filter((p) => !Object.hasOwn(KEYED, p.split('.')[0]!));
    return suggest(path, general);
  };

  const issues: Issue[] = [];
  for (const metric of metrics) {
    const segments = metric.split('.');
    const at = resolve(segments);
    if (at !== undefined && isNumber(at)) continue;
    const hint = suggestion(segments);
    const example =
      hint === undefined ? ' (for example "latency.auction.p99" or "rates.timeout")' : ` (did you mean "${hint}"?)`;
    const path = `thresholds[${JSON.stringify(metric)}]`;
    issues.push(issue(path, 'SCN_ERR_BAD_PATH', `names no number in summary.json${example}`));
  }
  return issues;
}
