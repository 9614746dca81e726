// How numbers read on every page: report.md, report.html, sweep.md and sweep.html all format here,
// so a figure reads the same wherever it is shown. Measurements keep the significant digits that
// fit them rather than a fixed number of decimals (a 0.0123 ms overshoot and a 1234 ms tail both
// stay readable), integer parts are never rounded away or written with an exponent, and groups of
// three digits are set apart by a narrow no-break space (it neither wraps nor reads as a decimal
// mark). A value that is not a finite number shows as an em dash.

/** What a missing or non-finite value shows as. */
export const NONE = '—';

/** U+202F, the narrow no-break space: the thin space that never breaks a number across lines. */
const GROUP = '\u202f';

/** Significant digits a measurement keeps. */
const DIGITS = 3;

/** Below this magnitude a measurement is written with an exponent (1.23e-7) instead of 0.000000123. */
const TINY = 1e-6;

/** The decimal exponent of x > 0: 1.5 → 0, 0.01 → -2 (corrected where log10 rounds across a power). */
function exponent(x: number): number {
  let e = Math.floor(Math.log10(x));
  if (10 ** e > x) e--;
  else if (10 ** (e + 1) <= x) e++;
  return e;
}

/** Decimals that show x > 0 to `digits` significant digits (none for an integer part that long). */
function sigDecimals(x: number, digits: number): number {
  let d = Math.max(0, digits - 1 - exponent(x));
  // Rounding can carry into the next decade (9.996 → 10.0): one decimal fewer keeps the digit count.
  if (d > 0 && Number(x.toFixed(d)) >= 10 ** (digits - d)) d--;
  return d;
}

/** x ≥ 0 with `decimals` decimals, grouped; never an exponent (toFixed writes one from 1e21 on). */
function fixed(x: number, decimals: number): string {
  const text = x >= 1e21 ? BigInt(Math.round(x)).toString() : x.toFixed(decimals);
  const [int, frac] = text.split('.');
  return grouped(int!, frac);
}

/** Integer digits in groups of three, then the fraction's digits if any. */
function grouped(int: string, frac: string | undefined): string {
  return int.replace(/\B(?=(\d{3})+$)/g, GROUP) + (frac === undefined ? '' : `.${frac}`);
}

/** A sign only where the digits shown are not all zero (no "-0"). */
const signed = (negative: boolean, digits: string): string =>
  negative && /[1-9]/.test(digits) ? `-${digits}` : digits;

/** x to three significant digits, trailing zeros kept (they say how precise the figure is). */
function significant(x: number, minDecimals = 0): string {
  const a = Math.abs(x);
  if (a < TINY) return x.toPrecision(DIGITS);
  return signed(x < 0, fixed(a, Math.max(minDecimals, sigDecimals(a, DIGITS))));
}

/** Milliseconds, three significant digits: 0.0123, 1.23, 12.3, 123, 1 234. */
export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return NONE;
  return ms === 0 ? '0' : significant(ms);
}

/**
 * Milliseconds beside a limit they are compared with (a p99 against tmax): as fmtMs, but in full
 * where three digits would read as the limit itself (99.996 under a tmax of 100 is not "100").
 */
export function fmtMsAgainst(ms: number, limitMs: number): string {
  const shown = fmtMs(ms);
  return ms !== limitMs && parseShown(shown) === limitMs ? fmtExact(ms) : shown;
}

/** Counts, whole and grouped: 1 234 567. */
export function fmtInt(n: number): string {
  if (!Number.isFinite(n)) return NONE;
  const r = Math.round(n);
  return signed(r < 0, fixed(Math.abs(r), 0));
}

/**
 * A fraction of 1 as a percentage to three significant digits (0.014657 → 1.47%, 0.5 → 50.0%,
 * 0.0000123 → 0.00123%); a share short of all of it never reads as 100% (0.99987 → 99.99%).
 */
export function fmtPct(x: number): string {
  if (!Number.isFinite(x)) return NONE;
  if (x === 0) return '0%';
  const p = x * 100;
  const a = Math.abs(p);
  if (a < TINY) return `${p.toPrecision(DIGITS)}%`;
  let d = sigDecimals(a, DIGITS);
  // How far short of 100% it is, to 12 digits so float noise (100 - 99.9 = 0.0999…) is not read as a decade.
  const short = Number(((1 - x) * 100).toPrecision(12));
  if (x > 0 && x < 1 && short > 0) d = Math.max(d, -exponent(short));
  return `${signed(p < 0, fixed(a, d))}%`;
}

/** Money (revenue, CPMs): cents, and three significant digits below 1: 1 234.50, 1.50, 0.0123. */
export function fmtMoney(x: number): string {
  if (!Number.isFinite(x)) return NONE;
  return x === 0 ? '0.00' : significant(x, 2);
}

/** A measured quantity (seconds run, auctions per second): three significant digits, like fmtMs. */
export function fmtNum(x: number): string {
  if (!Number.isFinite(x)) return NONE;
  return x === 0 ? '0' : significant(x);
}

/**
 * A setting from the scenario (tmax, a rate, a floor, seconds of warm-up) as it was written: every
 * digit it has, none added (100, 12.25, 0.1), the integer part grouped. Twelve significant digits
 * at most, so a setting derived by arithmetic (tmax less the allowance) shows no float noise.
 */
export function fmtSetting(x: number): string {
  if (!Number.isFinite(x)) return NONE;
  const text = String(Number(Math.abs(x).toPrecision(12)));
  if (text.includes('e')) return String(x);
  const [int, frac] = text.split('.');
  return signed(x < 0, grouped(int!, frac));
}

/** A threshold's value and its actual, in full: the comparison was made at full precision. */
export function fmtExact(x: number): string {
  return Number.isFinite(x) ? String(x) : NONE;
}

const SEPARATORS = /[,\s\u202f\u2009]/g;

/** Parse a number as the formatters write it (groups, a trailing % or ms), back to summary.json units. */
export function parseShown(text: string): number {
  const t = text.trim().replace(/\s*ms$/, '');
  if (t === NONE) return NaN;
  const bare = t.replace(SEPARATORS, '');
  if (bare.endsWith('%')) return Number(bare.slice(0, -1)) / 100;
  return Number(bare);
}

/**
 * How far the value behind a shown number can be from it, in summary.json units: half a unit in its
 * last digit ("12.3" → 0.05, "1.47%" → 0.00005), and 0 for a zero, which the formatters write only
 * for an exact zero. Tests compare the pages with summary.json through this.
 */
export function shownTolerance(text: string): number {
  const t = text
    .trim()
    .replace(/\s*ms$/, '')
    .replace(SEPARATORS, '');
  const pct = t.endsWith('%');
  const m = /^-?(\d+)(?:\.(\d+))?(?:e([-+]?\d+))?%?$/.exec(t);
  if (m === null) return NaN;
  if (!/[1-9]/.test(`${m[1]}${m[2] ?? ''}`)) return 0;
  const tol = 0.5 * 10 ** (Number(m[3] ?? 0) - (m[2]?.length ?? 0));
  return pct ? tol / 100 : tol;
}
