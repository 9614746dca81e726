// Scenarios: the public face of the schema (schema.ts), its validation
// (validate.ts and the files it uses) and the file and command-line edges around them.

import { issue, type Issue } from '../../lib/issues.js';
import { placeJsonError } from './json-error.js';
import { applySettings, type Setting } from './settings.js';
import { checkScenario, type CheckOptions, type ScenarioResult } from './validate.js';
import { LIMITS } from './limits.js';
import type { Scenario } from './schema.js';
import { readTextUpTo } from './bounded-read.js';
import { traceFileIssues } from './trace-file.js';

export { DEFAULTS, isExternal } from './schema.js';
export type { AuctionSpec, BidderGroup, ExternalGroup, LoadSpec, LocalGroup, Scenario } from './schema.js';
export { expandLeaves, type Leaf } from './bidder-groups.js';
export type { CheckOptions, ScenarioResult } from './validate.js';
export { ISSUE_CODES, isIssueCode, type Issue, type IssueCode } from '../../lib/issues.js';
export { LIMITS, processLimitIssues } from './limits.js';

/**
 * Validates raw JSON and fills every default. `source`, the file it came from, names the root in
 * messages and gives the default `name` (the file's base name).
 */
export function validateScenario(raw: unknown, source?: string, opts: CheckOptions = {}): ScenarioResult {
  return checkScenario(raw, source, opts);
}

/** Reads, parses and validates a scenario file; an unreadable file or bad JSON is an Issue too. */
export function loadScenarioFile(path: string, opts: CheckOptions = {}): ScenarioResult {
  const read = readTextUpTo(path, LIMITS.fileBytes, '1 MiB');
  if (!read.ok) return { ok: false, issues: [issue(path, read.code, read.message)] };
  let text = read.text;
  // Editors on Windows may save a byte-order mark, which JSON.parse rejects.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    const place = placeJsonError(text, error);
    const message = `invalid JSON at line ${place.line}, column ${place.column}: ${place.reason}`;
    return { ok: false, issues: [issue(path, 'SCN_ERR_BAD_JSON', message)] };
  }
  const checked = checkScenario(raw, path, opts);
  if (!checked.ok) return checked;
  // The trace file, read and checked here, at the edge: validation itself stays pure.
  const traceIssues = traceFileIssues(checked.scenario);
  return traceIssues.length === 0 ? checked : { ok: false, issues: traceIssues };
}

/** What the command line may override (--seed, --mode, --rate, --duration, --tmax). */
export interface Overrides {
  seed?: number;
  mode?: 'live' | 'virtual';
  rate?: number;
  /** Replaces an `auctions` count too: the run then lasts this long. */
  durationSec?: number;
  tmaxMs?: number;
}

/**
 * A new scenario with the overrides applied, validated like the file (so `--tmax -5` reads
 * `auction.tmaxMs: must be a positive number (got -5)`). `s` is not changed.
 */
export function applyOverrides(s: Scenario, o: Overrides, opts: CheckOptions = {}): ScenarioResult {
  // The named flags are shorthands for --set of these paths: one mechanism writes and validates both.
  const settings: Setting[] = [];
  if (o.seed !== undefined) settings.push({ path: 'seed', value: o.seed });
  if (o.mode !== undefined) settings.push({ path: 'mode', value: o.mode });
  if (o.rate !== undefined) settings.push({ path: 'load.rate', value: o.rate });
  if (o.durationSec !== undefined)
    settings.push({ path: 'load.durationSec', value: o.durationSec }, { path: 'load.auctions', value: null });
  if (o.tmaxMs !== undefined) settings.push({ path: 'auction.tmaxMs', value: o.tmaxMs });
  return applySettings(s, settings, undefined, opts);
}

/** The most issues printed: past that, one line says how many more there were. */
export const MAX_ISSUES_SHOWN = 100;

/**
 * One `path: message [CODE]` per line, for the terminal: the code is what a script or a search can
 * match. At most MAX_ISSUES_SHOWN lines and a count of the rest, so no input floods the terminal.
 */
export function formatIssues(issues: readonly Issue[]): string {
  const lines = issues.slice(0, MAX_ISSUES_SHOWN).map((issue) => `${issue.path}: ${issue.message} [${issue.code}]`);
  const more = issues.length - MAX_ISSUES_SHOWN;
  if (more > 0) lines.push(`... and ${more} more issue(s)`);
  return lines.join('\n');
}
