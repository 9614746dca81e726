// How numbers read in the reports. report.md and report.html share these, so the same figure is
// written the same way in both, and the tests can compare either against summary.json at the
// precision shown.

/** Milliseconds at summary.json's own precision (it rounds to the microsecond). */
export const fmtMs = (ms: number): string => ms.toFixed(3);

/** Counts with thousands separators; a reader scans 1,234,567 faster than 1234567. */
export const fmtInt = (n: number): string => Math.round(n).toLocaleString('en-US');

/** A fraction of 1 as a percentage with two decimals: 0.014657 → "1.47%". */
export const fmtPct = (x: number): string => `${(x * 100).toFixed(2)}%`;

/** Currency amounts (revenue, CPMs) to four decimals. */
export const fmtMoney = (x: number): string => x.toFixed(4);

/** Precision the formatters above keep, for tests that compare shown numbers with summary.json. */
export const SHOWN_PRECISION = { ms: 0.0005, pct: 0.00005, money: 0.00005 } as const;

/** Parse a number as the formatters write it (commas, a trailing %), back to summary.json units. */
export function parseShown(text: string): number {
  const t = text.trim().replace(/,/g, '');
  if (t.endsWith('%')) return Number(t.slice(0, -1)) / 100;
  return Number(t.replace(/\s*ms$/, ''));
}
