import { describe, expect, it } from 'vitest';
import {
  DEFAULTS,
  applyOverrides,
  formatIssues,
  validateScenario,
  type Issue,
  type LocalGroup,
  type Scenario,
} from './scenario.js';

function valid(raw: unknown, source?: string): Scenario {
  const r = validateScenario(raw, source);
  if (!r.ok) throw new Error(`expected a valid scenario, got:\n${formatIssues(r.issues)}`);
  return r.scenario;
}

function issues(raw: unknown): Issue[] {
  const r = validateScenario(raw);
  if (r.ok) throw new Error('expected issues, got a valid scenario');
  return r.issues;
}

/** The issues as `path: message` lines, the way users see them. */
function lines(raw: unknown): string[] {
  return formatIssues(issues(raw)).split('\n');
}

describe('defaults', () => {
  it('fills every default into a three-line scenario', () => {
    const s = valid({ name: 'baseline', seed: 7 });
    expect(s).toEqual({
      name: 'baseline',
      seed: 7,
      mode: 'live',
      load: { arrival: 'poisson', rate: 200, durationSec: 5, auctions: null, warmupSec: 1 },
      auction: {
        type: 'first-price',
        tmaxMs: 100,
        allowanceMs: 5,
        minBidderMs: 10,
        floor: 0.1,
        impressions: 1,
        increment: 0.01,
        maxPrice: 1000,
        maxPayloadBytes: 65536,
      },
      bidders: [
        {
          name: 'dsp',
          count: 4,
          latency: { model: 'lognormal', medianMs: 20, p99Ms: 60 },
          bid: { rate: 0.9, price: { model: 'uniform', min: 0.5, max: 3 }, shade: 1 },
          faults: { timeout: 0, malformed: 0, disconnect: 0 },
        },
      ],
      thresholds: {},
      sweep: null,
      network: { model: 'constant', ms: 0.2 },
    });
  });

  it('accepts the full example from the design', () => {
    const s = valid({
      name: 'baseline',
      seed: 1,
      mode: 'live',
      load: { arrival: 'poisson', rate: 500, durationSec: 10, warmupSec: 1 },
      auction: { type: 'first-price', tmaxMs: 100, allowanceMs: 5, floor: 0.1, impressions: 1, increment: 0.01 },
      bidders: [
        {
          name: 'dsp-fast',
          count: 4,
          latency: { model: 'lognormal', medianMs: 20, p99Ms: 60 },
          bid: { rate: 0.9, price: { model: 'uniform', min: 0.5, max: 3 }, shade: 1 },
          faults: { timeout: 0.01, malformed: 0, disconnect: 0 },
        },
        { name: 'partner', url: 'ws://127.0.0.1:9100/partner' },
      ],
      thresholds: { 'latency.auction.p99': '<120', 'rates.timeout': '<0.05' },
      sweep: { 'auction.tmaxMs': [50, 100, 150], 'bidders.0.count': [2, 8, 32] },
    });
    expect(s.bidders[1]).toEqual({ name: 'partner', url: 'ws://127.0.0.1:9100/partner' });
    expect(s.sweep).toEqual({ 'auction.tmaxMs': [50, 100, 150], 'bidders.0.count': [2, 8, 32] });
  });

  it('fills a partial bidder group from the group defaults, not the default bidders', () => {
    const s = valid({ bidders: [{ name: 'x', bid: { rate: 0.5 }, faults: { timeout: 0.1 } }] });
    expect(s.bidders[0]).toEqual({
      name: 'x',
      count: 1,
      latency: DEFAULTS.group.latency,
      bid: { rate: 0.5, price: { model: 'uniform', min: 0.5, max: 3 }, shade: 1 },
      faults: { timeout: 0.1, malformed: 0, disconnect: 0 },
    });
  });

  it('names the scenario after its file when the file gives no name, made folder-safe', () => {
    expect(valid({}, 'scenarios/tail test.json').name).toBe('tail-test');
    expect(valid({}).name).toBe('scenario');
  });

  it('keeps an auctions count without inventing a duration', () => {
    expect(valid({ load: { auctions: 1000 } }).load).toMatchObject({ durationSec: null, auctions: 1000 });
  });

  it('shares no objects with DEFAULTS or the input, and DEFAULTS is frozen', () => {
    const raw = { bidders: [{ name: 'x', latency: { model: 'constant', ms: 3 } }] };
    const s = valid(raw);
    (s.bidders[0] as LocalGroup).latency = { model: 'constant', ms: 9 };
    (s.auction as { tmaxMs: number }).tmaxMs = 1;
    expect(raw.bidders[0]?.latency).toEqual({ model: 'constant', ms: 3 });
    expect(DEFAULTS.auction.tmaxMs).toBe(100);
    expect(Object.isFrozen(DEFAULTS.group.latency)).toBe(true);
  });
});

