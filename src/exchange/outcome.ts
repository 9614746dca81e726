// What became of one request sent to one leaf. Every request sent ends in exactly one of ON_TIME,
// NO_BID, INVALID, TIMED_OUT, LOST; LATE marks a TIMED_OUT request whose answer came after the close.

export const Outcome = {
  /** Not sent: the leaf was skipped (no time left) — not counted as sent. */
  SKIPPED: 0,
  PENDING: 1,
  ON_TIME: 2,
  NO_BID: 3,
  INVALID: 4,
  TIMED_OUT: 5,
  LOST: 6,
  /** A TIMED_OUT request whose answer arrived after the close (still counted as timed out). */
  LATE: 7,
} as const;
export type OutcomeCode = (typeof Outcome)[keyof typeof Outcome];

/** Why a request timed out, where it is not simply its deadline: a secondary leaf cut off by the close. */
export type TimeoutReason = 'secondary-cut';
