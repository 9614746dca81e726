// `--set path=value`: any scenario field overridden from the command line by the dotted path a sweep
// axis would name (`auction.tmaxMs`, `bidders.0.count`, `bidders.0.latency`). Pure: the text is parsed
// into a path and a value, the value written into a copy, and the copy validated like a file.

import { issue, suggest, type Issue } from '../../lib/issues.js';
import { getPath, isSafePath, listPaths, setPath, splitPath } from './dotted-path.js';
import { LIMITS, tooDeepAt, tooDeepIssue } from './limits.js';
import type { Scenario } from './schema.js';
import { checkScenario, type CheckOptions, type ScenarioResult } from './validate.js';

export interface Setting {
  path: string;
  value: unknown;
}

/** The longest `--set` text taken, a bound on what the command line can hand the parser. */
export const MAX_SETTING_CHARS = 64 * 1024;

/**
 * `path=value`, the value read as JSON where it is JSON (`16`, `true`, `null`, `{"model":"constant","ms":5}`,
 * `"quoted"`) and as the text itself otherwise (`second-price`), so strings need no quotes.
 */
export function parseSetting(text: string): Setting | Issue {
  const at = `--set ${text.length > 60 ? `${text.slice(0, 60)}…` : text}`;
  if (text.length > MAX_SETTING_CHARS)
    return issue(at, 'SCN_ERR_OUT_OF_RANGE', `must be at most ${MAX_SETTING_CHARS} characters (got ${text.length})`);
  const eq = text.indexOf('=');
  if (eq <= 0) return issue(at, 'SCN_ERR_BAD_FORMAT', 'must be path=value, such as auction.tmaxMs=80');
  const path = text.slice(0, eq).trim();
  const raw = text.slice(eq + 1);
  let value: unknown = raw;
  try {
    value = JSON.parse(raw);
  } catch {
    // Not JSON: the text itself is the value.
  }
  return { path, value };
}

/**
 * A new scenario with every setting applied in order and validated like the file. A path must name a
 * field the scenario has (defaults filled in), as a sweep axis must: an optional field it leaves out
 * (a group's token, hostile) and a threshold (whose key has dots) are set whole, through their parent
 * (`bidders.0={...}`, `thresholds={"rates.timeout":"<0.05"}`). `s` is not changed. `source`, the
 * scenario file, is where a latency file a value names is read from (else the working directory).
 */
export function applySettings(
  s: Scenario,
  settings: readonly Setting[],
  source?: string,
  opts: CheckOptions = {},
): ScenarioResult {
  const next = structuredClone(s);
  const issues: Issue[] = [];
  // Sweep and threshold keys hold dots of their own, so their paths are no suggestion.
  const known = listPaths(s).filter((p) => !/^(sweep|thresholds)(\.|$)/.test(p));
  for (const { path, value } of settings) {
    const at = `--set ${path}`;
    const deep = tooDeepAt(value, LIMITS.depth, at);
    if (deep !== undefined) {
      // Refused before it is cloned: a value nested thousands deep would overflow the clone.
      issues.push(tooDeepIssue(deep));
    } else if (!isSafePath(path)) {
      issues.push(issue(at, 'SCN_ERR_BAD_PATH', 'must be a dotted path into the scenario such as auction.tmaxMs'));
    } else if (splitPath(path)?.[0] === 'sweep') {
      issues.push(issue(at, 'SCN_ERR_BAD_PATH', 'the sweep is set in the scenario file, not from the command line'));
    } else if (getPath(next, path) === undefined) {
      const guess = suggest(path, known);
      issues.push(
        issue(
          at,
          'SCN_ERR_BAD_PATH',
          `no such field in the scenario${guess === undefined ? '' : ` (did you mean "${guess}"?)`}`,
        ),
      );
    } else {
      setPath(next, path, structuredClone(value));
    }
  }
  if (issues.length > 0) return { ok: false, issues };
  return checkScenario(next, source, opts);
}
