import { describe, expect, it } from 'vitest';
import {
  checkKeys,
  FRACTION,
  integerIn,
  issue,
  levenshtein,
  mustBe,
  NON_NEGATIVE,
  notNonEmptyArray,
  outOfOrder,
  POSITIVE,
  readEnum,
  readNullableNumber,
  readNumber,
  readField,
  readObject,
  required,
  shown,
  suggest,
  type Issue,
} from './issues.js';

/** What tests match: where the issue is and what kind it is, not its sentence. */
const at = (issues: readonly Issue[]): { path: string; code: string }[] =>
  issues.map(({ path, code }) => ({ path, code }));

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
    // The wording is the feature here: the suggestion, or the list to choose from.
    expect(issues).toEqual([
      { path: 'a.price.valu', code: 'SCN_ERR_UNKNOWN_KEY', message: 'unknown key (did you mean "value"?)' },
      { path: 'a.price.colour', code: 'SCN_ERR_UNKNOWN_KEY', message: 'unknown key (expected one of model, value)' },
    ]);
  });

  it('returns the number only when it is valid, classifying what came instead', () => {
    const issues: Issue[] = [];
    expect(readNumber({ v: 2 }, 'v', POSITIVE, undefined, 'p', issues)).toBe(2);
    expect(readNumber({ v: 0 }, 'v', NON_NEGATIVE, undefined, 'p', issues)).toBe(0);
    expect(readNumber({ v: true }, 'v', NON_NEGATIVE, undefined, 'p', issues)).toBeUndefined();
    expect(readNumber({ v: -5 }, 'v', POSITIVE, undefined, 'p', issues)).toBeUndefined();
    expect(readNumber({ v: -1 }, 'v', NON_NEGATIVE, undefined, 'p', issues)).toBeUndefined();
    expect(readNumber({ v: Infinity }, 'v', NON_NEGATIVE, undefined, 'p', issues)).toBeUndefined();
    expect(readNumber({ v: 1.5 }, 'v', FRACTION, undefined, 'p', issues)).toBeUndefined();
    expect(readNumber({ v: 2.5 }, 'v', integerIn(1, 3), undefined, '', issues)).toBeUndefined();
    expect(readNumber({ v: 0.5 }, 'v', integerIn(1, 3), undefined, '', issues)).toBeUndefined();
    expect(readNumber({ v: 4 }, 'v', integerIn(1, 3), undefined, '', issues)).toBeUndefined();
    expect(readNumber({ v: NaN }, 'v', POSITIVE, undefined, '', issues)).toBeUndefined();
    expect(readNumber({ v: '2' }, 'v', POSITIVE, undefined, '', issues)).toBeUndefined();
    expect(at(issues)).toEqual([
      { path: 'p.v', code: 'SCN_ERR_NOT_A_NUMBER' },
      { path: 'p.v', code: 'SCN_ERR_OUT_OF_RANGE' },
      { path: 'p.v', code: 'SCN_ERR_OUT_OF_RANGE' },
      { path: 'p.v', code: 'SCN_ERR_NOT_A_NUMBER' },
      { path: 'p.v', code: 'SCN_ERR_OUT_OF_RANGE' },
      { path: 'v', code: 'SCN_ERR_NOT_AN_INTEGER' },
      // Both a fraction and below the range: the fraction is what is reported.
      { path: 'v', code: 'SCN_ERR_NOT_AN_INTEGER' },
      { path: 'v', code: 'SCN_ERR_OUT_OF_RANGE' },
      { path: 'v', code: 'SCN_ERR_NOT_A_NUMBER' },
      { path: 'v', code: 'SCN_ERR_NOT_A_NUMBER' },
    ]);
  });

  it('words a wrong number as what was expected and what came', () => {
    const issues: Issue[] = [];
    readNumber({ v: -5 }, 'v', POSITIVE, undefined, 'p', issues);
    readNumber({ v: Infinity }, 'v', NON_NEGATIVE, undefined, 'p', issues);
    readNumber({ v: 2.5 }, 'v', integerIn(1, 3), undefined, 'p', issues);
    expect(issues.map((i) => i.message)).toEqual([
      'must be a positive number (got -5)',
      'must be a number >= 0 (got Infinity)',
      'must be an integer from 1 to 3 (got 2.5)',
    ]);
  });

  it('gives the fallback for an absent number, or says it is required when there is none', () => {
    const issues: Issue[] = [];
    expect(readNumber({}, 'v', POSITIVE, 7, 'p', issues)).toBe(7);
    expect(readNumber({}, 'v', POSITIVE, undefined, 'p', issues)).toBeUndefined();
    expect(readNullableNumber({ v: null }, 'v', POSITIVE, 'p', issues)).toBeNull();
    expect(at(issues)).toEqual([{ path: 'p.v', code: 'SCN_ERR_MISSING' }]);
  });

  it('reads one of a list, with a did-you-mean, the fallback, or is required', () => {
    const issues: Issue[] = [];
    const models = ['constant', 'uniform'] as const;
    expect(readEnum({ model: 'uniform' }, 'model', models, undefined, 'p', issues)).toBe('uniform');
    expect(readEnum({}, 'model', models, 'constant', 'p', issues)).toBe('constant');
    expect(readEnum({}, 'model', models, undefined, 'p', issues)).toBeUndefined();
    expect(readEnum({ model: 'unifrom' }, 'model', models, undefined, 'p', issues)).toBeUndefined();
    expect(readEnum({ model: 3 }, 'model', models, undefined, 'p', issues)).toBeUndefined();
    expect(at(issues)).toEqual([
      { path: 'p.model', code: 'SCN_ERR_MISSING' },
      { path: 'p.model', code: 'SCN_ERR_NOT_ONE_OF' },
      { path: 'p.model', code: 'SCN_ERR_NOT_ONE_OF' },
    ]);
    // The options and the did-you-mean are the point of these messages.
    expect(issues.map((i) => i.message)).toEqual([
      'is required (one of constant, uniform)',
      'must be one of constant, uniform (got "unifrom"; did you mean "uniform"?)',
      'must be one of constant, uniform (got 3)',
    ]);
  });

  it('reads any field in the same form: fallback, required, or what was expected and what came', () => {
    const issues: Issue[] = [];
    const word = (v: unknown): v is string => typeof v === 'string' && /^[a-z]+$/.test(v);
    const code = 'SCN_ERR_BAD_FORMAT';
    expect(readField({ w: 'ok' }, 'w', word, 'a lower-case word', code, undefined, 'p', issues)).toBe('ok');
    expect(readField({}, 'w', word, 'a lower-case word', code, 'dflt', 'p', issues)).toBe('dflt');
    expect(readField({}, 'w', word, 'a lower-case word', code, undefined, 'p', issues)).toBeUndefined();
    expect(readField({ w: 'A b' }, 'w', word, 'a lower-case word', code, 'dflt', 'p', issues)).toBeUndefined();
    const byValue = (): 'SCN_ERR_WRONG_TYPE' => 'SCN_ERR_WRONG_TYPE';
    expect(readField({ w: 5 }, 'w', word, 'a lower-case word', byValue, 'dflt', 'p', issues)).toBeUndefined();
    expect(issues).toEqual([
      { path: 'p.w', code: 'SCN_ERR_MISSING', message: 'is required' },
      { path: 'p.w', code: 'SCN_ERR_BAD_FORMAT', message: 'must be a lower-case word (got "A b")' },
      { path: 'p.w', code: 'SCN_ERR_WRONG_TYPE', message: 'must be a lower-case word (got 5)' },
    ]);
  });

  it('reads an object, {} when absent', () => {
    const issues: Issue[] = [];
    expect(readObject({}, 'o', '', issues)).toEqual({});
    expect(readObject({ o: [1] }, 'o', '', issues)).toBeUndefined();
    expect(at(issues)).toEqual([{ path: 'o', code: 'SCN_ERR_WRONG_TYPE' }]);
  });

  it('makes every issue with its code and message together, in the shared forms', () => {
    expect(issue('a', 'SCN_ERR_BAD_SUM', 'x')).toEqual({ path: 'a', code: 'SCN_ERR_BAD_SUM', message: 'x' });
    expect(mustBe('a', 'SCN_ERR_BAD_FORMAT', 'a URL', 5, '; hint')).toEqual({
      path: 'a',
      code: 'SCN_ERR_BAD_FORMAT',
      message: 'must be a URL (got 5; hint)',
    });
    expect(required('a')).toEqual({ path: 'a', code: 'SCN_ERR_MISSING', message: 'is required' });
    expect(required('a', 'one of x, y').message).toBe('is required (one of x, y)');
    expect(outOfOrder('a', 'greater than b (2)')).toEqual({
      path: 'a',
      code: 'SCN_ERR_ORDER',
      message: 'must be greater than b (2)',
    });
    expect(at([notNonEmptyArray('a', 'things', []), notNonEmptyArray('b', 'things', {})])).toEqual([
      { path: 'a', code: 'SCN_ERR_EMPTY' },
      { path: 'b', code: 'SCN_ERR_WRONG_TYPE' },
    ]);
    expect(notNonEmptyArray('a', 'things', []).message).toBe('must be a non-empty array of things (got [])');
  });

  it('shows a bad value as JSON cut to one short line, numbers as written', () => {
    expect(shown(undefined)).toBe('nothing');
    expect(shown(NaN)).toBe('NaN');
    expect(shown('x')).toBe('"x"');
    expect(shown([])).toBe('[]');
    expect(shown('a'.repeat(100))).toBe(`"${'a'.repeat(56)}...`);
  });
});
