// The flags that point a run at a bidder host someone else started (`npm run bidders`): --bidders,
// its ws:// address, and --token, the token that host asks for. Both are checked before anything is
// made or started, exit 2 naming the flag.

import { isExternal, validateScenario, type CheckOptions, type Scenario } from '../scenario/scenario.js';
import { fail } from './common.js';
import { EXIT } from './exit-codes.js';

/** The longest --bidders address taken. */
export const MAX_URL_CHARS = 2048;

/** Why `text` is no bidder host address (ws:// or wss://, a host, no query, fragment or credentials), or null. */
export function biddersUrlProblem(text: string): string | null {
  const expected = 'must be the ws:// or wss:// address of a bidder host, such as ws://127.0.0.1:9100';
  const shown = text.length > 80 ? `${text.slice(0, 80)}…` : text;
  if (text.length > MAX_URL_CHARS) return `${expected}, at most ${MAX_URL_CHARS} characters (got ${text.length})`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `${expected} (got "${shown}")`;
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') return `${expected} (got "${shown}")`;
  if (url.hostname === '') return `${expected}: no host (got "${shown}")`;
  // Each leaf's path is appended to it: a query or a fragment would swallow the path.
  if (url.search !== '' || url.hash !== '') return `${expected}, without a query or fragment (got "${shown}")`;
  if (url.username !== '' || url.password !== '') return `${expected}, without credentials (give --token instead)`;
  return null;
}

/** --bidders checked, or exit 2 naming it. */
export function checkBiddersUrl(text: string): string {
  const problem = biddersUrlProblem(text);
  if (problem !== null) fail(EXIT.badInput, `--bidders: ${problem}`);
  return text;
}

/**
 * The scenario with `token` on every simulated group (they share one bidder host, which checks one
 * token), validated as the scenario's own `token` field is; or exit 2 naming --token without echoing it.
 */
export function withLocalToken(scenario: Scenario, token: string, opts: CheckOptions = {}): Scenario {
  const raw = { ...scenario, bidders: scenario.bidders.map((g) => (isExternal(g) ? g : { ...g, token })) };
  const r = validateScenario(raw, undefined, opts);
  if (r.ok) return r.scenario;
  const first = r.issues.find((i) => i.path.endsWith('.token')) ?? r.issues[0];
  fail(EXIT.badInput, `--token: ${first?.message ?? 'invalid'}`);
}

/** `text` quoted for a POSIX shell when it needs to be. */
export function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
