// Negative flag values, for the CLIs' parser (command-spec.ts). parseArgs refuses `--tmax -5` as
// ambiguous (the value starts with a dash), which hides the real problem; joined as `--tmax=-5` the
// value reaches the scenario validator, which names it (`auction.tmaxMs: must be a positive number
// (got -5)`). Only a negative-looking number after a string option is joined, so `--out --help` still
// fails as a missing value.

import type { ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

const NEGATIVE_NUMBER = /^-(?:\.?\d|Infinity$|NaN$)/;

/** `argv` with each `--name -1` (name a string option) written `--name=-1`; all after `--` untouched. */
export function joinNegativeValues(argv: readonly string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const name = arg.startsWith('--') && !arg.includes('=') ? arg.slice(2) : undefined;
    const next = argv[i + 1];
    const takesValue = name !== undefined && Object.hasOwn(options, name) && options[name]?.type === 'string';
    if (takesValue && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

/** Plain decimal: an optional minus, digits, an optional fraction. Not hex, octal, binary, exponents, Infinity or blanks. */
const DECIMAL = /^-?(?:\d+(?:\.\d+)?|\.\d+)$/;

/** The most characters a number flag's value may have: longer is no number anyone types (and is not parsed). */
export const MAX_NUMBER_CHARS = 40;

/**
 * A number flag's value, when it is written in plain decimal (`80`, `-1`, `0.5`); undefined otherwise.
 * Number() alone takes `0x50`, `0b1`, `1e3`, `Infinity` and `' 8 '`: `--port 0x50` would bind port 80.
 */
export function parseDecimal(text: string): number | undefined {
  if (text.length > MAX_NUMBER_CHARS || !DECIMAL.test(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}
