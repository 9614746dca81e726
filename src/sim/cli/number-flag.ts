// Number flags, one rule for every command: plain decimal within the flag's bounds, else exit 2
// naming the flag. Number() alone takes `0x50`, `0b1`, `1e3`, `Infinity` and blanks: `--port 0x50`
// bound port 80.

import { MAX_NUMBER_CHARS, parseDecimal } from './args.js';
import { fail } from './common.js';
import { EXIT } from './exit-codes.js';

export interface NumberBounds {
  integer?: boolean;
  min?: number;
  max?: number;
}

/**
 * A number flag's value in plain decimal within `bounds`, or exit 2 naming the flag:
 * `--port: must be an integer from 0 to 65535 (got "x")`. Values are quoted cut to MAX_NUMBER_CHARS.
 */
export function numberFlag(flag: string, text: string, bounds: NumberBounds = {}): number {
  const n = parseDecimal(text);
  const { integer = false, min, max } = bounds;
  if (n !== undefined && (!integer || Number.isInteger(n)) && !(n < (min ?? -Infinity)) && !(n > (max ?? Infinity)))
    return n;
  const what = integer ? 'an integer' : 'a number';
  const range =
    min !== undefined && max !== undefined
      ? ` from ${min} to ${max}`
      : min !== undefined
        ? ` of at least ${min}`
        : max !== undefined
          ? ` of at most ${max}`
          : '';
  // `0x50` and `1e3` are numbers to Number(), and not what the flag takes.
  const plain =
    n === undefined && text.trim() !== '' && Number.isFinite(Number(text)) ? ', written in plain decimal' : '';
  const shown = text.length > MAX_NUMBER_CHARS ? `${text.slice(0, MAX_NUMBER_CHARS)}…` : text;
  fail(EXIT.badInput, `--${flag}: must be ${what}${range}${plain} (got "${shown}")`);
}
