// OpenRTB 2.6 substitution macros (section 4.4) in the notice URLs a bid carries (`nurl`, `lurl`,
// `burl`): what the exchange puts in place of `${AUCTION_PRICE}` and the rest before it fetches one.
// Pure.

import type { BidSource, Notice } from './openrtb.js';

/** What the substitution reads: the notice the exchange made and the bid as the bidder sent it. */
export interface MacroInput extends Partial<BidSource> {
  notice: Notice;
  /** Unix milliseconds, for `${AUCTION_IMP_TS}`. */
  nowMs: number;
}

const MACRO = /\$\{(AUCTION_[A-Z_]+)\}/g;

/** The value of one macro, or undefined for a name this exchange does not know (left as written). */
function macroValue(name: string, m: MacroInput): string | undefined {
  const { notice, bid } = m;
  switch (name) {
    case 'AUCTION_ID':
      return notice.id;
    case 'AUCTION_BID_ID':
      return m.response?.bidid ?? '';
    case 'AUCTION_IMP_ID':
      return notice.impid;
    case 'AUCTION_SEAT_ID':
      return m.seat?.seat ?? '';
    case 'AUCTION_AD_ID':
      return bid?.adid ?? '';
    case 'AUCTION_PRICE':
      return String(notice.price);
    case 'AUCTION_CURRENCY':
      return m.response?.cur ?? 'USD';
    case 'AUCTION_MBR':
      // Market bid ratio: the clearing price over the bid.
      return bid !== undefined && bid.price > 0 ? String(notice.price / bid.price) : '';
    case 'AUCTION_LOSS':
      return String(notice.loss);
    case 'AUCTION_MIN_TO_WIN':
    case 'AUCTION_MINIMUM_BID_TO_WIN':
      // What the impression cleared at, which a loser had to reach; unknown when it went unsold.
      return notice.notice === 'loss' && notice.price > 0 ? String(notice.price) : '';
    case 'AUCTION_MULTIPLIER':
      return '1';
    case 'AUCTION_IMP_TS':
      return notice.notice === 'win' ? String(m.nowMs) : '';
    case 'AUCTION_DISCOUNT_PCT':
    case 'AUCTION_DISCOUNT_CPM':
      return '0';
  }
  return undefined;
}

/**
 * `url` with every known `${AUCTION_…}` macro replaced by its value, URL-encoded; unknown ones stay as
 * they are written.
 */
export function substituteMacros(url: string, m: MacroInput): string {
  if (url.indexOf('${') < 0) return url;
  return url.replace(MACRO, (whole, name: string) => {
    const value = macroValue(name, m);
    return value === undefined ? whole : encodeURIComponent(value);
  });
}
