import { describe, expect, it } from 'vitest';
import {
  checkKeys,
  FRACTION,
  integerIn,
  levenshtein,
  NON_NEGATIVE,
  POSITIVE,
  readEnum,
  readNullableNumber,
  readNumber,
  readField,
  readObject,
  shown,
  suggest,
  type Issue,
} from './issues.js';

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

describe('field readers', () => {
  it('reports unknown keys at their own path, with a did-you-mean or the keys it knows', () => {
    const issues: Issue[] = [];
    checkKeys({ model: 'x', valu: 1, colour: 2 }, ['model', 'value'], 'a.price', issues);
    expect(issues).toEqual([
      { path: 'a.price.valu', message: 'unknown key (did you mean "value"?)' },
      { path: 'a.price.colour', message: 'unknown key (expected one of model, value)' },
    ]);
  });

  it('returns the number only when it is valid, saying what was expected and what came', () => {
    const issues: Issue[] = [];
    expect(readNumber({ v: 2 }, 'v', POSITIVE, undefined, 'p', issues)).toBe(2);
    expect(readNumber({ v: 0 }, 'v', NON_NEGATIVE, undefined, 'p', issues)).toBe(0);
    expect(readNumber({ v: true }, 'v', NON_NEGATIVE, undefined, 'p', issues)).toBeUndefined();
    expect(readNumber({ v: -5 }, 'v', POSITIVE, undefined, 'p', issues)).toBeUndefined();
    expect(readNumber({ v: -1 }, 'v', NON_NEGATIVE, undefined, 'p', issues)).toBeUndefined();
    expect(readNumber({ v: Infinity }, 'v', NON_NEGATIVE, undefined, 'p', issues)).toBeUndefined();
    expect(readNumber({ v: 1.5 }, 'v', FRACTION, undefined, 'p', issues)).toBeUndefined();
    expect(readNumber({ v: 2.5 }, 'v', integerIn(1, 3), undefined, '', issues)).toBeUndefined();
    expect(issues).toEqual([
      { path: 'p.v', message: 'must be a number >= 0 (got true)' },
      { path: 'p.v', message: 'must be a positive number (got -5)' },
      { path: 'p.v', message: 'must be a number >= 0 (got -1)' },
      { path: 'p.v', message: 'must be a number >= 0 (got Infinity)' },
      { path: 'p.v', message: 'must be a number from 0 to 1 (got 1.5)' },
      { path: 'v', message: 'must be an integer from 1 to 3 (got 2.5)' },
    ]);
  });

  it('gives the fallback for an absent number, or says it is required when there is none', () => {
    const issues: Issue[] = [];
    expect(readNumber({}, 'v', POSITIVE, 7, 'p', issues)).toBe(7);
    expect(readNumber({}, 'v', POSITIVE, undefined, 'p', issues)).toBeUndefined();
    expect(readNullableNumber({ v: null }, 'v', POSITIVE, 'p', issues)).toBeNull();
    expect(issues).toEqual([{ path: 'p.v', message: 'is required' }]);
  });

  it('reads one of a list, with a did-you-mean, the fallback, or is required', () => {
    const issues: Issue[] = [];
    const models = ['constant', 'uniform'] as const;
    expect(readEnum({ model: 'uniform' }, 'model', models, undefined, 'p', issues)).toBe('uniform');
    expect(readEnum({}, 'model', models, 'constant', 'p', issues)).toBe('constant');
    expect(readEnum({}, 'model', models, undefined, 'p', issues)).toBeUndefined();
    expect(readEnum({ model: 'unifrom' }, 'model', models, undefined, 'p', issues)).toBeUndefined();
    expect(readEnum({ model: 3 }, 'model', models, undefined, 'p', issues)).toBeUndefined();
    expect(issues).toEqual([
      { path: 'p.model', message: 'is required (one of constant, uniform)' },
      { path: 'p.model', message: 'must be one of constant, uniform (got "unifrom"; did you mean "uniform"?)' },
      { path: 'p.model', message: 'must be one of constant, uniform (got 3)' },
    ]);
  });

  it('reads any field in the same form: fallback, required, or what was expected and what came', () => {
    const issues: Issue[] = [];
    const word = (v: unknown): v is string => typeof v === 'string' && /^[a-z]+$/.test(v);
    expect(readField({ w: 'ok' }, 'w', word, 'a lower-case word', undefined, 'p', issues)).toBe('ok');
    expect(readField({}, 'w', word, 'a lower-case word', 'dflt', 'p', issues)).toBe('dflt');
    expect(readField({}, 'w', word, 'a lower-case word', undefined, 'p', issues)).toBeUndefined();
    expect(readField({ w: 'A b' }, 'w', word, 'a lower-case word', 'dflt', 'p', issues)).toBeUndefined();
    expect(issues).toEqual([
      { path: 'p.w', message: 'is required' },
      { path: 'p.w', message: 'must be a lower-case word (got "A b")' },
    ]);
  });

  it('reads an object, {} when absent', () => {
    const issues: Issue[] = [];
    expect(readObject({}, 'o', '', issues)).toEqual({});
    expect(readObject({ o: [1] }, 'o', '', issues)).toBeUndefined();
    expect(issues).toEqual([{ path: 'o', message: 'must be an object (got [1])' }]);
  });

  it('shows a bad value as JSON cut to one short line, numbers as written', () => {
    expect(shown(undefined)).toBe('nothing');
    expect(shown(NaN)).toBe('NaN');
    expect(shown('x')).toBe('"x"');
    expect(shown([])).toBe('[]');
    expect(shown('a'.repeat(100))).toBe(`"${'a'.repeat(56)}...`);
  });
});
