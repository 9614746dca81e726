import { describe, expect, it } from 'vitest';
import { codes, lines, valid } from '../../../test/helpers/scenarios.js';
import { LIMITS } from './limits.js';

const OUT = 'SCN_ERR_OUT_OF_RANGE';

describe('the fan-out policies in a scenario', () => {
  it('are off when absent or null, and filled from the defaults when given', () => {
    const off = valid({});
    expect('adaptive' in off.auction).toBe(false);
    expect('throttle' in off.auction).toBe(false);
    expect('qps' in off.bidders[0]!).toBe(false);
    const nulls = valid({ auction: { adaptive: null, throttle: null } });
    expect('adaptive' in nulls.auction || 'throttle' in nulls.auction).toBe(false);
    const on = valid({
      auction: { adaptive: { quantile: 0.9 }, throttle: {} },
      bidders: [
        { name: 'a', qps: 50 },
        { name: 'b', url: 'ws://127.0.0.1:9/b', qps: 2.5 },
      ],
    });
    expect(on.auction.adaptive).toEqual({ quantile: 0.9, marginMs: 5, windowSec: 10, minMs: 10 });
    expect(on.auction.throttle).toEqual({ maxTimeoutRate: 0.1, windowSec: 5, minShare: 0.1 });
    expect(on.bidders.map((g) => g.qps)).toEqual([50, 2.5]);
  });

  it('refuse minShare outside (0, 1], naming the field', () => {
    for (const minShare of [0, -0.1, 1.01, '0.5']) {
      const code = typeof minShare === 'string' ? 'SCN_ERR_NOT_A_NUMBER' : OUT;
      expect(codes({ auction: { throttle: { minShare } } })).toEqual([{ path: 'auction.throttle.minShare', code }]);
    }
    expect(valid({ auction: { throttle: { minShare: 1 } } }).auction.throttle?.minShare).toBe(1);
  });

  it('refuse a quantile outside (0, 1), negative margins and windows of no length', () => {
    for (const quantile of [0, 1, 1.5, -0.5])
      expect(codes({ auction: { adaptive: { quantile } } })).toEqual([
        { path: 'auction.adaptive.quantile', code: OUT },
      ]);
    expect(codes({ auction: { adaptive: { marginMs: -1, minMs: -2 } } })).toEqual([
      { path: 'auction.adaptive.marginMs', code: OUT },
      { path: 'auction.adaptive.minMs', code: OUT },
    ]);
    expect(codes({ auction: { adaptive: { windowSec: 0 }, throttle: { windowSec: -5 } } })).toEqual([
      { path: 'auction.adaptive.windowSec', code: OUT },
      { path: 'auction.throttle.windowSec', code: OUT },
    ]);
    for (const maxTimeoutRate of [1, -0.01])
      expect(codes({ auction: { throttle: { maxTimeoutRate } } })).toEqual([
        { path: 'auction.throttle.maxTimeoutRate', code: OUT },
      ]);
    expect(valid({ auction: { throttle: { maxTimeoutRate: 0 } } }).auction.throttle?.maxTimeoutRate).toBe(0);
  });

  it('refuse a qps of zero or less, or past its limit, on local and external groups', () => {
    expect(codes({ bidders: [{ name: 'a', qps: 0 }] })).toEqual([{ path: 'bidders[0].qps', code: OUT }]);
    expect(codes({ bidders: [{ name: 'a', url: 'ws://127.0.0.1:9/a', qps: -3 }] })).toEqual([
      { path: 'bidders[0].qps', code: OUT },
    ]);
    expect(codes({ bidders: [{ name: 'a', qps: null }] })).toEqual([
      { path: 'bidders[0].qps', code: 'SCN_ERR_NOT_A_NUMBER' },
    ]);
    expect(lines({ bidders: [{ name: 'a', qps: LIMITS.qps + 1 }] })).toEqual([
      `bidders[0].qps: must be at most ${LIMITS.qps} (got ${LIMITS.qps + 1})`,
    ]);
  });

  it('bound the windows and the milliseconds by LIMITS', () => {
    expect(lines({ auction: { throttle: { windowSec: LIMITS.policyWindowSec * 2 } } })).toEqual([
      `auction.throttle.windowSec: must be at most ${LIMITS.policyWindowSec} (got ${LIMITS.policyWindowSec * 2})`,
    ]);
    expect(codes({ auction: { adaptive: { minMs: LIMITS.tmaxMs + 1 } } })).toEqual([
      { path: 'auction.adaptive.minMs', code: OUT },
    ]);
  });

  it('refuse what is not an object, and unknown keys with a did-you-mean', () => {
    expect(codes({ auction: { adaptive: true, throttle: 0.1 } })).toEqual([
      { path: 'auction.adaptive', code: 'SCN_ERR_WRONG_TYPE' },
      { path: 'auction.throttle', code: 'SCN_ERR_WRONG_TYPE' },
    ]);
    expect(lines({ auction: { throttle: { minshare: 0.2 } } })).toEqual([
      'auction.throttle.minshare: unknown key (did you mean "minShare"?)',
    ]);
  });

  it('work as sweep axes once given in the file', () => {
    const s = valid({
      auction: { adaptive: {} },
      bidders: [{ name: 'a', qps: 5 }],
      sweep: { 'auction.adaptive.quantile': [0.9, 0.99], 'bidders.0.qps': [10, 100] },
    });
    expect(s.sweep).not.toBeNull();
    expect(codes({ auction: { adaptive: {} }, sweep: { 'auction.adaptive.quantile': [0.9, 1] } })).toEqual([
      { path: 'sweep["auction.adaptive.quantile"][1]', code: OUT },
    ]);
  });
});
