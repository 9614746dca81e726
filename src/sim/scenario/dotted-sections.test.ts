import { describe, expect, it } from 'vitest';
import { codes, lines, valid } from '../../../test/helpers/scenarios.js';

describe('thresholds', () => {
  it('accepts each comparison operator', () => {
    const t = { a: '<120', 'b.c': '<= 0.5', 'd.e.f': '>-3', g: '>=  10.25' };
    expect(valid({ thresholds: t }).thresholds).toEqual(t);
  });

  it('refuses keys that reach the prototype', () => {
    expect(codes(JSON.parse('{"thresholds": {"__proto__": "<1"}, "sweep": {"a.__proto__": [1]}}'))).toEqual([
      { path: 'thresholds["__proto__"]', code: 'SCN_ERR_BAD_PATH' },
      { path: 'sweep["a.__proto__"]', code: 'SCN_ERR_BAD_PATH' },
    ]);
  });

  it('names the key of a malformed comparison or path', () => {
    expect(codes({ thresholds: { 'latency.auction.p99': '120', 'rates..timeout': '<1', x: 5 } })).toEqual([
      { path: 'thresholds["latency.auction.p99"]', code: 'SCN_ERR_BAD_FORMAT' },
      { path: 'thresholds["rates..timeout"]', code: 'SCN_ERR_BAD_PATH' },
      { path: 'thresholds["x"]', code: 'SCN_ERR_BAD_FORMAT' },
    ]);
  });

  it('must be an object', () => {
    expect(codes({ thresholds: ['<1'] })).toEqual([{ path: 'thresholds', code: 'SCN_ERR_WRONG_TYPE' }]);
  });
});

describe('sweep', () => {
  it('checks each value by applying it, naming the axis and the index, with the code of what it upset', () => {
    const raw = { sweep: { 'auction.tmaxMs': [50, 100, -5, 3] } };
    expect(codes(raw)).toEqual([
      { path: 'sweep["auction.tmaxMs"][2]', code: 'SCN_ERR_OUT_OF_RANGE' },
      { path: 'sweep["auction.tmaxMs"][3]', code: 'SCN_ERR_ORDER' },
    ]);
    // A field elsewhere that the value upsets is named in the message, since the path names the value.
    expect(lines(raw)[1]).toBe('sweep["auction.tmaxMs"][3]: auction.allowanceMs: must be less than tmaxMs (3) (got 5)');
  });

  it('places issues inside a swept object at their path within it', () => {
    expect(
      codes({ sweep: { 'bidders.0.latency': [{ model: 'exponential', meanMs: 3 }, { model: 'constant' }] } }),
    ).toEqual([{ path: 'sweep["bidders.0.latency"][1].ms', code: 'SCN_ERR_MISSING' }]);
  });

  it('must be an object', () => {
    expect(codes({ sweep: [1] })).toEqual([{ path: 'sweep', code: 'SCN_ERR_WRONG_TYPE' }]);
  });

  it('names a path that is not in the scenario, with a did-you-mean', () => {
    const raw = { sweep: { 'auction.tmax': [1], 'bidders.3.count': [1], 'zzz.qqq': [1] } };
    expect(codes(raw)).toEqual([
      { path: 'sweep["auction.tmax"]', code: 'SCN_ERR_BAD_PATH' },
      { path: 'sweep["bidders.3.count"]', code: 'SCN_ERR_BAD_PATH' },
      { path: 'sweep["zzz.qqq"]', code: 'SCN_ERR_BAD_PATH' },
    ]);
    // The suggestion is the point of the message.
    expect(lines(raw)).toEqual([
      'sweep["auction.tmax"]: no such field in the scenario (did you mean "auction.tmaxMs"?)',
      'sweep["bidders.3.count"]: no such field in the scenario (did you mean "bidders.0.count"?)',
      'sweep["zzz.qqq"]: no such field in the scenario',
    ]);
  });

  it('needs non-empty arrays and cannot sweep itself', () => {
    expect(codes({ sweep: { seed: [], 'auction.floor': 3, sweep: [1] } })).toEqual([
      { path: 'sweep["seed"]', code: 'SCN_ERR_EMPTY' },
      { path: 'sweep["auction.floor"]', code: 'SCN_ERR_WRONG_TYPE' },
      { path: 'sweep["sweep"]', code: 'SCN_ERR_BAD_PATH' },
    ]);
  });

  it('checks its values against the scenario it sweeps', () => {
    expect(
      codes({
        bidders: [
          { name: 'dsp', count: 2 },
          { name: 'dsp-9', url: 'ws://h:1/x' },
        ],
        sweep: { 'bidders.0.count': [2, 9] },
      }),
    ).toEqual([{ path: 'sweep["bidders.0.count"][1]', code: 'SCN_ERR_DUPLICATE' }]);
  });
});
