import { describe, expect, it } from 'vitest';
import { substituteMacros, type MacroInput } from './macros.js';

const win: MacroInput = {
  notice: { notice: 'win', id: 'req 1', impid: 'imp-1', bidid: 'b-1', price: 1.25, loss: 0 },
  bid: { id: 'b-1', impid: 'imp-1', price: 2.5, adid: 'ad/9' },
  seat: { seat: 'seat-a', bid: [] },
  response: { id: 'req 1', bidid: 'resp-7', cur: 'EUR' },
  nowMs: 1_700_000_000_000,
};

describe('substituteMacros', () => {
  it('replaces the OpenRTB 2.6 macros a win notice carries, URL-encoded', () => {
    const url =
      'http://h/w?a=${AUCTION_ID}&b=${AUCTION_BID_ID}&i=${AUCTION_IMP_ID}&s=${AUCTION_SEAT_ID}&ad=${AUCTION_AD_ID}' +
      '&p=${AUCTION_PRICE}&c=${AUCTION_CURRENCY}&m=${AUCTION_MBR}&l=${AUCTION_LOSS}&t=${AUCTION_IMP_TS}&x=${AUCTION_MULTIPLIER}';
    expect(substituteMacros(url, win)).toBe(
      'http://h/w?a=req%201&b=resp-7&i=imp-1&s=seat-a&ad=ad%2F9&p=1.25&c=EUR&m=0.5&l=0&t=1700000000000&x=1',
    );
  });

  it('gives a loser its loss code and the price it had to reach', () => {
    const loss: MacroInput = { ...win, notice: { ...win.notice, notice: 'loss', loss: 102 } };
    expect(substituteMacros('/l?l=${AUCTION_LOSS}&m=${AUCTION_MIN_TO_WIN}&t=${AUCTION_IMP_TS}', loss)).toBe(
      '/l?l=102&m=1.25&t=',
    );
  });

  it('fills what the bid left out with defaults and leaves unknown macros as written', () => {
    const bare: MacroInput = { notice: win.notice, nowMs: 0 };
    expect(substituteMacros('/x?s=${AUCTION_SEAT_ID}&c=${AUCTION_CURRENCY}&q=${AUCTION_NOPE}&r=${OTHER}', bare)).toBe(
      '/x?s=&c=USD&q=${AUCTION_NOPE}&r=${OTHER}',
    );
    expect(substituteMacros('/plain', bare)).toBe('/plain');
  });
});
