import { describe, expect, it } from 'vitest';
import { segmentFolder, segmentFromFlags } from './segment-flag.js';

describe('segmentFromFlags', () => {
  it('reads I/N and JOB_COMPLETION_INDEX with --segments N alike', () => {
    expect(segmentFromFlags('1/3', undefined, {})).toEqual({ index: 1, count: 3 });
    expect(segmentFromFlags(undefined, '3', { JOB_COMPLETION_INDEX: '2' })).toEqual({ index: 2, count: 3 });
    expect(segmentFromFlags('0/1', undefined, {})).toEqual({ index: 0, count: 1 });
    expect(segmentFolder({ index: 2, count: 3 })).toBe('segment-2-of-3');
  });

  it('never acts on JOB_COMPLETION_INDEX alone', () => {
    expect(segmentFromFlags(undefined, undefined, { JOB_COMPLETION_INDEX: '1' })).toEqual({ index: 0, count: 1 });
  });

  it('names the flag of a bad spec: 2/2, 0/0, -1/2 and the like', () => {
    const bad: Array<[string | undefined, string | undefined, Record<string, string>, RegExp]> = [
      ['2/2', undefined, {}, /^--segment: the segment index must be an integer from 0 to 1.*"2\/2"/],
      ['0/0', undefined, {}, /^--segment: the count of segments must be an integer from 1 to 10000.*"0\/0"/],
      ['-1/2', undefined, {}, /^--segment: the segment index must be .*"-1\/2"/],
      ['1', undefined, {}, /^--segment: must be I\/N/],
      ['a/b', undefined, {}, /^--segment: the count/],
      ['01/2', undefined, {}, /^--segment: the segment index/],
      ['0/10001', undefined, {}, /^--segment: the count of segments must be an integer from 1 to 10000/],
      ['0/2', '2', {}, /^--segment and --segments: give one/],
      [undefined, '2', {}, /^--segments: needs JOB_COMPLETION_INDEX in the environment/],
      [undefined, '0', { JOB_COMPLETION_INDEX: '0' }, /^--segments: the count of segments/],
      [undefined, '2', { JOB_COMPLETION_INDEX: '2' }, /^JOB_COMPLETION_INDEX \(with --segments 2\): the segment index/],
      [undefined, '2', { JOB_COMPLETION_INDEX: '' }, /^JOB_COMPLETION_INDEX \(with --segments 2\)/],
    ];
    for (const [segment, segments, env, message] of bad)
      expect(segmentFromFlags(segment, segments, env)).toMatch(message);
  });
});
