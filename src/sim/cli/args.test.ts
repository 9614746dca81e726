import { describe, expect, it } from 'vitest';
import { joinNegativeValues } from './args.js';

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
