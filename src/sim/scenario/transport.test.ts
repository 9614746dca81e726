import { describe, expect, it } from 'vitest';
import { codes, valid } from '../../../test/helpers/scenarios.js';
import { expandLeaves, MAX_URL_CHARS } from './bidder-groups.js';

describe('bidder transports', () => {
  it('takes http:// and https:// URLs for external bidders, with gzip', () => {
    const s = valid({
      bidders: [
        { name: 'a', url: 'http://127.0.0.1:9100/a' },
        { name: 'b', url: 'https://bidder.example/openrtb', gzip: true, token: 't' },
        { name: 'c', url: 'ws://127.0.0.1:9100/c' },
      ],
    });
    expect(expandLeaves(s).map((l) => l.http ?? null)).toEqual([
      { gzip: false, requestCostMs: 0 },
      { gzip: true, requestCostMs: 0 },
      null,
    ]);
  });

  it('refuses URLs of other schemes, without a host, or too long, naming the field', () => {
    for (const url of ['ftp://h/x', 'http:///x', 'http:x', 'http:/x', 'https://', 'mailto:a@b', 7, '']) {
      expect(codes({ bidders: [{ name: 'a', url }] })).toEqual([
        { path: 'bidders[0].url', code: 'SCN_ERR_BAD_FORMAT' },
      ]);
    }
    const long = `http://h/${'x'.repeat(MAX_URL_CHARS)}`;
    expect(codes({ bidders: [{ name: 'a', url: long }] })).toEqual([
      { path: 'bidders[0].url', code: 'SCN_ERR_TOO_LARGE' },
    ]);
  });

  it('refuses gzip on a WebSocket group, external or local', () => {
    expect(codes({ bidders: [{ name: 'a', url: 'ws://h:1/a', gzip: true }] })).toEqual([
      { path: 'bidders[0].gzip', code: 'SCN_ERR_CONFLICT' },
    ]);
    expect(codes({ bidders: [{ name: 'a', gzip: true }] })).toEqual([
      { path: 'bidders[0].gzip', code: 'SCN_ERR_CONFLICT' },
    ]);
    expect(codes({ bidders: [{ name: 'a', transport: 'ws', gzip: true }] })).toEqual([
      { path: 'bidders[0].gzip', code: 'SCN_ERR_CONFLICT' },
    ]);
    // false says nothing compressed, so it is no conflict.
    valid({ bidders: [{ name: 'a', gzip: false }] });
    expect(codes({ bidders: [{ name: 'a', transport: 'http', gzip: 1 }] })).toEqual([
      { path: 'bidders[0].gzip', code: 'SCN_ERR_WRONG_TYPE' },
    ]);
  });

  it('lets local groups choose ws or http, and a per-request cost on http only', () => {
    const s = valid({
      mode: 'virtual',
      bidders: [
        { name: 'h', count: 2, transport: 'http', gzip: true, requestCostMs: 0.3 },
        { name: 'w', transport: 'ws' },
        { name: 'd' },
      ],
    });
    expect(expandLeaves(s).map((l) => l.http ?? null)).toEqual([
      { gzip: true, requestCostMs: 0.3 },
      { gzip: true, requestCostMs: 0.3 },
      null,
      null,
    ]);
    expect(codes({ bidders: [{ name: 'a', transport: 'http', hostile: { mode: 'not-json' } }] })).toEqual([
      { path: 'bidders[0].transport', code: 'SCN_ERR_CONFLICT' },
    ]);
    expect(codes({ bidders: [{ name: 'a', transport: 'htttp' }] })).toEqual([
      { path: 'bidders[0].transport', code: 'SCN_ERR_NOT_ONE_OF' },
    ]);
    expect(codes({ bidders: [{ name: 'a', requestCostMs: 1 }] })).toEqual([
      { path: 'bidders[0].requestCostMs', code: 'SCN_ERR_CONFLICT' },
    ]);
    expect(codes({ bidders: [{ name: 'a', transport: 'http', requestCostMs: -1 }] })).toEqual([
      { path: 'bidders[0].requestCostMs', code: 'SCN_ERR_OUT_OF_RANGE' },
    ]);
    expect(codes({ bidders: [{ name: 'a', transport: 'http', requestCostMs: 600_001 }] })).toEqual([
      { path: 'bidders[0].requestCostMs', code: 'SCN_ERR_OUT_OF_RANGE' },
    ]);
  });
});
