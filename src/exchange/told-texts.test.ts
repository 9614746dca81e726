import { describe, expect, it } from 'vitest';
import type { BidRequest } from '../protocol/openrtb.js';
import { NO_TEXT, ToldTexts } from './told-texts.js';

const request = (): BidRequest => ({
  id: 'r',
  imp: [{ id: '1', bidfloor: 0.1, bidfloorcur: 'USD' }],
  tmax: 0,
  at: 1,
  cur: [],
});

describe('ToldTexts', () => {
  it('serialises once per distinct tmax and hands the same buffer to every leaf told it', () => {
    const t = new ToldTexts();
    const req = request();
    req.tmax = 25;
    const a = t.textFor(req);
    req.tmax = 75;
    const b = t.textFor(req);
    req.tmax = 25;
    expect(t.textFor(req)).toBe(a);
    expect((JSON.parse(a.toString()) as BidRequest).tmax).toBe(25);
    expect((JSON.parse(b.toString()) as BidRequest).tmax).toBe(75);
  });

  it('starts afresh for the next auction, and gives no text where no link wants it', () => {
    const t = new ToldTexts();
    const req = request();
    req.tmax = 25;
    const a = t.textFor(req);
    t.reset();
    req.id = 's';
    const b = t.textFor(req);
    expect(b).not.toBe(a);
    expect((JSON.parse(b.toString()) as BidRequest).id).toBe('s');
    t.textWanted = false;
    expect(t.textFor(req)).toBe(NO_TEXT);
  });
});