describe('validation messages', () => {
  it('names a negative tmaxMs', () => {
    expect(lines({ auction: { tmaxMs: -5 } })).toEqual(['auction.tmaxMs: must be a positive number (got -5)']);
  });

  it('suggests the model meant by a misspelt latency model', () => {
    const [line] = lines({
      bidders: [{ name: 'a' }, { name: 'b', latency: { model: 'lognormall', medianMs: 20, p99Ms: 60 } }],
    });
    expect(line).toMatch(
      /^bidders\[1\]\.latency\.model: must be one of .*lognormal.* \(got "lognormall"; did you mean "lognormal"\?\)$/,
    );
  });

  it('names a p99Ms below medianMs', () => {
    expect(
      lines({ bidders: [{ name: 'a' }, { name: 'b', latency: { model: 'lognormal', medianMs: 20, p99Ms: 10 } }] }),
    ).toEqual(['bidders[1].latency.p99Ms: must be greater than medianMs (20)']);
  });

  it('reports unknown keys at every level, at their own path, with a did-you-mean', () => {
    expect(
      lines({
        nam: 'x',
        load: { rat: 5 },
        auction: { tmaxMS: 5 },
        bidders: [
          {
            name: 'a',
            cont: 2,
            bid: { shde: 1 },
            faults: { timeuot: 0 },
            latency: { model: 'constant', ms: 1, mz: 2 },
          },
        ],
      }),
    ).toEqual([
      'nam: unknown key (did you mean "name"?)',
      'load.rat: unknown key (did you mean "rate"?)',
      'auction.tmaxMS: unknown key (did you mean "tmaxMs"?)',
      'bidders[0].cont: unknown key (did you mean "count"?)',
      'bidders[0].latency.mz: unknown key (did you mean "ms"?)',
      'bidders[0].bid.shde: unknown key (did you mean "shade"?)',
      'bidders[0].faults.timeuot: unknown key (did you mean "timeout"?)',
    ]);
  });

  it('lists the known keys when nothing is close', () => {
    expect(lines({ load: { zzzzzz: 1 } })).toEqual([
      'load.zzzzzz: unknown key (expected one of arrival, rate, durationSec, auctions, warmupSec)',
    ]);
  });

  it('collects every issue instead of stopping at the first', () => {
    expect(
      issues({ seed: 1.5, mode: 'vitual', load: { arrival: 'burst', rate: 0 }, auction: { type: 'vickrey' } }).map(
        (i) => i.path,
      ),
    ).toEqual(['seed', 'mode', 'load.arrival', 'load.rate', 'auction.type']);
  });

  it('words enums with their options and a did-you-mean', () => {
    expect(lines({ mode: 'vitual' })).toEqual([
      'mode: must be one of live, virtual (got "vitual"; did you mean "virtual"?)',
    ]);
    expect(lines({ auction: { type: 'first' } })).toEqual([
      'auction.type: must be one of first-price, second-price (got "first")',
    ]);
  });

  it('rejects a root that is not an object', () => {
    expect(lines([1])).toEqual(['scenario: must be a JSON object (got [1])']);
    expect(lines({ load: 3 })).toEqual(['load: must be an object (got 3)']);
  });
});

