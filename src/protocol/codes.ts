// OpenRTB named codes: no-bid reasons (BidResponse.nbr) and loss reasons (${AUCTION_LOSS}).

/** OpenRTB 2.x no-bid reason codes, plus 15 from the 2.6 list. */
export const NoBidReason = {
  UNKNOWN_ERROR: 0,
  TECHNICAL_ERROR: 1,
  INVALID_REQUEST: 2,
  KNOWN_WEB_SPIDER: 3,
  SUSPECTED_NON_HUMAN_TRAFFIC: 4,
  CLOUD_DATACENTER_PROXY_IP: 5,
  UNSUPPORTED_DEVICE: 6,
  BLOCKED_PUBLISHER: 7,
  UNMATCHED_USER: 8,
  DAILY_READER_CAP: 9,
  DAILY_DOMAIN_CAP: 10,
  INSUFFICIENT_AUCTION_TIME: 15,
} as const;
export type NoBidReasonCode = (typeof NoBidReason)[keyof typeof NoBidReason];

/** OpenRTB loss reason codes. */
export const LossReason = {
  WON: 0,
  INTERNAL_ERROR: 1,
  EXPIRED: 2,
  INVALID_RESPONSE: 3,
  INVALID_DEAL_ID: 4,
  INVALID_AUCTION_ID: 5,
  INVALID_ADVERTISER_DOMAIN: 6,
  MISSING_MARKUP: 7,
  MISSING_CREATIVE_ID: 8,
  MISSING_BID_PRICE: 9,
  BELOW_FLOOR: 100,
  BELOW_DEAL_FLOOR: 101,
  LOST_TO_HIGHER_BID: 102,
  LOST_TO_PMP_BID: 103,
  SEAT_BLOCKED: 104,
} as const;
export type LossReasonCode = (typeof LossReason)[keyof typeof LossReason];
