import { describe, expect, it } from 'vitest';
import type { BidRequest } from './openrtb.js';
import {
  INVALID_REASONS,
  httpStatusReason,
  NOT_JSON,
  checkBidResponse,
  isNotice,
  parseBidRequest,
  parseJson,
  parseNotice,
  responseId,
} from './parse.js';

const MAX_PRICE = 1000;

function request(overrides: Partial<BidRequest> = {}): BidRequest {
  return {
    id: 'req-1',
    imp: [
      { id: '1', bidfloor: 0.1, bidfloorcur: 'USD', banner: { w: 300, h: 250 } },
      { id: '2', bidfloor: 0.2, bidfloorcur: 'USD', banner: { w: 728, h: 90 } },
    ],
    tmax: 95,
    at: 1,
    cur: ['USD'],
    site: { id: 's1', domain: 'example.com', page: 'https://example.com/a' },
    device: { ua: 'Mozilla/5.0', ip: '192.0.2.1' },
    user: { id: 'u1' },
    ...overrides,
  };
}

function bid(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: 'b1', impid: '1', price: 1.5, ...overrides };
}

function response(bids: unknown[], overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: 'req-1', seatbid: [{ seat: 'dsp', bid: bids }], cur: 'USD', ...overrides };
}

const check = (value: unknown, req: BidRequest = request()) => checkBidResponse(value, req, MAX_PRICE);

describe('checkBidResponse accepts', () => {
  it('a valid bid with every optional field', () => {
    const full = bid({
      adm: '<div/>',
      nurl: 'https://dsp/win?p=${AUCTION_PRICE}',
      lurl: 'https://dsp/loss?r=${AUCTION_LOSS}',
      crid: 'c1',
      adomain: ['brand.example'],
      dealid: 'd1',
      ext: { anything: true },
    });
    expect(check(response([full, bid({ id: 'b2', impid: '2' })]))).toBeNull();
  });

  it('a bid without cur when the request accepts USD', () => {
    expect(check({ id: 'req-1', seatbid: [{ bid: [bid()] }] })).toBeNull();
  });

  it('a bid in another currency the request accepts', () => {
    expect(check(response([bid()], { cur: 'EUR' }), request({ cur: ['USD', 'EUR'] }))).toBeNull();
  });

  it('a no-bid with an nbr code, without seatbid or with an empty one', () => {
    expect(check({ id: 'req-1', nbr: 2 })).toBeNull();
    expect(check({ id: 'req-1', seatbid: [], nbr: 0 })).toBeNull();
    expect(check({ id: 'req-1' })).toBeNull();
  });

  it('a price exactly at the maximum', () => {
    expect(check(response([bid({ price: MAX_PRICE })]))).toBeNull();
  });

  it('many bids with distinct ids (the Set path)', () => {
    const bids = Array.from({ length: 20 }, (_, i) => bid({ id: `b${i}` }));
    expect(check(response(bids))).toBeNull();
  });
});