describe('impossible combinations', () => {
  it('allowanceMs must be below tmaxMs', () => {
    expect(lines({ auction: { allowanceMs: 100 } })).toEqual([
      'auction.allowanceMs: must be less than tmaxMs (100) (got 100)',
    ]);
  });

  it('a minBidderMs that would skip every bidder', () => {
    expect(lines({ auction: { tmaxMs: 12 } })).toEqual([
      'auction.minBidderMs: must be at most tmaxMs - allowanceMs (7), or every bidder is skipped (got 10, the default)',
    ]);
  });

  it('maxPrice must be above the floor', () => {
    expect(lines({ auction: { floor: 5, maxPrice: 5 } })).toEqual([
      'auction.maxPrice: must be greater than floor (5) (got 5)',
    ]);
  });

  it('warmupSec must be shorter than the run, and says when it is the default', () => {
    expect(lines({ load: { durationSec: 2, warmupSec: 2 } })).toEqual([
      'load.warmupSec: must be less than durationSec (2) (got 2)',
    ]);
    expect(lines({ load: { durationSec: 0.5 } })).toEqual([
      'load.warmupSec: must be less than durationSec (0.5) (got 1, the default)',
    ]);
    expect(lines({ load: { auctions: 100 } })).toEqual([
      'load.warmupSec: must be less than auctions / rate (0.5 s) (got 1, the default)',
    ]);
    expect(valid({ load: { durationSec: 0.5, warmupSec: 0 } }).load.durationSec).toBe(0.5);
  });

  it('durationSec and auctions together', () => {
    expect(lines({ load: { durationSec: 10, auctions: 100 } })).toEqual([
      'load.auctions: cannot be given together with durationSec; give one (got durationSec 10 and auctions 100)',
    ]);
  });

  it('faults summing above 1, but not a rounding hair above', () => {
    expect(lines({ bidders: [{ name: 'a', faults: { timeout: 0.5, malformed: 0.4, disconnect: 0.2 } }] })).toEqual([
      'bidders[0].faults: timeout + malformed + disconnect must be at most 1 (got 1.1)',
    ]);
    valid({ bidders: [{ name: 'a', faults: { timeout: 0.1, malformed: 0.2, disconnect: 0.7 } }] });
  });

  it('duplicate leaf names after expansion, naming how they were made', () => {
    expect(
      lines({
        bidders: [
          { name: 'dsp', count: 3 },
          { name: 'dsp-2', url: 'ws://h:1/dsp-2' },
        ],
      }),
    ).toEqual([
      'bidders[1].name: leaf name "dsp-2" clashes with bidders[0] (group "dsp" count 3 makes dsp-1..dsp-3); leaf names must be unique',
    ]);
    expect(lines({ bidders: [{ name: 'x-1', url: 'ws://h:1/x' }, { name: 'x' }] })).toEqual([
      'bidders[1].name: leaf name "x-1" clashes with bidders[0] (external bidder "x-1"); leaf names must be unique',
    ]);
  });

  it('duplicate group names, once per pair', () => {
    expect(
      lines({
        bidders: [
          { name: 'dsp', count: 2 },
          { name: 'dsp', count: 2 },
        ],
      }),
    ).toEqual(['bidders[1].name: group name "dsp" is already used by bidders[0]']);
  });

  it('leaf and scenario names must be URL-path and folder safe', () => {
    expect(
      lines({ name: '../etc', bidders: [{ name: 'a b' }, { name: '..', url: 'ws://h:1/x' }, { count: 2 }] }),
    ).toEqual([
      'name: must be 1 to 100 of letters, digits, ".", "_" and "-", not only dots (got "../etc")',
      'bidders[0].name: must be 1 to 100 of letters, digits, ".", "_" and "-", not only dots (got "a b")',
      'bidders[1].name: must be 1 to 100 of letters, digits, ".", "_" and "-", not only dots (got "..")',
      'bidders[2].name: is required',
    ]);
  });

  it('external bidders need a ws:// or wss:// url, take no local keys, and cannot run in virtual time', () => {
    valid({ bidders: [{ name: 'p', url: 'wss://bidder.example/p' }] });
    expect(lines({ bidders: [{ name: 'p', url: 'http://bidder.example/p', count: 2 }] })).toEqual([
      'bidders[0].count: unknown key (expected one of name, url, token)',
      'bidders[0].url: must be a ws:// or wss:// URL (got "http://bidder.example/p")',
    ]);
    expect(lines({ mode: 'virtual', bidders: [{ name: 'p', url: 'ws://h:1/p' }] })).toEqual([
      'bidders[0].url: external bidders cannot take part in virtual mode (virtual time has no real sockets)',
    ]);
  });

  it('count is an integer from 1 to 10000', () => {
    for (const count of [0, 1.5, 10_001, '4']) {
      expect(lines({ bidders: [{ name: 'a', count }] })).toEqual([
        `bidders[0].count: must be an integer from 1 to 10000 (got ${JSON.stringify(count)})`,
      ]);
    }
    valid({ bidders: [{ name: 'a', count: 10_000 }] });
  });

  it('bidders must be a non-empty array of objects', () => {
    expect(lines({ bidders: [] })).toEqual(['bidders: must be a non-empty array of bidder groups (got [])']);
    expect(lines({ bidders: [3] })).toEqual(['bidders[0]: must be an object (got 3)']);
  });

  it('checks the bid spec with the price model validator', () => {
    expect(
      lines({ bidders: [{ name: 'a', bid: { rate: 2, shade: 0, price: { model: 'unifrom', min: 1, max: 2 } } }] }),
    ).toEqual([
      'bidders[0].bid.rate: must be a number from 0 to 1 (got 2)',
      'bidders[0].bid.shade: must be a positive number (got 0)',
      'bidders[0].bid.price.model: must be one of constant, uniform, lognormal (got "unifrom"; did you mean "uniform"?)',
    ]);
  });

  it('checks the network with the latency model validator', () => {
    expect(issues({ network: { model: 'constant' } }).map((i) => i.path)).toEqual(['network.ms']);
    expect(valid({ mode: 'virtual', network: { model: 'exponential', meanMs: 1 } }).network).toEqual({
      model: 'exponential',
      meanMs: 1,
    });
  });
});

