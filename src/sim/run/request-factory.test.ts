import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { randomIds, requestFactory, sequentialIds, sequentialIndex } from './request-factory.js';
import { validateScenario, type Scenario } from '../scenario/scenario.js';

function scenario(raw: unknown = {}): Scenario {
  const r = validateScenario(raw);
  if (!r.ok) throw new Error('bad test scenario');
  return r.scenario;
}

describe('requestFactory', () => {
  it('makes an OpenRTB 2.6 request shaped by the scenario', () => {
    const make = requestFactory(
      scenario({ auction: { type: 'second-price', impressions: 3, floor: 0.25 } }),
      seedrandom('r'),
    );
    const req = make('a1');
    expect(req).toMatchObject({ id: 'a1', tmax: 0, at: 2, cur: ['USD'] });
    expect(req.imp.map((i) => i.id)).toEqual(['1', '2', '3']);
    for (const imp of req.imp) {
      expect(imp).toMatchObject({ bidfloor: 0.25, bidfloorcur: 'USD' });
      expect(['300x250', '728x90', '320x50', '160x600']).toContain(`${imp.banner?.w}x${imp.banner?.h}`);
      expect(imp.tagid).toMatch(/^site-\d+-slot-\d+$/);
    }
    expect(req.site?.domain).toMatch(/\.example$/);
    expect(req.site?.page?.startsWith(`https://${req.site?.domain}/`)).toBe(true);
    expect(req.site?.publisher?.id).toMatch(/^pub-\d+$/);
    expect(req.device?.ip).toMatch(/^192\.0\.2\.([1-9]\d?|1\d\d|2[0-4]\d|25[0-4])$/);
    expect([2, 4, 5]).toContain(req.device?.devicetype);
    expect(req.device?.ua).toMatch(/^Mozilla\/5\.0/);
    expect(req.user?.id).toMatch(/^user-/);
  });

  it('first price is at 1', () => {
    expect(requestFactory(scenario(), seedrandom('r'))('x').at).toBe(1);
  });

  it('is deterministic for a seed and varies between requests', () => {
    const a = requestFactory(scenario(), seedrandom('s'));
    const b = requestFactory(scenario(), seedrandom('s'));
    const ra = Array.from({ length: 50 }, (_, i) => a(`a${i}`));
    expect(Array.from({ length: 50 }, (_, i) => b(`a${i}`))).toEqual(ra);
    expect(new Set(ra.map((r) => JSON.stringify([r.site, r.device, r.user]))).size).toBeGreaterThan(10);
  });

  it('requests share no objects, so one may be edited without touching another', () => {
    const make = requestFactory(scenario(), () => 0);
    const [x, y] = [make('1'), make('2')];
    expect(x.site).toEqual(y.site);
    expect(x.site).not.toBe(y.site);
    expect(x.site?.publisher).not.toBe(y.site?.publisher);
    expect(x.imp[0]?.banner).not.toBe(y.imp[0]?.banner);
  });

  it('survives the extremes of the random stream', () => {
    for (const u of [0, 0.999999999]) {
      const req = requestFactory(scenario({ auction: { impressions: 2 } }), () => u)('e');
      expect(req.site).toBeDefined();
      expect(req.device?.ua).toBeDefined();
      expect(req.imp[1]?.banner).toBeDefined();
    }
  });
});

describe('ids', () => {
  it('sequentialIndex reads back the 0-based place of a sequentialIds id', () => {
    const next = sequentialIds();
    for (let i = 0; i < 12_345; i++) expect(sequentialIndex(next())).toBe(i);
  });

  it('sequentialIds counts from 1 with a prefix, independently per generator', () => {
    const a = sequentialIds();
    const b = sequentialIds('v');
    expect([a(), a(), b(), a()]).toEqual(['a1', 'a2', 'v1', 'a3']);
  });

  it('randomIds gives distinct ids', () => {
    const next = randomIds();
    expect(new Set(Array.from({ length: 1000 }, next)).size).toBe(1000);
  });
});
