// Every documented limit (LIMITS, docs/scenarios.md "Limits"), each found by validation before
// anything runs: its code and its path, and, for the inputs that used to hang, exhaust memory or
// overflow the stack (issue 15 items 2, 3 and 5), that refusing them is quick.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateLatencySpec } from '../../bidders/latency-validation.js';
import { MAX_ISSUES_SHOWN, formatIssues, LIMITS, processLimitIssues, validateScenario } from './scenario.js';
import { buildCells } from '../sweep/cells.js';
import { applySettings } from './settings.js';
import { listPaths } from './dotted-path.js';
import { codes, issues, lines, valid } from '../../../test/helpers/scenarios.js';

/** A mixture nested `depth` deep: each level one part of weight 1 that is the next level. */
function nestedMixture(depth: number): unknown {
  let spec: Record<string, unknown> = { model: 'constant', ms: 5 };
  for (let i = 0; i < depth; i++) spec = { model: 'mixture', of: [{ ...spec, weight: 1 }] };
  return spec;
}

/** Milliseconds a call takes: bounds here are orders of magnitude, far from what a loaded machine adds. */
function timed<T>(fn: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = fn();
  return { value, ms: performance.now() - start };
}

describe('timers: tmax and latencies (item 2)', () => {
  it('tmaxMs is at most LIMITS.tmaxMs, with a message that names the limit', () => {
    expect(codes({ auction: { tmaxMs: 1e9 } })).toEqual([{ path: 'auction.tmaxMs', code: 'SCN_ERR_OUT_OF_RANGE' }]);
    expect(lines({ auction: { tmaxMs: 3e9 } })).toEqual([`auction.tmaxMs: must be at most 10000 (got 3000000000)`]);
    expect(valid({ auction: { tmaxMs: LIMITS.tmaxMs } }).auction.tmaxMs).toBe(10_000);
    // Below the limit the rule reads as before.
    expect(lines({ auction: { tmaxMs: -5 } })).toEqual(['auction.tmaxMs: must be a positive number (got -5)']);
  });

  it('every millisecond field of a latency model is at most LIMITS.latencyMs', () => {
    const big = LIMITS.latencyMs + 1;
    expect(codes({ bidders: [{ name: 'a', latency: { model: 'constant', ms: big } }] })).toEqual([
      { path: 'bidders[0].latency.ms', code: 'SCN_ERR_OUT_OF_RANGE' },
    ]);
    expect(codes({ network: { model: 'lognormal', medianMs: 1, p99Ms: 1e12 } })).toEqual([
      { path: 'network.p99Ms', code: 'SCN_ERR_OUT_OF_RANGE' },
    ]);
    expect(codes({ bidders: [{ name: 'a', latency: { model: 'pareto', minMs: 1e10, alpha: 2 } }] })).toEqual([
      { path: 'bidders[0].latency.minMs', code: 'SCN_ERR_OUT_OF_RANGE' },
    ]);
    valid({ bidders: [{ name: 'a', latency: { model: 'uniform', minMs: 0, maxMs: LIMITS.latencyMs } }] });
  });
});

