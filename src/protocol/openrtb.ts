// The OpenRTB 2.6 subset this simulator puts on the wire. Pure types: imported by both the exchange
// and the bidders, importing nothing of the project.

/** Auction type, OpenRTB `at`: 1 first price, 2 second price plus. */
export type AuctionType = 1 | 2;

export interface Banner {
  w: number;
  h: number;
}

export interface Imp {
  id: string;
  bidfloor: number;
  bidfloorcur: string;
  banner?: Banner;
  tagid?: string;
  secure?: 0 | 1;
}

export interface Publisher {
  id: string;
  name?: string;
}

// Site, App, Device and User: OpenRTB only recommends their ids, so a recorded request may lack them
// (the bidder host takes it: parse.ts); the generated requests fill them all.
export interface Site {
  id?: string;
  domain?: string;
  page?: string;
  cat?: string[];
  publisher?: Publisher;
}

export interface App {
  id?: string;
  bundle?: string;
  name?: string;
  publisher?: Publisher;
}

export interface Device {
  ua?: string;
  ip?: string;
  devicetype?: number;
  os?: string;
  language?: string;
}

export interface User {
  id?: string;
  buyeruid?: string;
}

/** Exchange → bidder. `tmax` is the milliseconds the bidder has left to answer. */
export interface BidRequest {
  id: string;
  imp: Imp[];
  tmax: number;
  at: AuctionType;
  cur: string[];
  site?: Site;
  app?: App;
  device?: Device;
  user?: User;
}

export interface Bid {
  id: string;
  impid: string;
  price: number;
  adm?: string;
  /** Win notice URL: fetched when the bid wins (HTTP links), with the macros substituted. */
  nurl?: string;
  /** Loss notice URL: fetched when the bid loses. */
  lurl?: string;
  /** Billing notice URL: fetched with the win (the simulator bills every impression it sells). */
  burl?: string;
  adid?: string;
  crid?: string;
  adomain?: string[];
  dealid?: string;
}

export interface SeatBid {
  seat?: string;
  bid: Bid[];
}

/**
 * Bidder → exchange. A bid carries `seatbid`; a no-bid is the request's `id` with an `nbr` code and no
 * `seatbid` (there is no HTTP 204 on a WebSocket).
 */
export interface BidResponse {
  id: string;
  seatbid?: SeatBid[];
  bidid?: string;
  cur?: string;
  nbr?: number;
}

/** A bid as the bidder sent it, with its seat and response (parsed, never copied): what notices by URL read. */
export interface BidSource {
  bid: Bid;
  seat: SeatBid;
  response: BidResponse;
}

/**
 * Exchange → bidder after the close: what the `nurl`/`lurl` would carry with `${AUCTION_PRICE}` and
 * `${AUCTION_LOSS}` substituted. One notice per bid the bidder made.
 */
export interface Notice {
  notice: 'win' | 'loss';
  /** The request id. */
  id: string;
  impid: string;
  bidid: string;
  /** The clearing price of the impression (0 when it went unsold). */
  price: number;
  /** OpenRTB loss reason code; 0 on a win. */
  loss: number;
}
