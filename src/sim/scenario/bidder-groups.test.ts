import { describe, expect, it } from 'vitest';
import { DEFAULTS, expandLeaves, LIMITS, type LocalGroup } from './scenario.js';
import { codes, valid } from '../../../test/helpers/scenarios.js';
import { leafTerms } from '../run/setup.js';

describe('expandLeaves', () => {
  const s = valid({
    bidders: [
      { name: 'dsp', count: 3, latency: { model: 'constant', ms: 5 } },
      { name: 'solo' },
      { name: 'partner', url: 'ws://127.0.0.1:9100/partner' },
    ],
  });

  it('names local leaves name-1 … name-n (count 1 too) and external leaves by group', () => {
    expect(expandLeaves(s).map((l) => (l.kind === 'local' ? l.config.name : l.name))).toEqual([
      'dsp-1',
      'dsp-2',
      'dsp-3',
      'solo-1',
      'partner',
    ]);
    expect(expandLeaves(s)[4]).toEqual({
      kind: 'external',
      name: 'partner',
      group: 'partner',
      url: 'ws://127.0.0.1:9100/partner',
    });
  });

  it('gives each leaf its group and its own copy of the profile', () => {
    const leaves = expandLeaves(s);
    const [a, b] = leaves;
    if (a?.kind !== 'local' || b?.kind !== 'local') throw new Error('expected local leaves');
    expect(a.config).toMatchObject({ group: 'dsp', latency: { model: 'constant', ms: 5 }, bid: DEFAULTS.group.bid });
    (a.config.latency as { ms: number }).ms = 99;
    a.config.bid.rate = 0;
    a.config.faults.timeout = 1;
    expect(b.config.latency).toEqual({ model: 'constant', ms: 5 });
    expect(b.config.bid.rate).toBe(0.9);
    expect(b.config.faults.timeout).toBe(0);
    expect((s.bidders[0] as LocalGroup).latency).toEqual({ model: 'constant', ms: 5 });
  });
});

describe('a group of finite capacity, and bidders that read tmax', () => {
  const group = (extra: Record<string, unknown>): unknown => ({
    mode: 'virtual',
    bidders: [{ name: 'q', count: 2, ...extra }],
  });

  it('keeps a capacity (queue 0 when absent) and respectTmax, and gives each leaf its own copy', () => {
    const s = valid(group({ capacity: { concurrency: 4, queue: 8 }, bid: { respectTmax: true } }));
    expect((s.bidders[0] as LocalGroup).capacity).toEqual({ concurrency: 4, queue: 8 });
    expect((s.bidders[0] as LocalGroup).bid.respectTmax).toBe(true);
    const [a, b] = expandLeaves(s);
    if (a?.kind !== 'local' || b?.kind !== 'local') throw new Error('expected local leaves');
    expect(a.config.capacity).toEqual({ concurrency: 4, queue: 8 });
    expect(a.config.capacity).not.toBe(b.config.capacity);
    expect(a.config.bid.respectTmax).toBe(true);
    expect((valid(group({ capacity: { concurrency: 2 } })).bidders[0] as LocalGroup).capacity).toEqual({
      concurrency: 2,
      queue: 0,
    });
  });

  it('leaves both out when absent, and takes capacity null as unlimited (so a sweep can name it)', () => {
    const plain = valid(group({})).bidders[0] as LocalGroup;
    expect('capacity' in plain).toBe(false);
    expect('respectTmax' in plain.bid).toBe(false);
    const unlimited = valid(group({ capacity: null }));
    expect((unlimited.bidders[0] as LocalGroup).capacity).toBeNull();
    const [leaf] = expandLeaves(unlimited);
    expect(leaf?.kind === 'local' && 'capacity' in leaf.config).toBe(false);
    const swept = valid({
      ...(group({ capacity: null }) as object),
      sweep: { 'bidders.0.capacity': [null, { concurrency: 1 }] },
    });
    expect(swept.sweep).toEqual({ 'bidders.0.capacity': [null, { concurrency: 1 }] });
  });

  it('names the field of a bad capacity or respectTmax, with its code', () => {
    expect(codes(group({ capacity: { concurrency: 1.5, queue: -1 } }))).toEqual([
      { path: 'bidders[0].capacity.concurrency', code: 'SCN_ERR_NOT_AN_INTEGER' },
      { path: 'bidders[0].capacity.queue', code: 'SCN_ERR_OUT_OF_RANGE' },
    ]);
    expect(codes(group({ capacity: { queue: 2 } }))).toEqual([
      { path: 'bidders[0].capacity.concurrency', code: 'SCN_ERR_MISSING' },
    ]);
    expect(codes(group({ capacity: { concurrency: 0, queue: 1.5 } }))).toEqual([
      { path: 'bidders[0].capacity.concurrency', code: 'SCN_ERR_OUT_OF_RANGE' },
      { path: 'bidders[0].capacity.queue', code: 'SCN_ERR_NOT_AN_INTEGER' },
    ]);
    expect(codes(group({ capacity: { concurrency: LIMITS.concurrency + 1, queue: LIMITS.queue + 1 } }))).toEqual([
      { path: 'bidders[0].capacity.concurrency', code: 'SCN_ERR_OUT_OF_RANGE' },
      { path: 'bidders[0].capacity.queue', code: 'SCN_ERR_OUT_OF_RANGE' },
    ]);
    expect(codes(group({ capacity: { concurrency: 1, qeue: 1 } }))).toEqual([
      { path: 'bidders[0].capacity.qeue', code: 'SCN_ERR_UNKNOWN_KEY' },
    ]);
    expect(codes(group({ capacity: 4 }))).toEqual([{ path: 'bidders[0].capacity', code: 'SCN_ERR_WRONG_TYPE' }]);
    expect(codes(group({ bid: { respectTmax: 'yes' } }))).toEqual([
      { path: 'bidders[0].bid.respectTmax', code: 'SCN_ERR_WRONG_TYPE' },
    ]);
    expect(codes({ bidders: [{ name: 'x', url: 'ws://127.0.0.1:1/x', capacity: { concurrency: 1 } }] })).toEqual([
      { path: 'bidders[0].capacity', code: 'SCN_ERR_UNKNOWN_KEY' },
    ]);
  });

  it('bounds the queues of every leaf together by LIMITS.queuedRequests', () => {
    const per = LIMITS.queue;
    const count = LIMITS.queuedRequests / per + 1;
    expect(codes(group({ count, capacity: { concurrency: 1, queue: per } }))).toEqual([
      { path: 'bidders', code: 'SCN_ERR_TOO_LARGE' },
    ]);
    expect(() => valid(group({ count: count - 1, capacity: { concurrency: 1, queue: per } }))).not.toThrow();
  });
});

