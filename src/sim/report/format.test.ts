import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fmtExact,
  fmtInt,
  fmtMoney,
  fmtMs,
  fmtMsAgainst,
  fmtNum,
  fmtSetting,
  fmtPct,
  NONE,
  parseShown,
  shownTolerance,
} from './format.js';

/** The narrow no-break space between groups of three digits. */
const G = '\u202f';

const NON_FINITE = [NaN, Infinity, -Infinity];

describe('fmtMs', () => {
  it('keeps three significant digits, and every digit of the integer part', () => {
    expect([0.0123, 1.23, 12.3, 123, 1234, 123456.7].map(fmtMs)).toEqual([
      '0.0123',
      '1.23',
      '12.3',
      '123',
      `1${G}234`,
      `123${G}457`,
    ]);
    expect([2, 50, 0.5, 1.005, 0.001].map(fmtMs)).toEqual(['2.00', '50.0', '0.500', '1.00', '0.00100']);
  });

  it('keeps three digits when rounding carries into the next decade', () => {
    expect([9.996, 99.96, 0.09996, 999.6].map(fmtMs)).toEqual(['10.0', '100', '0.100', `1${G}000`]);
  });

  it('writes zero, negatives, the very small and the very large plainly', () => {
    expect(fmtMs(0)).toBe('0');
    expect(fmtMs(-0)).toBe('0');
    expect(fmtMs(-1.234)).toBe('-1.23');
    expect(fmtMs(-0.0001234)).toBe('-0.000123');
    expect(fmtMs(1.234e-7)).toBe('1.23e-7');
    expect(fmtMs(1e22)).toBe(`10${G}000${G}000${G}000${G}000${G}000${G}000${G}000`);
    expect(fmtMs(Number.MAX_VALUE)).not.toMatch(/e/);
  });

  it('shows a non-finite value as an em dash', () => {
    expect(NON_FINITE.map(fmtMs)).toEqual([NONE, NONE, NONE]);
    expect(NONE).toBe('—');
  });

  it('never reads as the limit it is compared with unless it is that limit', () => {
    expect(fmtMsAgainst(99.996, 100)).toBe('99.996');
    expect(fmtMsAgainst(100.004, 100)).toBe('100.004');
    expect(fmtMsAgainst(100, 100)).toBe('100');
    expect(fmtMsAgainst(99.4, 100)).toBe('99.4');
  });
});

describe('fmtPct', () => {
  it('shows a fraction as a percentage to three significant digits', () => {
    expect([0.014657, 0.5, 1, 0.0000123, 0.1, 1.5].map(fmtPct)).toEqual([
      '1.47%',
      '50.0%',
      '100%',
      '0.00123%',
      '10.0%',
      '150%',
    ]);
  });

  it('never rounds a share short of all of it up to 100%', () => {
    expect([0.99987, 0.999996, 0.9995, 0.999].map(fmtPct)).toEqual(['99.99%', '99.9996%', '99.95%', '99.9%']);
  });

  it('shows no share between none and all of it as 0% or 100%', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, minExcluded: true, maxExcluded: true, noNaN: true }), (x) => {
        expect(['0%', '100%']).not.toContain(fmtPct(x));
      }),
      { numRuns: 2000 },
    );
  });

  it('writes zero, negatives, the very small and non-finite values', () => {
    expect(fmtPct(0)).toBe('0%');
    expect(fmtPct(-0.05)).toBe('-5.00%');
    expect(fmtPct(1e-10)).toBe('1.00e-8%');
    expect(NON_FINITE.map(fmtPct)).toEqual([NONE, NONE, NONE]);
  });
});

describe('fmtMoney', () => {
  it('shows cents, and three significant digits below 1', () => {
    expect([1.5, 12.345, 1234.5, 0.5, 0.012345, 1e6].map(fmtMoney)).toEqual([
      '1.50',
      '12.35',
      `1${G}234.50`,
      '0.500',
      '0.0123',
      `1${G}000${G}000.00`,
    ]);
  });

  it('writes zero, negatives and non-finite values', () => {
    expect(fmtMoney(0)).toBe('0.00');
    expect(fmtMoney(-2)).toBe('-2.00');
    expect(NON_FINITE.map(fmtMoney)).toEqual([NONE, NONE, NONE]);
  });
});

