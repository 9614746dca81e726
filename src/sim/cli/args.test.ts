import { describe, expect, it } from 'vitest';
import { joinNegativeValues, MAX_NUMBER_CHARS, parseDecimal } from './args.js';

const options = {
  duration: { type: 'string' },
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

describe('joinNegativeValues', () => {
  it('joins a negative number to the string option before it', () => {
    expect(joinNegativeValues(['--duration', '-1', 'f.json'], options)).toEqual(['--duration=-1', 'f.json']);
    expect(joinNegativeValues(['--duration', '-.5'], options)).toEqual(['--duration=-.5']);
    expect(joinNegativeValues(['--duration', '-Infinity'], options)).toEqual(['--duration=-Infinity']);
  });

  it('leaves other dashes alone: options, boolean flags, unknown options, after --', () => {
    expect(joinNegativeValues(['--out', '--help'], options)).toEqual(['--out', '--help']);
    expect(joinNegativeValues(['--help', '-1'], options)).toEqual(['--help', '-1']);
    expect(joinNegativeValues(['--nope', '-1'], options)).toEqual(['--nope', '-1']);
    expect(joinNegativeValues(['--duration=-2', '-1'], options)).toEqual(['--duration=-2', '-1']);
    expect(joinNegativeValues(['--', '--duration', '-1'], options)).toEqual(['--', '--duration', '-1']);
  });
});

describe('parseDecimal', () => {
  it('takes plain decimal numbers, negative ones and fractions', () => {
    expect(['80', '0', '-1', '0.5', '.5', '12.25', '007'].map(parseDecimal)).toEqual([80, 0, -1, 0.5, 0.5, 12.25, 7]);
  });

  it('refuses what Number() takes but no one means as a flag value: hex, binary, octal, exponents, Infinity, blanks', () => {
    for (const text of [
      '0x50',
      '0b1',
      '0o7',
      '1e3',
      'Infinity',
      '-Infinity',
      'NaN',
      '',
      ' 8',
      '8 ',
      '+8',
      '1.',
      '1_000',
    ])
      expect(parseDecimal(text), text).toBeUndefined();
  });

  it(`refuses a value longer than ${MAX_NUMBER_CHARS} characters without reading it`, () => {
    expect(parseDecimal('1'.repeat(MAX_NUMBER_CHARS))).toBe(Number('1'.repeat(MAX_NUMBER_CHARS)));
    expect(parseDecimal('1'.repeat(MAX_NUMBER_CHARS + 1))).toBeUndefined();
  });
});
