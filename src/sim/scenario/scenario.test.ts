import { describe, expect, it } from 'vitest';
import { DEFAULTS, applyOverrides, formatIssues, type IssueCode, type LocalGroup } from './scenario.js';
import { codes, issues, lines, valid } from '../../../test/helpers/scenarios.js';

describe('defaults', () => {
  it('fills every default into a three-line scenario', () => {
    const s = valid({ name: 'baseline', seed: 7 });
    expect(s).toEqual({
      name: 'baseline',
      seed: 7,
      mode: 'live',
      load: {
        arrival: 'poisson',
        rate: 200,
        durationSec: 5,
        auctions: null,
        warmupSec: 1,
        bursty: null,
        profile: null,
        trace: null,
      },
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
      reconnect: { initialBackoffMs: 50, maxBackoffMs: 5000, stableMs: 1000 },
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

describe('validation issues', () => {
  it('names a negative tmaxMs', () => {
    expect(codes({ auction: { tmaxMs: -5 } })).toEqual([{ path: 'auction.tmaxMs', code: 'SCN_ERR_OUT_OF_RANGE' }]);
  });

  it('suggests the model meant by a misspelt latency model', () => {
    const raw = { bidders: [{ name: 'a' }, { name: 'b', latency: { model: 'lognormall', medianMs: 20, p99Ms: 60 } }] };
    expect(codes(raw)).toEqual([{ path: 'bidders[1].latency.model', code: 'SCN_ERR_NOT_ONE_OF' }]);
    expect(lines(raw)[0]).toMatch(
      /^bidders\[1\]\.latency\.model: must be one of .*lognormal.* \(got "lognormall"; did you mean "lognormal"\?\)$/,
    );
  });

  it('names a p99Ms below medianMs', () => {
    expect(
      codes({ bidders: [{ name: 'a' }, { name: 'b', latency: { model: 'lognormal', medianMs: 20, p99Ms: 10 } }] }),
    ).toEqual([{ path: 'bidders[1].latency.p99Ms', code: 'SCN_ERR_ORDER' }]);
  });

  it('reports unknown keys at every level, at their own path, with a did-you-mean', () => {
    const raw = {
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
    };
    const paths = [
      'nam',
      'load.rat',
      'auction.tmaxMS',
      'bidders[0].cont',
      'bidders[0].latency.mz',
      'bidders[0].bid.shde',
      'bidders[0].faults.timeuot',
    ];
    expect(codes(raw)).toEqual(paths.map((path) => ({ path, code: 'SCN_ERR_UNKNOWN_KEY' })));
    // The suggestions are the point: each names the key meant.
    expect(lines(raw)).toEqual([
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
      'load.zzzzzz: unknown key (expected one of arrival, rate, durationSec, auctions, warmupSec, bursty, profile, trace)',
    ]);
  });

  it('collects every issue instead of stopping at the first', () => {
    expect(
      codes({ seed: 1.5, mode: 'vitual', load: { arrival: 'burst', rate: 0 }, auction: { type: 'vickrey' } }),
    ).toEqual([
      { path: 'seed', code: 'SCN_ERR_NOT_AN_INTEGER' },
      { path: 'mode', code: 'SCN_ERR_NOT_ONE_OF' },
      { path: 'load.arrival', code: 'SCN_ERR_NOT_ONE_OF' },
      { path: 'load.rate', code: 'SCN_ERR_OUT_OF_RANGE' },
      { path: 'auction.type', code: 'SCN_ERR_NOT_ONE_OF' },
    ]);
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
    expect(codes([1])).toEqual([{ path: 'scenario', code: 'SCN_ERR_WRONG_TYPE' }]);
    expect(codes({ load: 3 })).toEqual([{ path: 'load', code: 'SCN_ERR_WRONG_TYPE' }]);
  });
});

describe('reconnect', () => {
  it("defaults to the pool's own backoff and takes the scenario's", () => {
    expect(valid({}).reconnect).toEqual({ initialBackoffMs: 50, maxBackoffMs: 5000, stableMs: 1000 });
    expect(valid({ reconnect: { maxBackoffMs: 200, stableMs: 0 } }).reconnect).toEqual({
      initialBackoffMs: 50,
      maxBackoffMs: 200,
      stableMs: 0,
    });
  });

  it('refuses waits out of their bounds, a cap below the start, and unknown keys', () => {
    expect(codes({ reconnect: { initialBackoffMs: 0, stableMs: 600_001 } })).toEqual([
      { path: 'reconnect.initialBackoffMs', code: 'SCN_ERR_OUT_OF_RANGE' },
      { path: 'reconnect.stableMs', code: 'SCN_ERR_OUT_OF_RANGE' },
    ]);
    expect(codes({ reconnect: { initialBackoffMs: 500, maxBackoffMs: 100 } })).toEqual([
      { path: 'reconnect.maxBackoffMs', code: 'SCN_ERR_ORDER' },
    ]);
    expect(codes({ reconnect: { backoff: 1 } })).toEqual([{ path: 'reconnect.backoff', code: 'SCN_ERR_UNKNOWN_KEY' }]);
    expect(codes({ reconnect: 5 })).toEqual([{ path: 'reconnect', code: 'SCN_ERR_WRONG_TYPE' }]);
  });
});

describe('impossible combinations', () => {
  it('allowanceMs must be below tmaxMs', () => {
    expect(codes({ auction: { allowanceMs: 100 } })).toEqual([{ path: 'auction.allowanceMs', code: 'SCN_ERR_ORDER' }]);
  });

  it('a minBidderMs that would skip every bidder', () => {
    expect(codes({ auction: { tmaxMs: 12 } })).toEqual([{ path: 'auction.minBidderMs', code: 'SCN_ERR_ORDER' }]);
  });

  it('maxPrice must be above the floor', () => {
    expect(codes({ auction: { floor: 5, maxPrice: 5 } })).toEqual([
      { path: 'auction.maxPrice', code: 'SCN_ERR_ORDER' },
    ]);
  });

  it('warmupSec must be shorter than the run, and says when it is the default', () => {
    const warmup = [{ path: 'load.warmupSec', code: 'SCN_ERR_ORDER' }];
    expect(codes({ load: { durationSec: 2, warmupSec: 2 } })).toEqual(warmup);
    expect(codes({ load: { durationSec: 0.5 } })).toEqual(warmup);
    expect(codes({ load: { auctions: 100 } })).toEqual(warmup);
    // Saying that the number came from the defaults tells the user which field to add.
    expect(lines({ load: { durationSec: 0.5 } })).toEqual([
      'load.warmupSec: must be less than durationSec (0.5) (got 1, the default)',
    ]);
    expect(lines({ load: { auctions: 100 } })).toEqual([
      'load.warmupSec: must be less than auctions / rate (0.5 s) (got 1, the default)',
    ]);
    expect(valid({ load: { durationSec: 0.5, warmupSec: 0 } }).load.durationSec).toBe(0.5);
  });

  it('durationSec and auctions together', () => {
    expect(codes({ load: { durationSec: 10, auctions: 100 } })).toEqual([
      { path: 'load.auctions', code: 'SCN_ERR_CONFLICT' },
    ]);
  });

  it('faults summing above 1, but not a rounding hair above', () => {
    expect(codes({ bidders: [{ name: 'a', faults: { timeout: 0.5, malformed: 0.4, disconnect: 0.2 } }] })).toEqual([
      { path: 'bidders[0].faults', code: 'SCN_ERR_BAD_SUM' },
    ]);
    valid({ bidders: [{ name: 'a', faults: { timeout: 0.1, malformed: 0.2, disconnect: 0.7 } }] });
  });

  it('duplicate leaf names after expansion, naming how they were made', () => {
    const raw = {
      bidders: [
        { name: 'dsp', count: 3 },
        { name: 'dsp-2', url: 'ws://h:1/dsp-2' },
      ],
    };
    expect(codes(raw)).toEqual([{ path: 'bidders[1].name', code: 'SCN_ERR_DUPLICATE' }]);
    // How the clashing names were made is what lets the user see the clash.
    expect(lines(raw)).toEqual([
      'bidders[1].name: leaf name "dsp-2" clashes with bidders[0] (group "dsp" count 3 makes dsp-1..dsp-3); leaf names must be unique',
    ]);
    expect(lines({ bidders: [{ name: 'x-1', url: 'ws://h:1/x' }, { name: 'x' }] })).toEqual([
      'bidders[1].name: leaf name "x-1" clashes with bidders[0] (external bidder "x-1"); leaf names must be unique',
    ]);
  });

  it('duplicate group names, once per pair', () => {
    expect(
      codes({
        bidders: [
          { name: 'dsp', count: 2 },
          { name: 'dsp', count: 2 },
        ],
      }),
    ).toEqual([{ path: 'bidders[1].name', code: 'SCN_ERR_DUPLICATE' }]);
  });

  it('leaf and scenario names must be URL-path and folder safe', () => {
    expect(
      codes({ name: '../etc', bidders: [{ name: 'a b' }, { name: '..', url: 'ws://h:1/x' }, { count: 2 }] }),
    ).toEqual([
      { path: 'name', code: 'SCN_ERR_BAD_FORMAT' },
      { path: 'bidders[0].name', code: 'SCN_ERR_BAD_FORMAT' },
      { path: 'bidders[1].name', code: 'SCN_ERR_BAD_FORMAT' },
      { path: 'bidders[2].name', code: 'SCN_ERR_MISSING' },
    ]);
  });

  it('group names have no dot, so the dotted paths that name groups and leaves read one way', () => {
    // `groups.a.b.sent` could be group "a.b" or field "b" of group "a": a dot is refused in local and
    // external groups alike, with the reason; a scenario's own name is a folder, never in a path.
    const raw = { bidders: [{ name: 'a.b' }, { name: 'p.q', url: 'ws://h:1/p' }] };
    expect(codes(raw)).toEqual([
      { path: 'bidders[0].name', code: 'SCN_ERR_BAD_FORMAT' },
      { path: 'bidders[1].name', code: 'SCN_ERR_BAD_FORMAT' },
    ]);
    expect(lines(raw)[0]).toContain('no ".": thresholds and sweep axes name groups and leaves in dotted paths');
    valid({ name: 'baseline.v2', bidders: [{ name: 'a_b-c' }] });
  });

  it('external bidders need a ws(s):// or http(s):// url, take no local keys, and cannot run in virtual time', () => {
    valid({ bidders: [{ name: 'p', url: 'wss://bidder.example/p' }] });
    expect(codes({ bidders: [{ name: 'p', url: 'ftp://bidder.example/p', count: 2 }] })).toEqual([
      { path: 'bidders[0].count', code: 'SCN_ERR_UNKNOWN_KEY' },
      { path: 'bidders[0].url', code: 'SCN_ERR_BAD_FORMAT' },
    ]);
    expect(codes({ mode: 'virtual', bidders: [{ name: 'p', url: 'ws://h:1/p' }] })).toEqual([
      { path: 'bidders[0].url', code: 'SCN_ERR_CONFLICT' },
    ]);
  });

  it('count is an integer from 1 to 10000', () => {
    const cases: [unknown, IssueCode][] = [
      [0, 'SCN_ERR_OUT_OF_RANGE'],
      [1.5, 'SCN_ERR_NOT_AN_INTEGER'],
      [10_001, 'SCN_ERR_OUT_OF_RANGE'],
      ['4', 'SCN_ERR_NOT_A_NUMBER'],
    ];
    for (const [count, code] of cases) {
      expect(codes({ bidders: [{ name: 'a', count }] })).toEqual([{ path: 'bidders[0].count', code }]);
    }
    valid({ bidders: [{ name: 'a', count: 10_000 }] });
  });

  it('bidders must be a non-empty array of objects', () => {
    expect(codes({ bidders: [] })).toEqual([{ path: 'bidders', code: 'SCN_ERR_EMPTY' }]);
    expect(codes({ bidders: { name: 'a' } })).toEqual([{ path: 'bidders', code: 'SCN_ERR_WRONG_TYPE' }]);
    expect(codes({ bidders: [3] })).toEqual([{ path: 'bidders[0]', code: 'SCN_ERR_WRONG_TYPE' }]);
  });

  it('checks the bid spec with the price model validator', () => {
    expect(
      codes({ bidders: [{ name: 'a', bid: { rate: 2, shade: 0, price: { model: 'unifrom', min: 1, max: 2 } } }] }),
    ).toEqual([
      { path: 'bidders[0].bid.rate', code: 'SCN_ERR_OUT_OF_RANGE' },
      { path: 'bidders[0].bid.shade', code: 'SCN_ERR_OUT_OF_RANGE' },
      { path: 'bidders[0].bid.price.model', code: 'SCN_ERR_NOT_ONE_OF' },
    ]);
  });

  it('checks the network with the latency model validator', () => {
    expect(codes({ network: { model: 'constant' } })).toEqual([{ path: 'network.ms', code: 'SCN_ERR_MISSING' }]);
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
    expect(r.ok ? [] : r.issues.map(({ path, code }) => ({ path, code }))).toEqual([
      { path: 'load.rate', code: 'SCN_ERR_NOT_A_NUMBER' },
      { path: 'auction.tmaxMs', code: 'SCN_ERR_OUT_OF_RANGE' },
    ]);
  });

  it('catches combinations an override makes impossible', () => {
    const external = valid({ bidders: [{ name: 'p', url: 'ws://h:1/p' }] });
    const r = applyOverrides(external, { mode: 'virtual' });
    expect(r.ok ? [] : r.issues.map(({ path, code }) => ({ path, code }))).toEqual([
      { path: 'bidders[0].url', code: 'SCN_ERR_CONFLICT' },
    ]);
  });

  it('with no overrides returns an equal scenario', () => {
    expect(applyOverrides(base, {})).toEqual({ ok: true, scenario: base });
  });
});

describe('formatIssues', () => {
  it('prints one issue a line as path, message and code, in order', () => {
    expect(formatIssues(issues({ lod: {}, auction: { tmaxMs: -5 } }))).toBe(
      'lod: unknown key (did you mean "load"?) [SCN_ERR_UNKNOWN_KEY]\n' +
        'auction.tmaxMs: must be a positive number (got -5) [SCN_ERR_OUT_OF_RANGE]',
    );
  });
});