describe('fmtInt, fmtNum, fmtSetting, fmtExact', () => {
  it('counts: whole and grouped', () => {
    expect([0, 999, 1234567, -1234, 2.5, -0.4].map(fmtInt)).toEqual([
      '0',
      '999',
      `1${G}234${G}567`,
      `-1${G}234`,
      '3',
      '0',
    ]);
    expect(NON_FINITE.map(fmtInt)).toEqual([NONE, NONE, NONE]);
  });

  it('measured quantities: three significant digits, trailing zeros kept', () => {
    expect([4.997, 297.4, 0.1, 12.25, 0, 2994.66, -0.25].map(fmtNum)).toEqual([
      '5.00',
      '297',
      '0.100',
      '12.3',
      '0',
      `2${G}995`,
      '-0.250',
    ]);
    expect(NON_FINITE.map(fmtNum)).toEqual([NONE, NONE, NONE]);
  });

  it('settings read as written: every digit, none added', () => {
    expect([100, 12.25, 0.1, 1234.5, 0, -0.25, 1e21].map(fmtSetting)).toEqual([
      '100',
      '12.25',
      '0.1',
      `1${G}234.5`,
      '0',
      '-0.25',
      '1e+21',
    ]);
    expect(fmtSetting(0.3 - 0.1)).toBe('0.2');
    expect(NON_FINITE.map(fmtSetting)).toEqual([NONE, NONE, NONE]);
  });

  it('thresholds in full', () => {
    expect([0.014657, 120, 0].map(fmtExact)).toEqual(['0.014657', '120', '0']);
    expect(fmtExact(NaN)).toBe(NONE);
  });
});

describe('reading shown numbers back', () => {
  it('parses every form the formatters write', () => {
    expect(parseShown(`1${G}234.50`)).toBe(1234.5);
    expect(parseShown('1.47%')).toBeCloseTo(0.0147, 12);
    expect(parseShown('12.3 ms')).toBe(12.3);
    expect(parseShown('1,234')).toBe(1234);
    expect(parseShown('1.23e-7')).toBe(1.23e-7);
    expect(parseShown(NONE)).toBeNaN();
  });

  it('knows the precision a shown number carries', () => {
    expect(shownTolerance('12.3')).toBeCloseTo(0.05, 12);
    expect(shownTolerance('1.47%')).toBeCloseTo(0.00005, 12);
    expect(shownTolerance(`1${G}234`)).toBe(0.5);
    expect(shownTolerance('1.23e-7')).toBeCloseTo(0.005e-7, 20);
    expect(shownTolerance('0')).toBe(0);
    expect(shownTolerance('0.00')).toBe(0);
    expect(shownTolerance(NONE)).toBeNaN();
  });

  // Three significant digits: the value is within half a unit of the last digit shown (give or take
  // the float's own rounding), and that half unit is at most 0.5% of the number shown.
  const keepsThreeDigits = (fmt: (x: number) => string, x: number): void => {
    const shown = fmt(x);
    const tol = shownTolerance(shown);
    const slack = 4 * Number.EPSILON * Math.abs(x);
    expect(Math.abs(parseShown(shown) - x), `${x} → ${shown}`).toBeLessThanOrEqual(tol * (1 + 1e-9) + slack);
    expect(tol, `${x} → ${shown}`).toBeLessThanOrEqual(0.005 * Math.abs(parseShown(shown)) * (1 + 1e-9));
  };
  const values = fc.double({ min: -1e12, max: 1e12, noNaN: true, noDefaultInfinity: true });

  it('ms, percentages and money keep three significant digits over the whole range', () => {
    fc.assert(
      fc.property(values, (x) => {
        keepsThreeDigits(fmtMs, x);
        keepsThreeDigits(fmtPct, x);
        keepsThreeDigits(fmtMoney, x);
      }),
      { numRuns: 5000 },
    );
  });
});
