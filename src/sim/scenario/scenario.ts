// Scenarios: the public face of the schema (schema.ts), its validation
// (validate.ts and the files it uses) and the file and command-line edges around them.

import { readFileSync } from 'node:fs';
import { issue, type Issue } from '../../lib/issues.js';
import { placeJsonError } from './json-error.js';
import { applySettings, type Setting } from './settings.js';
import { checkScenario, type ScenarioResult } from './validate.js';
import type { Scenario } from './schema.js';

export { DEFAULTS, isExternal } from './schema.js';
export type { AuctionSpec, BidderGroup, ExternalGroup, LoadSpec, LocalGroup, Scenario } from './schema.js';
export { expandLeaves, type Leaf } from './bidder-groups.js';
export type { ScenarioResult } from './validate.js';
export { ISSUE_CODES, isIssueCode, type Issue, type IssueCode } from '../../lib/issues.js';

/**
 * Validates raw JSON and fills every default. `source`, the file it came from, names the root in
 * messages and gives the default `name` (the file's base name).
 */
export function validateScenario(raw: unknown, source?: string): ScenarioResult {
  return checkScenario(raw, source);
}

/** Reads, parses and validates a scenario file; an unreadable file or bad JSON is an Issue too. */
export function loadScenarioFile(path: string): ScenarioResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT' ? 'no such file' : `cannot read the file (${code ?? (error as Error).message})`;
    return { ok: false, issues: [issue(path, 'SCN_ERR_NO_FILE', message)] };
  }
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
  return checkScenario(raw, path);
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
export function applyOverrides(s: Scenario, o: Overrides): ScenarioResult {
  // The named flags are shorthands for --set of these paths: one mechanism writes and validates both.
  const settings: Setting[] = [];
  if (o.seed !== undefined) settings.push({ path: 'seed', value: o.seed });
  if (o.mode !== undefined) settings.push({ path: 'mode', value: o.mode });
  if (o.rate !== undefined) settings.push({ path: 'load.rate', value: o.rate });
  if (o.durationSec !== undefined)
    settings.push({ path: 'load.durationSec', value: o.durationSec }, { path: 'load.auctions', value: null });
  if (o.tmaxMs !== undefined) settings.push({ path: 'auction.tmaxMs', value: o.tmaxMs });
  return applySettings(s, settings);
}

/** One `path: message [CODE]` per line, for the terminal: the code is what a script or a search can match. */
export function formatIssues(issues: readonly Issue[]): string {
  return issues.map((issue) => `${issue.path}: ${issue.message} [${issue.code}]`).join('\n');
}
