import { describe, expect, it } from 'vitest';
import { applySettings, MAX_SETTING_CHARS, parseSetting } from './settings.js';
import { valid } from '../../../test/helpers/scenarios.js';

const base = valid({ bidders: [{ name: 'dsp', count: 4 }], sweep: { 'auction.tmaxMs': [50, 100] } });

describe('parseSetting', () => {
  it('reads the value as JSON where it is JSON, else as the text itself', () => {
    expect(parseSetting('bidders.0.count=16')).toEqual({ path: 'bidders.0.count', value: 16 });
    expect(parseSetting('auction.type=second-price')).toEqual({ path: 'auction.type', value: 'second-price' });
    expect(parseSetting('name="42"')).toEqual({ path: 'name', value: '42' });
    expect(parseSetting('load.durationSec=null')).toEqual({ path: 'load.durationSec', value: null });
    expect(parseSetting('bidders.0.latency={"model":"constant","ms":5}')).toEqual({
      path: 'bidders.0.latency',
      value: { model: 'constant', ms: 5 },
    });
    // Only the first `=` splits: a value may hold more.
    expect(parseSetting('name=a=b')).toEqual({ path: 'name', value: 'a=b' });
  });

  it('refuses text without a path, or past its bound', () => {
    expect(parseSetting('tmax')).toMatchObject({ code: 'SCN_ERR_BAD_FORMAT' });
    expect(parseSetting('=5')).toMatchObject({ code: 'SCN_ERR_BAD_FORMAT' });
    expect(parseSetting(`name=${'x'.repeat(MAX_SETTING_CHARS)}`)).toMatchObject({ code: 'SCN_ERR_OUT_OF_RANGE' });
  });
});

describe('applySettings', () => {
  it('writes each value at its path, in order, into a validated copy', () => {
    const r = applySettings(base, [
      { path: 'auction.type', value: 'second-price' },
      { path: 'bidders.0.count', value: 2 },
      { path: 'bidders.0.latency', value: { model: 'constant', ms: 5 } },
      { path: 'bidders.0.count', value: 3 },
    ]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.scenario.auction.type).toBe('second-price');
    expect(r.scenario.bidders[0]).toMatchObject({ count: 3, latency: { model: 'constant', ms: 5 } });
    // The original is untouched, and the sweep is kept.
    expect(base.auction.type).toBe('first-price');
    expect(base.bidders[0]).toMatchObject({ count: 4 });
    expect(r.scenario.sweep).toEqual(base.sweep);
  });

  it('names a path that is not in the scenario, with a did-you-mean, and refuses the sweep itself', () => {
    const r = applySettings(base, [
      { path: 'auction.tmaxMS', value: 80 },
      { path: 'bidders.3.count', value: 1 },
      { path: 'sweep', value: null },
      { path: 'a.__proto__.b', value: 1 },
    ]);
    expect(r.ok ? [] : r.issues.map(({ path, code }) => ({ path, code }))).toEqual([
      { path: '--set auction.tmaxMS', code: 'SCN_ERR_BAD_PATH' },
      { path: '--set bidders.3.count', code: 'SCN_ERR_BAD_PATH' },
      { path: '--set sweep', code: 'SCN_ERR_BAD_PATH' },
      { path: '--set a.__proto__.b', code: 'SCN_ERR_BAD_PATH' },
    ]);
    expect(r.ok ? '' : r.issues[0]!.message).toContain('did you mean "auction.tmaxMs"?');
  });

  it('validates the result like a file, naming the field a value breaks', () => {
    const r = applySettings(base, [
      { path: 'auction.tmaxMs', value: -3 },
      { path: 'bidders.0.latency', value: { model: 'lognormall' } },
    ]);
    expect(r.ok ? [] : r.issues.map(({ path, code }) => ({ path, code }))).toEqual([
      { path: 'auction.tmaxMs', code: 'SCN_ERR_OUT_OF_RANGE' },
      { path: 'bidders[0].latency.model', code: 'SCN_ERR_NOT_ONE_OF' },
    ]);
  });
});