describe('group deadlines', () => {
  const group = (more: Record<string, unknown>) => ({ bidders: [{ name: 'dsp', ...more }] });

  it('keeps what a group sets and leaves the rest absent', () => {
    const s = valid({
      auction: { tmaxMs: 100 },
      bidders: [
        { name: 'fast', deadlineMs: 30, toldShare: 0.8, minBidderMs: 5 },
        { name: 'far', url: 'ws://127.0.0.1:9/far', deadlineMs: 90, toldDeductionMs: 20, secondary: true },
        { name: 'plain' },
      ],
    });
    expect(s.bidders[0]).toMatchObject({ deadlineMs: 30, toldShare: 0.8, minBidderMs: 5 });
    expect(s.bidders[1]).toMatchObject({ deadlineMs: 90, toldDeductionMs: 20, secondary: true });
    expect(s.bidders[2]).not.toHaveProperty('deadlineMs');
    expect(s.bidders[2]).not.toHaveProperty('secondary');
  });

  it('refuses a deadlineMs above the auction tmax, naming the field', () => {
    expect(codes({ auction: { tmaxMs: 100 }, ...group({ deadlineMs: 101 }) })).toEqual([
      { path: 'bidders[0].deadlineMs', code: 'SCN_ERR_ORDER' },
    ]);
    expect(codes(group({ deadlineMs: 0 }))).toEqual([{ path: 'bidders[0].deadlineMs', code: 'SCN_ERR_OUT_OF_RANGE' }]);
  });

  it('refuses a share outside (0, 1], a negative deduction, and both together', () => {
    expect(codes(group({ toldShare: 0 }))).toEqual([{ path: 'bidders[0].toldShare', code: 'SCN_ERR_OUT_OF_RANGE' }]);
    expect(codes(group({ toldShare: 1.5 }))).toEqual([{ path: 'bidders[0].toldShare', code: 'SCN_ERR_OUT_OF_RANGE' }]);
    expect(codes(group({ toldDeductionMs: -1 }))).toEqual([
      { path: 'bidders[0].toldDeductionMs', code: 'SCN_ERR_OUT_OF_RANGE' },
    ]);
    expect(codes(group({ toldShare: 0.5, toldDeductionMs: 5 }))).toEqual([
      { path: 'bidders[0].toldShare', code: 'SCN_ERR_CONFLICT' },
    ]);
  });

  it('refuses a minBidderMs the group deadline cannot leave, and a secondary that is not a boolean', () => {
    expect(codes({ auction: { allowanceMs: 5 }, ...group({ deadlineMs: 20, minBidderMs: 16 }) })).toEqual([
      { path: 'bidders[0].minBidderMs', code: 'SCN_ERR_ORDER' },
    ]);
    // The auction's minBidderMs (10) against a group deadline of 12 less the allowance of 5.
    expect(codes(group({ deadlineMs: 12 }))).toEqual([{ path: 'bidders[0].deadlineMs', code: 'SCN_ERR_ORDER' }]);
    // What the group is told, not only its deadline: tmax 100 less 5, less 95 or times 0.05, is below 10.
    expect(codes(group({ toldDeductionMs: 95 }))).toEqual([
      { path: 'bidders[0].toldDeductionMs', code: 'SCN_ERR_ORDER' },
    ]);
    expect(codes(group({ toldShare: 0.05 }))).toEqual([{ path: 'bidders[0].toldShare', code: 'SCN_ERR_ORDER' }]);
    expect(() => valid(group({ toldShare: 0.2 }))).not.toThrow();
    expect(codes(group({ secondary: 'yes' }))).toEqual([{ path: 'bidders[0].secondary', code: 'SCN_ERR_WRONG_TYPE' }]);
  });
});

describe('leafTerms', () => {
  it('is null when no group sets a deadline field, so the exchange keeps its one-deadline path', () => {
    expect(leafTerms(valid({ bidders: [{ name: 'a', count: 2 }] }))).toBeNull();
  });

  it('gives each leaf its group terms, the auction filling the rest, in leaf order', () => {
    const s = valid({
      auction: { tmaxMs: 100, minBidderMs: 8 },
      bidders: [
        { name: 'a', count: 2, deadlineMs: 30 },
        { name: 'b', secondary: true, toldShare: 0.5 },
      ],
    });
    expect(leafTerms(s)).toEqual([
      { deadlineMs: 30, toldDeductionMs: 0, toldShare: 1, minBidderMs: 8, secondary: false },
      { deadlineMs: 30, toldDeductionMs: 0, toldShare: 1, minBidderMs: 8, secondary: false },
      { deadlineMs: 100, toldDeductionMs: 0, toldShare: 0.5, minBidderMs: 8, secondary: true },
    ]);
  });
});
