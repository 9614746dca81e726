// The threshold gate: dotted paths into summary.json compared with a number. Their syntax is checked
// with the scenario; whether each path names a number in the summary is checked here, before the
// run, against a summary of the right shape, so a typo stops the run instead of failing it at the end.

import { issue, suggest, type Issue } from '../../lib/issues.js';
import { getPath, listPaths } from '../scenario/dotted-path.js';
import { Metrics } from './metrics.js';
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
  const zero = { p50: 0, p90: 0, p99: 0, p999: 0, max: 0, count: 0 };
  return buildSummary(new Metrics(leafInfos(expandLeaves(s))), {
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

/** Issues for threshold paths that name no number in summary.json, with a did-you-mean. */
export function thresholdPathIssues(s: Scenario): Issue[] {
  const shape = summaryShape(s);
  const issues: Issue[] = [];
  let numeric: string[] | null = null;
  for (const metric of Object.keys(s.thresholds)) {
    if (typeof getPath(shape, metric) === 'number') continue;
    numeric ??= listPaths(shape).filter((p) => typeof getPath(shape, p) === 'number');
    const hint = suggest(metric, numeric);
    const example =
      hint === undefined ? ' (for example "latency.auction.p99" or "rates.timeout")' : ` (did you mean "${hint}"?)`;
    const path = `thresholds[${JSON.stringify(metric)}]`;
    issues.push(issue(path, 'SCN_ERR_BAD_PATH', `names no number in summary.json${example}`));
  }
  return issues;
}