describe('applyOverrides', () => {
  const base = valid({ name: 'b', load: { auctions: 1000 } });

  it('applies each override and leaves the original alone', () => {
    const r = applyOverrides(base, { seed: 9, mode: 'virtual', rate: 50, durationSec: 3, tmaxMs: 80 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.scenario).toMatchObject({ seed: 9, mode: 'virtual', auction: { tmaxMs: 80 } });
    // --duration replaces an auctions count rather than clashing with it.
    expect(r.scenario.load).toMatchObject({ rate: 50, durationSec: 3, auctions: null });
    expect(base).toMatchObject({ seed: 1, mode: 'live', load: { auctions: 1000, durationSec: null } });
  });

  it('validates overrides like the file', () => {
    const r = applyOverrides(base, { tmaxMs: -5, rate: Number.NaN });
    expect(r.ok ? [] : formatIssues(r.issues).split('\n')).toEqual([
      'load.rate: must be a positive number (got NaN)',
      'auction.tmaxMs: must be a positive number (got -5)',
    ]);
  });

  it('catches combinations an override makes impossible', () => {
    const external = valid({ bidders: [{ name: 'p', url: 'ws://h:1/p' }] });
    const r = applyOverrides(external, { mode: 'virtual' });
    expect(r.ok ? [] : r.issues.map((i) => i.path)).toEqual(['bidders[0].url']);
  });

  it('with no overrides returns an equal scenario', () => {
    expect(applyOverrides(base, {})).toEqual({ ok: true, scenario: base });
  });
});