describe('work per process (item 3)', () => {
  it('rate, duration and auctions have limits, and rate × duration too', () => {
    expect(codes({ load: { rate: 1e9 } })).toEqual([{ path: 'load.rate', code: 'SCN_ERR_OUT_OF_RANGE' }]);
    expect(codes({ load: { rate: 0.0001 } })).toEqual([{ path: 'load.rate', code: 'SCN_ERR_OUT_OF_RANGE' }]);
    expect(codes({ load: { durationSec: 2e6 } })).toEqual([{ path: 'load.durationSec', code: 'SCN_ERR_OUT_OF_RANGE' }]);
    expect(codes({ load: { auctions: 2e12 } })).toEqual([{ path: 'load.auctions', code: 'SCN_ERR_OUT_OF_RANGE' }]);
    // Within the field's bound (what 10,000 segments may share), but more than one process runs.
    expect(codes({ load: { rate: 1000, auctions: 2e8 } })).toEqual([
      { path: 'load.auctions', code: 'SCN_ERR_TOO_LARGE' },
    ]);
    // Each within its own limit, but 100,000/s for 1,000,000 s is 10^11 auctions.
    expect(codes({ load: { rate: 100_000, durationSec: 1_000_000 }, bidders: [{ name: 'a' }] })).toEqual([
      { path: 'load.durationSec', code: 'SCN_ERR_TOO_LARGE' },
    ]);
    // A count at a slow rate is a run of auctions / rate seconds.
    expect(codes({ load: { rate: 0.01, auctions: 100_000, warmupSec: 0 } })).toEqual([
      { path: 'load.rate', code: 'SCN_ERR_TOO_LARGE' },
    ]);
    // A virtual run of 100,000 s at the baseline's rate stays possible (and stops on a signal).
    valid({ mode: 'virtual', load: { rate: 300, durationSec: 100_000 } });
  });

  it('leaves in all at most LIMITS.leaves: 10 groups of 10,000 are refused at once, not built', () => {
    const groups = Array.from({ length: 10 }, (_, i) => ({ name: `g${i}`, count: 10_000 }));
    const { value, ms } = timed(() => codes({ bidders: groups }));
    expect(value).toEqual([{ path: 'bidders', code: 'SCN_ERR_TOO_LARGE' }]);
    expect(ms).toBeLessThan(2000);
    valid({
      bidders: [
        { name: 'a', count: 6000 },
        { name: 'b', count: 4000 },
      ],
    });
  });

  it('a bidders array longer than the leaves allowed is one issue, not one per entry', () => {
    const bidders = Array.from({ length: 200_000 }, () => ({ nme: 'x' }));
    const { value, ms } = timed(() => codes({ bidders }));
    expect(value).toEqual([{ path: 'bidders', code: 'SCN_ERR_TOO_LARGE' }]);
    expect(ms).toBeLessThan(2000);
  });

  it('requests in flight at once (rate × tmax × leaves) at most LIMITS.inFlightRequests', () => {
    const raw = {
      load: { rate: 50_000, durationSec: 2 },
      auction: { tmaxMs: 1000 },
      bidders: [{ name: 'a', count: 100 }],
    };
    expect(codes(raw)).toEqual([{ path: 'load.rate', code: 'SCN_ERR_TOO_LARGE' }]);
    expect(lines(raw)[0]).toContain('(got 5,000,000: lower the rate, tmaxMs or the leaves, or run more segments)');
    valid({ ...raw, load: { rate: 10_000, durationSec: 2 } });
  });

  it('checks one segment of a run as one process runs it: its share passes where the whole does not', () => {
    const whole = {
      load: { rate: 80_000, durationSec: 3000 },
      auction: { tmaxMs: 1000 },
      bidders: [{ name: 'a', count: 50 }],
    };
    expect(codes(whole).map((c) => c.path)).toEqual(['load.durationSec', 'load.rate']);
    // 240,000,000 auctions and 4,000,000 requests in flight: a quarter of each is within one process.
    expect(validateScenario(whole, undefined, { segments: 4 }).ok).toBe(true);
    const half = validateScenario(whole, undefined, { segments: 2 });
    expect(half.ok).toBe(false);
    if (!half.ok) expect(half.issues[0]!.message).toContain('(got 120,000,000 for one segment of 2');
    expect(codes({ ...whole, load: { rate: 80_000, auctions: 240_000_000 } }).map((c) => c.path)).toContain(
      'load.auctions',
    );
    expect(
      validateScenario({ ...whole, load: { rate: 80_000, auctions: 240_000_000 } }, undefined, { segments: 4 }).ok,
    ).toBe(true);
  });

  it('holds a segmented run to the auctions every segment draws: LIMITS.runAuctions', () => {
    // 2,000,000,000 auctions: 20,000,000 a segment of 100, but each segment draws all of them.
    const r = validateScenario({ load: { rate: 100_000, durationSec: 20_000 } }, undefined, { segments: 100 });
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.issues.map((i) => [i.path, i.message])).toContainEqual([
        'load.durationSec',
        'rate × durationSec must be at most 1,000,000,000 auctions in a segmented run, whose every segment draws all of them (got 2,000,000,000)',
      ]);
    expect(validateScenario({ load: { rate: 100_000, durationSec: 10_000 } }, undefined, { segments: 100 }).ok).toBe(
      true,
    );
  });

  it("skips only the exchange's limits for what runs no auction: the leaves and their queues still bind", () => {
    const big = {
      load: { rate: 80_000, durationSec: 3000 },
      auction: { tmaxMs: 1000 },
      bidders: [{ name: 'a', count: 50 }],
    };
    expect(validateScenario(big, undefined, { exchange: false }).ok).toBe(true);
    // A bidder host holds these itself: 12,000 leaves, or 20 × 100,000 requests waiting.
    for (const bidders of [
      [
        { name: 'a', count: 6000 },
        { name: 'b', count: 6000 },
      ],
      [{ name: 'q', count: 20, capacity: { concurrency: 1, queue: 100_000 } }],
    ]) {
      const r = validateScenario({ bidders }, undefined, { exchange: false });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.issues.map((i) => [i.path, i.code])).toEqual([['bidders', 'SCN_ERR_TOO_LARGE']]);
    }
  });

  it('holds the requests in flight to the bidder hosts every --processes segment shares', () => {
    // 4,000,000 in flight: a quarter in each of 4 segments, but one host holds all of them.
    const live = {
      mode: 'live',
      load: { rate: 80_000, durationSec: 10 },
      auction: { tmaxMs: 1000 },
      bidders: [{ name: 'a', count: 50 }],
    };
    expect(validateScenario(live, undefined, { segments: 4 }).ok).toBe(true);
    const one = validateScenario(live, undefined, { segments: 4, hosts: 1 });
    expect(one.ok).toBe(false);
    if (!one.ok) expect(one.issues[0]!.message).toContain('(got 4,000,000 for one segment of 4');
    expect(validateScenario(live, undefined, { segments: 4, hosts: 2 }).ok).toBe(true);
  });

  it('checks a virtual segment that simulates the whole run against the whole', () => {
    // A capacity queue is state shared across auctions: each virtual segment simulates every arrival.
    const busy = {
      mode: 'virtual',
      load: { rate: 80_000, durationSec: 2000 },
      bidders: [{ name: 'a', count: 2, capacity: { concurrency: 4, queue: 4 } }],
    };
    expect(validateScenario(busy, undefined, { segments: 4 }).ok).toBe(false);
    expect(validateScenario({ ...busy, mode: 'live' }, undefined, { segments: 4 }).ok).toBe(true);
    const s = valid({ ...busy, load: { rate: 10_000, durationSec: 2000 } });
    expect(processLimitIssues(s, { segments: 4 })).toEqual([]);
  });

  it('thresholds at most LIMITS.thresholds: two hundred thousand are one issue, found at once', () => {
    const thresholds = Object.fromEntries(Array.from({ length: 200_000 }, (_, i) => [`x.m${i}`, '<1']));
    const { value, ms } = timed(() => codes({ thresholds }));
    expect(value).toEqual([{ path: 'thresholds', code: 'SCN_ERR_TOO_LARGE' }]);
    expect(ms).toBeLessThan(5000);
  });

  it('a sweep of 7 axes × 10 values is refused before one value is checked or one cell made', () => {
    const values = Array.from({ length: 10 }, (_, i) => 50 + i);
    const sweep = Object.fromEntries(
      [
        'auction.tmaxMs',
        'auction.floor',
        'auction.increment',
        'auction.maxPrice',
        'seed',
        'load.rate',
        'load.warmupSec',
      ].map((path) => [path, values]),
    );
    const { value, ms } = timed(() => codes({ sweep }));
    expect(value).toEqual([{ path: 'sweep', code: 'SCN_ERR_TOO_LARGE' }]);
    expect(ms).toBeLessThan(1000);
    // Runs are cells × repeats: 200 cells pass with one repeat, not with the file's 100; and a sweep's
    // cells are counted again with the repeats it will run (--repeats included).
    const two = { 'auction.tmaxMs': values, 'auction.floor': [...values, ...values].map((v) => v / 100) };
    expect(codes({ sweep: two, repeats: 100 })).toEqual([{ path: 'sweep', code: 'SCN_ERR_TOO_LARGE' }]);
    const base = valid({ mode: 'virtual', sweep: two });
    const built = buildCells(base, 'virtual', 100);
    expect(built.ok ? [] : built.issues.map((i) => i.code)).toEqual(['SCN_ERR_TOO_LARGE']);
    const ok = buildCells(base, 'virtual', 3);
    expect(ok.ok && ok.cells.length).toBe(200);
  });
});