describe('checkBidResponse refuses with a reason', () => {
  it('not-object: arrays, null and primitives', () => {
    for (const value of [[], null, 'x', 3, true, undefined]) expect(check(value)).toBe('not-object');
  });

  it('missing-id: no id, or an id that is not a string', () => {
    expect(check({ seatbid: [] })).toBe('missing-id');
    expect(check({ id: 7 })).toBe('missing-id');
  });

  it('wrong-id: the id of another request', () => {
    expect(check(response([bid()], { id: 'req-2' }))).toBe('wrong-id');
  });

  it('bad-nbr: a negative, fractional or non-numeric nbr', () => {
    for (const nbr of [-1, 1.5, '2', null]) expect(check({ id: 'req-1', nbr })).toBe('bad-nbr');
  });

  it('bad-seatbid: seatbid not an array, a seat not an object, a seat without bids', () => {
    expect(check({ id: 'req-1', seatbid: {} })).toBe('bad-seatbid');
    expect(check({ id: 'req-1', seatbid: [null] })).toBe('bad-seatbid');
    expect(check({ id: 'req-1', seatbid: [{ bid: [] }] })).toBe('bad-seatbid');
    expect(check({ id: 'req-1', seatbid: [{ bid: 'x' }] })).toBe('bad-seatbid');
    expect(check({ id: 'req-1', seatbid: [{ seat: 5, bid: [bid()] }] })).toBe('bad-seatbid');
  });

  it('bad-bid: a bid that is not an object, or an optional field of the wrong type', () => {
    expect(check(response([42]))).toBe('bad-bid');
    expect(check(response([bid({ adm: 1 })]))).toBe('bad-bid');
    expect(check(response([bid({ nurl: {} })]))).toBe('bad-bid');
    expect(check(response([bid({ adomain: 'brand.example' })]))).toBe('bad-bid');
    expect(check(response([bid({ adomain: ['ok', 3] })]))).toBe('bad-bid');
  });

  it('missing-bid-id: absent, empty or not a string', () => {
    expect(check(response([bid({ id: undefined })]))).toBe('missing-bid-id');
    expect(check(response([bid({ id: '' })]))).toBe('missing-bid-id');
    expect(check(response([bid({ id: 9 })]))).toBe('missing-bid-id');
  });

  it('unknown-impid: an impression the request did not offer', () => {
    expect(check(response([bid({ impid: '3' })]))).toBe('unknown-impid');
    expect(check(response([bid({ impid: 1 })]))).toBe('unknown-impid');
  });

  it('bad-price: NaN, Infinity, strings, zero and negatives', () => {
    for (const price of [Number.NaN, Infinity, -Infinity, '1.5', 0, -1, undefined, null]) {
      expect(check(response([bid({ price })]))).toBe('bad-price');
    }
  });

  it('price-too-high: above the exchange maximum', () => {
    expect(check(response([bid({ price: 1e308 })]))).toBe('price-too-high');
    expect(check(response([bid({ price: MAX_PRICE + 0.01 })]))).toBe('price-too-high');
  });

  it('bad-currency: a currency the request does not accept, or not a string', () => {
    expect(check(response([bid()], { cur: 'EUR' }))).toBe('bad-currency');
    expect(check(response([bid()], { cur: 1 }))).toBe('bad-currency');
    expect(check(response([bid()], { cur: undefined }), request({ cur: ['EUR'] }))).toBe('bad-currency');
  });

  it('duplicate-bid-id: within a seat, across seats, and among many bids', () => {
    expect(check(response([bid(), bid({ impid: '2' })]))).toBe('duplicate-bid-id');
    const twoSeats = {
      id: 'req-1',
      seatbid: [{ bid: [bid({ id: 'x' })] }, { bid: [bid({ id: 'y' }), bid({ id: 'x' })] }],
    };
    expect(check(twoSeats)).toBe('duplicate-bid-id');
    const many = Array.from({ length: 20 }, (_, i) => bid({ id: `b${i === 19 ? 3 : i}` }));
    expect(check(response(many))).toBe('duplicate-bid-id');
  });
});

describe('reasons produced outside checkBidResponse', () => {
  it('not-json: parseJson returns NOT_JSON for text that is not JSON', () => {
    expect(parseJson('{"id":')).toBe(NOT_JSON);
    expect(parseJson('')).toBe(NOT_JSON);
    expect(parseJson('[1]')).toEqual([1]);
    expect(parseJson('null')).toBeNull();
  });

  it('INVALID_REASONS lists every reason once, including the exchange-decided ones', () => {
    expect(new Set(INVALID_REASONS).size).toBe(INVALID_REASONS.length);
    expect(INVALID_REASONS.length).toBe(37);
    for (const r of [
      'empty-response',
      'binary-frame',
      'too-large',
      'unknown-request',
      'duplicate-response',
      'slow-reader',
      'flood',
      'http-500',
      'http-status',
      'bad-encoding',
      'econnreset',
      'econnrefused',
    ] as const) {
      expect(INVALID_REASONS).toContain(r);
    }
  });

  it('names an HTTP status that is neither 200 nor 204, the unlisted ones together', () => {
    expect(httpStatusReason(500)).toBe('http-500');
    expect(httpStatusReason(429)).toBe('http-429');
    expect(httpStatusReason(418)).toBe('http-status');
    expect(httpStatusReason(302)).toBe('http-status');
    for (const s of [400, 401, 403, 404, 408, 413, 429, 500, 502, 503, 504]) {
      expect(INVALID_REASONS).toContain(httpStatusReason(s));
    }
  });
});

describe('responseId', () => {
  it('reads the id string of an object and nothing else', () => {
    expect(responseId({ id: 'a' })).toBe('a');
    expect(responseId({ id: 1 })).toBeUndefined();
    expect(responseId(['a'])).toBeUndefined();
    expect(responseId(null)).toBeUndefined();
    expect(responseId('a')).toBeUndefined();
  });
});

