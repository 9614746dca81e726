import { describe, expect, it } from 'vitest';
import { PathError, getPath, hasPath, issuePath, listPaths, setPath, splitPath } from './dotted-path.js';

const doc = () => ({
  auction: { tmaxMs: 100 },
  bidders: [{ count: 4, latency: { ms: 1 } }, { url: 'ws://x' }],
  sweep: null,
});

describe('getPath', () => {
  it('reads nested objects and array indices', () => {
    expect(getPath(doc(), 'auction.tmaxMs')).toBe(100);
    expect(getPath(doc(), 'bidders.0.count')).toBe(4);
    expect(getPath(doc(), 'bidders.1')).toEqual({ url: 'ws://x' });
    expect(getPath(doc(), 'sweep')).toBeNull();
  });

  it('is undefined for anything missing or malformed', () => {
    for (const path of [
      'auction.tmax',
      'bidders.2.count',
      'bidders.x',
      'bidders.01',
      'auction..tmaxMs',
      '',
      'auction.tmaxMs.x',
      'sweep.a',
    ]) {
      expect(getPath(doc(), path)).toBeUndefined();
    }
  });

  it('reads own properties only', () => {
    expect(getPath(doc(), 'auction.toString')).toBeUndefined();
    expect(getPath(doc(), 'bidders.length')).toBeUndefined();
  });

  it('hasPath counts null as present', () => {
    expect(hasPath(doc(), 'sweep')).toBe(true);
    expect(hasPath(doc(), 'nope')).toBe(false);
  });
});

describe('setPath', () => {
  it('writes in place, into objects and arrays', () => {
    const d = doc();
    setPath(d, 'auction.tmaxMs', 50);
    setPath(d, 'bidders.0.latency', { ms: 9 });
    setPath(d, 'bidders.1', { url: 'ws://y' });
    expect(d.auction.tmaxMs).toBe(50);
    expect(d.bidders[0]?.latency).toEqual({ ms: 9 });
    expect(d.bidders[1]).toEqual({ url: 'ws://y' });
  });

  it('adds a missing last key to an existing object', () => {
    const d: Record<string, unknown> = { a: {} };
    setPath(d, 'a.b', 1);
    expect(d).toEqual({ a: { b: 1 } });
  });

  it('refuses missing containers, out-of-range indices and the prototype, with codes', () => {
    const code = (path: string): string | undefined => {
      try {
        setPath(doc(), path, 1);
        return undefined;
      } catch (e) {
        return e instanceof PathError ? e.code : 'other';
      }
    };
    expect(code('nope.x')).toBe('PATH_MISSING');
    expect(code('bidders.2.count')).toBe('PATH_MISSING');
    expect(code('bidders.x')).toBe('PATH_MISSING');
    expect(code('auction.tmaxMs.x')).toBe('PATH_MISSING');
    expect(code('a..b')).toBe('PATH_INVALID');
    expect(code('__proto__.polluted')).toBe('PATH_FORBIDDEN');
    expect(code('auction.constructor')).toBe('PATH_FORBIDDEN');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('path helpers', () => {
  it('splitPath rejects empty segments', () => {
    expect(splitPath('a.0.b')).toEqual(['a', '0', 'b']);
    expect(splitPath('a.')).toBeUndefined();
  });

  it('issuePath prints indices in brackets', () => {
    expect(issuePath('bidders.1.latency.of.0.weight')).toBe('bidders[1].latency.of[0].weight');
    expect(issuePath('auction.tmaxMs')).toBe('auction.tmaxMs');
  });

  it('listPaths lists every value, containers included', () => {
    expect(listPaths({ a: { b: 1 }, c: [2] })).toEqual(['a', 'a.b', 'c', 'c.0']);
  });
});
