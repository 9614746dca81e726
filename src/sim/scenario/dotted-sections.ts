// The two scenario sections keyed by dotted paths: thresholds (into summary.json, checked here for
// syntax only, since the summary does not exist yet) and sweep (into the scenario itself, so each
// value can be checked by applying it and validating the result).

import { issue, isRecord, mustBe, notNonEmptyArray, suggest, type Issue } from '../../lib/issues.js';
import { getPath, isSafePath, issuePath, listPaths, setPath, splitPath } from './dotted-path.js';
import { LIMITS } from './limits.js';
import type { Scenario } from './schema.js';

/** `<120`, `>= 0.9`, `<=-1.5`: an operator and a plain decimal number. */
export const COMPARISON = /^(<=|>=|<|>)\s*-?\d+(\.\d+)?$/;

/** A key as issues print it; quoted because the key itself contains dots. */
function keyed(section: string, key: string): string {
  return `${section}[${JSON.stringify(key)}]`;
}

export function checkThresholds(value: unknown, issues: Issue[]): Record<string, string> {
  if (value === undefined) return {};
  if (!isRecord(value)) {
    issues.push(mustBe('thresholds', 'SCN_ERR_WRONG_TYPE', 'an object of dotted path → comparison', value));
    return {};
  }
  const entries = Object.entries(value);
  if (entries.length > LIMITS.thresholds) {
    const message = `must hold at most ${LIMITS.thresholds} thresholds, the limit (got ${entries.length})`;
    issues.push(issue('thresholds', 'SCN_ERR_TOO_LARGE', message));
    return {};
  }
  const out: Record<string, string> = {};
  for (const [key, comparison] of entries) {
    const path = keyed('thresholds', key);
    if (!isSafePath(key)) {
      const message = 'key must be a dotted path into summary.json such as "latency.auction.p99"';
      issues.push(issue(path, 'SCN_ERR_BAD_PATH', message));
      continue;
    }
    if (typeof comparison !== 'string' || !COMPARISON.test(comparison.trim())) {
      const expected = 'a comparison: <, <=, > or >= and a number, such as "<120"';
      issues.push(mustBe(path, 'SCN_ERR_BAD_FORMAT', expected, comparison));
      continue;
    }
    out[key] = comparison.trim();
  }
  return out;
}

/** The runs a sweep of `axes` makes with `repeats` seeds per cell: the product of the axes' lengths. */
export function sweepRuns(axes: readonly unknown[][], repeats: number): number {
  return axes.reduce((n, values) => n * values.length, repeats);
}

/** The issue for a sweep of more than LIMITS.sweepRuns runs, or undefined. */
export function sweepRunsIssue(axes: readonly unknown[][], repeats: number): Issue | undefined {
  const runs = sweepRuns(axes, repeats);
  if (runs <= LIMITS.sweepRuns) return undefined;
  const lengths = axes.map((a) => a.length).join(' × ');
  const message = `must make at most ${LIMITS.sweepRuns.toLocaleString('en-US')} runs, cells × repeats, the limit per process (got ${lengths} × ${repeats} = ${runs.toLocaleString('en-US')})`;
  return issue('sweep', 'SCN_ERR_TOO_LARGE', message);
}

/**
 * Checks the sweep. Its shape is always checked; each value is checked only against a clean `base`
 * (undefined when the rest of the scenario has issues), by applying it to a copy and validating that
 * copy with `validate`. Values are checked one axis at a time, not in every combination: a product of
 * axes can be large, and a combination that clashes is reported when that cell is built. A sweep of
 * more runs than LIMITS.sweepRuns (cells × `repeats`) is refused before any value is checked.
 */
export function checkSweep(
  value: unknown,
  base: Scenario | undefined,
  validate: (cell: unknown) => { ok: true } | { ok: false; issues: Issue[] },
  repeats: number,
  issues: Issue[],
): Record<string, unknown[]> | null {
  if (value === undefined || value === null) return null;
  if (!isRecord(value)) {
    issues.push(mustBe('sweep', 'SCN_ERR_WRONG_TYPE', 'an object of dotted path → array of values', value));
    return null;
  }
  const tooMany = sweepRunsIssue(Object.values(value).filter(Array.isArray), repeats);
  if (tooMany !== undefined) {
    issues.push(tooMany);
    return null;
  }
  const known = base === undefined ? [] : listPaths(base).filter((p) => p !== 'sweep');
  const out: Record<string, unknown[]> = {};
  for (const [key, values] of Object.entries(value)) {
    const path = keyed('sweep', key);
    if (!Array.isArray(values) || values.length === 0) {
      issues.push(notNonEmptyArray(path, 'values', values));
      continue;
    }
    if (!isSafePath(key)) {
      const message = 'key must be a dotted path into the scenario such as "auction.tmaxMs"';
      issues.push(issue(path, 'SCN_ERR_BAD_PATH', message));
      continue;
    }
    out[key] = values;
    const head = splitPath(key)?.[0];
    if (head === 'sweep' || head === 'repeats' || head === 'objective') {
      const what = head === 'sweep' ? 'itself' : `its own ${head}, which apply to every cell`;
      issues.push(issue(path, 'SCN_ERR_BAD_PATH', `a sweep cannot sweep ${what}`));
      continue;
    }
    if (base === undefined) continue;
    if (getPath(base, key) === undefined) {
      const guess = suggest(key, known);
      const hint = guess !== undefined ? ` (did you mean "${guess}"?)` : '';
      issues.push(issue(path, 'SCN_ERR_BAD_PATH', `no such field in the scenario${hint}`));
      continue;
    }
    const target = issuePath(key);
    values.forEach((v: unknown, j) => {
      const cell: Scenario = structuredClone({ ...base, sweep: null });
      setPath(cell, key, structuredClone(v));
      const result = validate(cell);
      if (result.ok) return;
      const at = `${path}[${j}]`;
      for (const inner of result.issues) {
        // Issues in the swept value are placed inside it (`sweep["bidders.0.latency"][1].model`);
        // a field elsewhere that the value upsets is named in the message. Each keeps its code.
        if (inner.path === target) issues.push(issue(at, inner.code, inner.message));
        else if (inner.path.startsWith(`${target}.`) || inner.path.startsWith(`${target}[`)) {
          issues.push(issue(`${at}${inner.path.slice(target.length)}`, inner.code, inner.message));
        } else issues.push(issue(at, inner.code, `${inner.path}: ${inner.message}`));
      }
    });
  }
  return out;
}