describe('parseBidRequest', () => {
  it('accepts a request as the exchange sends it', () => {
    const req = request();
    const parsed = parseBidRequest(JSON.stringify(req));
    expect(parsed).toEqual({ ok: true, value: req });
  });

  it('names the field that is wrong', () => {
    const bad = (patch: Record<string, unknown>) => {
      const parsed = parseBidRequest(JSON.stringify({ ...request(), ...patch }));
      return parsed.ok ? 'ok' : parsed.reason;
    };
    expect(bad({ id: '' })).toMatch(/^request\.id:/);
    expect(bad({ imp: [] })).toMatch(/^request\.imp:/);
    expect(bad({ imp: [{ id: '1', bidfloor: -1, bidfloorcur: 'USD' }] })).toMatch(/^request\.imp\[0\]\.bidfloor:/);
    expect(bad({ imp: [{ id: '1', bidfloor: 0, bidfloorcur: 'USD', banner: { w: 'x', h: 1 } }] })).toMatch(
      /^request\.imp\[0\]\.banner\.w:/,
    );
    const dup = { id: '1', bidfloor: 0, bidfloorcur: 'USD' };
    expect(bad({ imp: [dup, dup] })).toMatch(/^request\.imp\[1\]\.id:/);
    expect(bad({ tmax: 'soon' })).toMatch(/^request\.tmax:/);
    expect(bad({ at: 3 })).toMatch(/^request\.at:/);
    expect(bad({ cur: 'USD' })).toMatch(/^request\.cur:/);
    expect(bad({ site: { id: 's', domain: 7 } })).toMatch(/^request\.site\.domain:/);
    expect(bad({ user: { id: ['u'] } })).toMatch(/^request\.user\.id:/);
    expect(bad({ device: 'phone' })).toMatch(/^request\.device:/);
  });

  it('takes site, app, device and user without the ids OpenRTB only recommends', () => {
    // Traffic without consent has no user id; an IPv6 device has no ip; many sites send no page.
    const sparse = { site: { domain: 'example.com' }, device: { ua: 'Mozilla/5.0', ipv6: '2001:db8::1' }, user: {} };
    expect(parseBidRequest(JSON.stringify({ ...request(), ...sparse })).ok).toBe(true);
    const { site: _site, ...rest } = request();
    expect(parseBidRequest(JSON.stringify({ ...rest, app: { bundle: 'com.example' } })).ok).toBe(true);
  });

  it('refuses text that is not JSON or not an object', () => {
    expect(parseBidRequest('nope')).toEqual({ ok: false, reason: 'request: not JSON' });
    expect(parseBidRequest('[]')).toEqual({ ok: false, reason: 'request: must be a JSON object' });
  });
});

describe('notices', () => {
  const win = { notice: 'win', id: 'req-1', impid: '1', bidid: 'b1', price: 1.2, loss: 0 };
  const loss = { notice: 'loss', id: 'req-1', impid: '1', bidid: 'b2', price: 1.2, loss: 102 };

  it('isNotice tells notices from requests', () => {
    expect(isNotice(win)).toBe(true);
    expect(isNotice(request())).toBe(false);
    expect(isNotice(null)).toBe(false);
    expect(isNotice('notice')).toBe(false);
  });

  it('parseNotice accepts wins and losses', () => {
    expect(parseNotice(win)).toEqual({ ok: true, value: win });
    expect(parseNotice(loss)).toEqual({ ok: true, value: loss });
  });

  it('parseNotice names the field that is wrong', () => {
    const reason = (v: unknown) => {
      const parsed = parseNotice(v);
      return parsed.ok ? 'ok' : parsed.reason;
    };
    expect(reason([])).toMatch(/^notice:/);
    expect(reason({ ...win, notice: 'maybe' })).toMatch(/^notice\.notice:/);
    expect(reason({ ...win, id: '' })).toMatch(/^notice\.id:/);
    expect(reason({ ...win, bidid: 3 })).toMatch(/^notice\.bidid:/);
    expect(reason({ ...win, price: -1 })).toMatch(/^notice\.price:/);
    expect(reason({ ...loss, loss: 1.5 })).toMatch(/^notice\.loss:/);
    expect(reason({ ...win, loss: 102 })).toMatch(/^notice\.loss:/);
    expect(reason({ ...loss, loss: 0 })).toMatch(/^notice\.loss:/);
  });
});

describe('never throws', () => {
  it('on hostile values: deep nesting, odd prototypes, huge arrays of junk', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(() => parseJson(deep)).not.toThrow();
    expect(() => parseBidRequest(deep)).not.toThrow();
    const odd = [Object.create(null), new Map(), new Date(0), Symbol('s'), () => 1, 10n];
    for (const v of odd) {
      expect(() => check(v)).not.toThrow();
      expect(() => check({ id: 'req-1', seatbid: [{ bid: [v] }] })).not.toThrow();
      expect(() => parseNotice(v)).not.toThrow();
      expect(() => isNotice(v)).not.toThrow();
      expect(() => responseId(v)).not.toThrow();
    }
  });
});

describe('salvageId', () => {
  it('recovers the id at the head of a broken frame', async () => {
    const { salvageId } = await import('./parse.js');
    expect(salvageId('{"id":"abc-1","seatbid":[{"bid":[{"price":1.0,')).toBe('abc-1');
    expect(salvageId('  { "id" : "a\\"b", ')).toBe('a"b');
    expect(salvageId('hello?')).toBeUndefined();
    expect(salvageId('{"seatbid":[],"id":"x"')).toBeUndefined();
  });
});
