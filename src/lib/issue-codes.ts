// The stable codes of validation issues. A code says what kind of thing is wrong, so tools and tests
// match the code while the message, written for a person, is free to change. Each code is given
// where its issue is made (issues.ts), together with the message; this table is the whole set.

/** Every issue code, with what it means. */
export const ISSUE_CODES = {
  SCN_ERR_UNKNOWN_KEY: 'a key the schema does not have at that place (a typo, or a field of another model)',
  SCN_ERR_MISSING: 'a required field is absent',
  SCN_ERR_WRONG_TYPE:
    'the wrong kind of JSON value: not an object, an array or a boolean (true or false) where one is needed',
  SCN_ERR_EMPTY: 'an empty array where at least one entry is needed, or a file the scenario names that holds nothing',
  SCN_ERR_NOT_A_NUMBER: 'not a finite number where a number is needed: a string, null, a boolean, NaN or Infinity',
  SCN_ERR_NOT_AN_INTEGER: 'a number with a fraction where an integer is needed',
  SCN_ERR_OUT_OF_RANGE: 'a number outside its bounds: not positive, below 0, above 1, above a maximum',
  SCN_ERR_NOT_ONE_OF: 'not one of a fixed list of names (a model, a mode, an arrival process, an auction type)',
  SCN_ERR_BAD_FORMAT:
    'not a string of the required form: a name, a token, a ws(s):// or http(s):// URL with a host, a currency, a price token, a comparison',
  SCN_ERR_ORDER: 'a value that must be above or below another field is not (p99Ms > medianMs, warmupSec < durationSec)',
  SCN_ERR_BAD_SUM: 'shares that must add up to 1, or to at most 1, do not (mixture weights, fault shares)',
  SCN_ERR_CONFLICT:
    'fields that cannot go together: durationSec with auctions, hostile or external bidders in virtual mode, local groups with different tokens, `gzip` or `requestCostMs` on a WebSocket group, hostile bidders over HTTP',
  SCN_ERR_DUPLICATE: 'a bidder group name, leaf name or bidder host (in a group’s `hosts`) used twice',
  SCN_ERR_BAD_PATH:
    'a threshold or sweep key that is not a usable dotted path: malformed, into the prototype, naming nothing, or the sweep itself',
  SCN_ERR_TOO_LARGE:
    'input past a documented limit on its size: a file too large, nesting too deep, too many groups, leaves, thresholds or sweep runs, too many auctions or requests in flight',
  SCN_ERR_BAD_JSON: 'the scenario file is not valid JSON',
  SCN_ERR_NO_FILE: 'the scenario file, or a file it names, does not exist or cannot be read',
  SCN_ERR_BAD_LINE:
    'a line of a file the scenario names (an .hgrm, latency samples, recorded requests) is not what it must be; the message gives the line number',
} as const;

export type IssueCode = keyof typeof ISSUE_CODES;

/** Whether `value` is one of the codes above (for tools reading issues back from JSON). */
export function isIssueCode(value: unknown): value is IssueCode {
  return typeof value === 'string' && Object.hasOwn(ISSUE_CODES, value);
}
