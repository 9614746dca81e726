// The code table against the validators: every code in ISSUE_CODES is made by some bad input, each
// bad input below gives exactly the one issue expected (its path and its code), and nothing makes a
// code outside the table. A code nobody makes, or one given to the wrong kind of mistake, fails here.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { thresholdPathIssues } from '../metrics/thresholds.js';
import {
  ISSUE_CODES,
  isIssueCode,
  loadScenarioFile,
  validateScenario,
  type Issue,
  type IssueCode,
  LIMITS,
} from './scenario.js';

const dir = mkdtempSync(join(tmpdir(), 'issue-codes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function scenario(raw: unknown): Issue[] {
  const r = validateScenario(raw);
  return r.ok ? [] : r.issues;
}

function file(name: string, text: string | undefined): Issue[] {
  const path = join(dir, name);
  if (text !== undefined) writeFileSync(path, text);
  const r = loadScenarioFile(path);
  return r.ok ? [] : r.issues;
}

function thresholdPaths(thresholds: Record<string, string>): Issue[] {
  const r = validateScenario({ thresholds });
  if (!r.ok) throw new Error('expected a valid scenario');
  return thresholdPathIssues(r.scenario);
}

interface Case {
  name: string;
  issues: () => Issue[];
  path: string;
  code: IssueCode;
}

const lognormal = (medianMs: number, p99Ms: number): unknown => ({ model: 'lognormal', medianMs, p99Ms });

/** Bad inputs that each make exactly one issue. */
const CASES: Case[] = [
  {
    name: 'a misspelt key',
    issues: () => scenario({ auction: { tmax: 5 } }),
    path: 'auction.tmax',
    code: 'SCN_ERR_UNKNOWN_KEY',
  },
  {
    name: 'a key of another latency model',
    issues: () => scenario({ network: { model: 'constant', ms: 1, meanMs: 1 } }),
    path: 'network.meanMs',
    code: 'SCN_ERR_UNKNOWN_KEY',
  },
  {
    name: 'a group without a name',
    issues: () => scenario({ bidders: [{ count: 2 }] }),
    path: 'bidders[0].name',
    code: 'SCN_ERR_MISSING',
  },
  {
    name: 'a mixture without parts',
    issues: () => scenario({ network: { model: 'mixture' } }),
    path: 'network.of',
    code: 'SCN_ERR_MISSING',
  },
  { name: 'a root that is a number', issues: () => scenario(5), path: 'scenario', code: 'SCN_ERR_WRONG_TYPE' },
  {
    name: 'a section that is an array',
    issues: () => scenario({ load: [] }),
    path: 'load',
    code: 'SCN_ERR_WRONG_TYPE',
  },
  {
    name: 'a latency model that is a number',
    issues: () => scenario({ bidders: [{ name: 'a', latency: 20 }] }),
    path: 'bidders[0].latency',
    code: 'SCN_ERR_WRONG_TYPE',
  },
  { name: 'no bidder groups', issues: () => scenario({ bidders: [] }), path: 'bidders', code: 'SCN_ERR_EMPTY' },
  {
    name: 'a sweep axis without values',
    issues: () => scenario({ sweep: { seed: [] } }),
    path: 'sweep["seed"]',
    code: 'SCN_ERR_EMPTY',
  },
  { name: 'a seed in quotes', issues: () => scenario({ seed: '1' }), path: 'seed', code: 'SCN_ERR_NOT_A_NUMBER' },
  {
    name: 'a null rate',
    issues: () => scenario({ load: { rate: null } }),
    path: 'load.rate',
    code: 'SCN_ERR_NOT_A_NUMBER',
  },
  {
    name: 'a fraction of an impression',
    issues: () => scenario({ auction: { impressions: 1.5 } }),
    path: 'auction.impressions',
    code: 'SCN_ERR_NOT_AN_INTEGER',
  },
  {
    name: 'too many impressions',
    issues: () => scenario({ auction: { impressions: 101 } }),
    path: 'auction.impressions',
    code: 'SCN_ERR_OUT_OF_RANGE',
  },
  {
    name: 'a bid rate above 1',
    issues: () => scenario({ bidders: [{ name: 'a', bid: { rate: 1.5 } }] }),
    path: 'bidders[0].bid.rate',
    code: 'SCN_ERR_OUT_OF_RANGE',
  },
  {
    name: 'an unknown arrival process',
    issues: () => scenario({ load: { arrival: 'burst' } }),
    path: 'load.arrival',
    code: 'SCN_ERR_NOT_ONE_OF',
  },
  { name: 'a name with a slash', issues: () => scenario({ name: 'a/b' }), path: 'name', code: 'SCN_ERR_BAD_FORMAT' },
  {
    name: 'an ftp URL',
    issues: () => scenario({ bidders: [{ name: 'p', url: 'ftp://h/p' }] }),
    path: 'bidders[0].url',
    code: 'SCN_ERR_BAD_FORMAT',
  },
  {
    name: 'a threshold without an operator',
    issues: () => scenario({ thresholds: { 'latency.auction.p99': '120' } }),
    path: 'thresholds["latency.auction.p99"]',
    code: 'SCN_ERR_BAD_FORMAT',
  },
  {
    name: 'a maxPrice below the floor',
    issues: () => scenario({ auction: { floor: 2, maxPrice: 1 } }),
    path: 'auction.maxPrice',
    code: 'SCN_ERR_ORDER',
  },
  {
    name: 'a p99Ms below medianMs',
    issues: () => scenario({ network: lognormal(20, 10) }),
    path: 'network.p99Ms',
    code: 'SCN_ERR_ORDER',
  },
  {
    name: 'fault shares above 1',
    issues: () => scenario({ bidders: [{ name: 'a', faults: { timeout: 0.6, malformed: 0.6 } }] }),
    path: 'bidders[0].faults',
    code: 'SCN_ERR_BAD_SUM',
  },
  {
    name: 'mixture weights short of 1',
    issues: () =>
      scenario({
        network: {
          model: 'mixture',
          of: [
            { weight: 0.5, model: 'constant', ms: 1 },
            { weight: 0.4, model: 'constant', ms: 2 },
          ],
        },
      }),
    path: 'network.of',
    code: 'SCN_ERR_BAD_SUM',
  },
  {
    name: 'a duration and a count',
    issues: () => scenario({ load: { durationSec: 5, auctions: 10 } }),
    path: 'load.auctions',
    code: 'SCN_ERR_CONFLICT',
  },
  {
    name: 'a hostile bidder in virtual mode',
    issues: () => scenario({ mode: 'virtual', bidders: [{ name: 'h', hostile: { mode: 'flood' } }] }),
    path: 'bidders[0].hostile',
    code: 'SCN_ERR_CONFLICT',
  },
  {
    name: 'two group names alike',
    issues: () => scenario({ bidders: [{ name: 'a' }, { name: 'a' }] }),
    path: 'bidders[1].name',
    code: 'SCN_ERR_DUPLICATE',
  },
  {
    name: 'a threshold key with an empty segment',
    issues: () => scenario({ thresholds: { 'rates..fill': '<1' } }),
    path: 'thresholds["rates..fill"]',
    code: 'SCN_ERR_BAD_PATH',
  },
  {
    name: 'a sweep of a field that is not there',
    issues: () => scenario({ sweep: { 'auction.tmax': [1] } }),
    path: 'sweep["auction.tmax"]',
    code: 'SCN_ERR_BAD_PATH',
  },
  {
    name: 'a threshold that names no number in the summary',
    issues: () => thresholdPaths({ 'latency.nope': '<1' }),
    path: 'thresholds["latency.nope"]',
    code: 'SCN_ERR_BAD_PATH',
  },
  {
    name: 'a file cut short',
    issues: () => file('cut.json', '{"seed": 1'),
    path: join(dir, 'cut.json'),
    code: 'SCN_ERR_BAD_JSON',
  },
  {
    name: 'a file that is not there',
    issues: () => file('absent.json', undefined),
    path: join(dir, 'absent.json'),
    code: 'SCN_ERR_NO_FILE',
  },
  {
    name: 'a file past the size limit',
    issues: () => file('huge.json', `{"name": "${'x'.repeat(LIMITS.fileBytes)}"}`),
    path: join(dir, 'huge.json'),
    code: 'SCN_ERR_TOO_LARGE',
  },
  {
    name: 'a value nested past the depth limit',
    issues: () => scenario({ network: JSON.parse(`${'['.repeat(100)}${']'.repeat(100)}`) as unknown }),
    path: `network${'[0]'.repeat(LIMITS.depth - 1)}`,
    code: 'SCN_ERR_TOO_LARGE',
  },
  {
    name: 'more leaves in all than one process runs',
    issues: () =>
      scenario({
        bidders: [
          { name: 'a', count: 6000 },
          { name: 'b', count: 6000 },
        ],
      }),
    path: 'bidders',
    code: 'SCN_ERR_TOO_LARGE',
  },
  {
    name: 'a tmax past its limit',
    issues: () => scenario({ auction: { tmaxMs: 1e9 } }),
    path: 'auction.tmaxMs',
    code: 'SCN_ERR_OUT_OF_RANGE',
  },
  {
    name: 'a malformed line of a latency file the scenario names',
    issues: () => {
      writeFileSync(join(dir, 'bad.csv'), '12\nfast\n');
      return file(
        'samples.json',
        JSON.stringify({ bidders: [{ name: 'a', latency: { model: 'samples', file: 'bad.csv' } }] }),
      );
    },
    path: 'bidders[0].latency.file',
    code: 'SCN_ERR_BAD_LINE',
  },
  {
    name: 'a swept value keeps the code of what it breaks',
    issues: () => scenario({ sweep: { 'auction.tmaxMs': [3] } }),
    path: 'sweep["auction.tmaxMs"][0]',
    code: 'SCN_ERR_ORDER',
  },
];

describe('issue codes', () => {
  it.each(CASES)('$name: $code at $path', ({ issues, path, code }) => {
    expect(issues().map((i) => ({ path: i.path, code: i.code }))).toEqual([{ path, code }]);
  });

  it.each(Object.keys(ISSUE_CODES))('%s is made by at least one bad input', (code) => {
    const seen = new Set(CASES.flatMap((c) => c.issues().map((i) => i.code)));
    expect(seen.has(code as IssueCode)).toBe(true);
  });

  it('makes no code outside the table', () => {
    for (const c of CASES) for (const i of c.issues()) expect(isIssueCode(i.code), i.code).toBe(true);
    expect(isIssueCode('SCN_ERR_NOPE')).toBe(false);
    expect(isIssueCode('toString')).toBe(false);
  });

  it('names each code in one style, with a one-line meaning', () => {
    for (const [code, meaning] of Object.entries(ISSUE_CODES)) {
      expect(code).toMatch(/^SCN_ERR_[A-Z]+(_[A-Z]+)*$/);
      expect(meaning.length).toBeGreaterThan(10);
      expect(meaning).not.toMatch(/\n/);
    }
  });
});