describe('echoes cut short (item 3)', () => {
  it('a huge unknown key or threshold key is named, not echoed whole', () => {
    const key = 'k'.repeat(5_000_000);
    for (const raw of [{ [key]: 1 }, { load: { [key]: 1 } }, { thresholds: { [key]: 'x' } }]) {
      const text = formatIssues(issues(raw));
      expect(text.length).toBeLessThan(2000);
      expect(text).toMatch(/… \(50000\d\d characters\)/);
    }
  });

  it('prints at most MAX_ISSUES_SHOWN issues and counts the rest', () => {
    const raw = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`bad${i}`, 1]));
    const text = formatIssues(issues(raw));
    expect(text.split('\n')).toHaveLength(MAX_ISSUES_SHOWN + 1);
    expect(text).toContain(`... and ${5000 - MAX_ISSUES_SHOWN} more issue(s)`);
  });
});

describe('deep input (item 5)', () => {
  it('any value nested 10,000 deep is one issue at the place it passes the limit', () => {
    const deep = JSON.parse(`${'['.repeat(10_000)}${']'.repeat(10_000)}`) as unknown;
    for (const raw of [{ network: deep }, { thresholds: { a: deep } }, { sweep: { seed: deep } }, { zzz: deep }]) {
      const found = codes(raw);
      expect(found).toHaveLength(1);
      expect(found[0]!.code).toBe('SCN_ERR_TOO_LARGE');
    }
    expect(codes({ network: deep })[0]!.path).toBe(`network${'[0]'.repeat(LIMITS.depth - 1)}`);
  });

  it('a --set value nested 10,000 deep is refused before it is copied', () => {
    const deep = JSON.parse(`${'['.repeat(10_000)}${']'.repeat(10_000)}`) as unknown;
    const r = applySettings(valid({}), [{ path: 'network', value: deep }]);
    expect(r.ok ? [] : r.issues.map((i) => i.code)).toEqual(['SCN_ERR_TOO_LARGE']);
  });

  it('mixtures nest at most LIMITS.mixtureDepth deep, checked before the next level is read', () => {
    expect(validateLatencySpec(nestedMixture(LIMITS.mixtureDepth), 'latency')).toEqual([]);
    const over = validateLatencySpec(nestedMixture(LIMITS.mixtureDepth + 1), 'latency');
    const at = `latency${'.of[0]'.repeat(LIMITS.mixtureDepth - 1)}.of`;
    expect(over.map(({ path, code }) => ({ path, code }))).toEqual([{ path: at, code: 'SCN_ERR_TOO_LARGE' }]);
    // 1,000 deep: one issue, no stack overflow.
    expect(validateLatencySpec(nestedMixture(1000), 'latency').map((i) => i.code)).toEqual(['SCN_ERR_TOO_LARGE']);
    expect(codes({ bidders: [{ name: 'a', latency: nestedMixture(1000) }] }).map((i) => i.code)).toEqual([
      'SCN_ERR_TOO_LARGE',
    ]);
  });

  it('lists the paths of a value with hundreds of thousands of them, without recursion', () => {
    const wide = { bidders: Object.fromEntries(Array.from({ length: 300_000 }, (_, i) => [`l${i}`, { a: { b: 1 } }])) };
    const paths = listPaths(wide);
    expect(paths).toHaveLength(1 + 300_000 * 3);
    expect(paths.slice(0, 5)).toEqual(['bidders', 'bidders.l0', 'bidders.l0.a', 'bidders.l0.a.b', 'bidders.l1']);
  });
});

describe('the Limits section of docs/scenarios.md', () => {
  it('gives every limit with its value', () => {
    const doc = readFileSync(new URL('../../../docs/scenarios.md', import.meta.url), 'utf8');
    const section = doc.slice(doc.indexOf('## Limits'), doc.indexOf('\n## ', doc.indexOf('## Limits') + 1));
    const rows = section.split('\n').filter((line) => line.startsWith('| '));
    for (const [name, value] of Object.entries(LIMITS)) {
      const shown = value.toLocaleString('en-US');
      // Each value appears as a whole number in a row of the table (1,048,576 bytes, 10,000 ms, ...).
      const found = rows.some((row) => new RegExp(`(^|[^\\d,.])${shown}([^\\d,]|$)`).test(row));
      expect(found, `${name} = ${shown}`).toBe(true);
    }
  });
});
