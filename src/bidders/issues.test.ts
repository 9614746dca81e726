import { describe, expect, it } from 'vitest';
import { checkNumber, levenshtein, suggest, unknownKeyIssues, type Issue } from './issues.js';

describe('levenshtein', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['kitten', 'sitting', 3],
    ['medianms', 'medianMs', 1],
    ['flaw', 'lawn', 2],
  ])('distance(%s, %s) = %d', (a, b, d) => {
    expect(levenshtein(a, b)).toBe(d);
    expect(levenshtein(b, a)).toBe(d);
  });
});

describe('suggest', () => {
  it('ignores case', () => {
    expect(suggest('MEDIANMS', ['medianMs', 'p99Ms'])).toBe('medianMs');
  });

  it('picks the closest candidate within a third of the length', () => {
    expect(suggest('p99ms', ['medianMs', 'p99Ms'])).toBe('p99Ms');
    expect(suggest('lognormall', ['normal', 'lognormal'])).toBe('lognormal');
  });

  it('suggests nothing when no candidate is close', () => {
    expect(suggest('colour', ['medianMs', 'p99Ms'])).toBeUndefined();
    expect(suggest('x', ['ms'])).toBeUndefined();
  });
});

describe('field checks', () => {
  it('reports unknown keys at the object path', () => {
    expect(unknownKeyIssues({ model: 'x', valu: 1 }, ['model', 'value'], 'a.price')).toEqual([
      { path: 'a.price.valu', message: 'unknown key (did you mean "value"?)' },
    ]);
  });

  it('returns the number only when it is valid', () => {
    const issues: Issue[] = [];
    expect(checkNumber({ v: 2 }, 'v', 'p', { min: 0, exclusive: true }, issues)).toBe(2);
    expect(checkNumber({ v: 0 }, 'v', 'p', { min: 0, exclusive: false }, issues)).toBe(0);
    expect(checkNumber({ v: true }, 'v', 'p', { min: 0, exclusive: false }, issues)).toBeUndefined();
    expect(issues).toEqual([{ path: 'p.v', message: 'must be a finite number (got true)' }]);
  });
});
