import { describe, expect, it } from 'vitest';
import { parseIndexFlags, type IndexFlags } from './index-flags.js';

// A pair of flags that neither command uses, so the messages are seen to come from the spec.
const PARTS: IndexFlags = { one: '--part', many: '--parts', noun: 'part', max: 5 };
const parse = (one: string | undefined, many: string | undefined, env: Record<string, string> = {}) =>
  parseIndexFlags(PARTS, { one, many }, env);

describe('parseIndexFlags', () => {
  it('reads I/N, and N with the index from JOB_COMPLETION_INDEX, up to the spec’s maximum', () => {
    expect(parse('4/5', undefined)).toEqual({ ok: true, share: { index: 4, count: 5 } });
    expect(parse(undefined, '5', { JOB_COMPLETION_INDEX: '0' })).toEqual({ ok: true, share: { index: 0, count: 5 } });
    expect(parse(undefined, undefined)).toEqual({ ok: true, share: null });
  });

  it('never acts on JOB_COMPLETION_INDEX without the count flag', () => {
    expect(parse(undefined, undefined, { JOB_COMPLETION_INDEX: '3' })).toEqual({ ok: true, share: null });
    expect(parse('1/2', undefined, { JOB_COMPLETION_INDEX: '0' })).toEqual({ ok: true, share: { index: 1, count: 2 } });
  });

  it('names the spec’s flag and noun, says what is expected and shows what was given', () => {
    const cases: Array<[string | undefined, string | undefined, Record<string, string>, string]> = [
      ['0/6', undefined, {}, '--part: the count of parts must be an integer from 1 to 5 (got "0/6")'],
      ['5/5', undefined, {}, '--part: the part index must be an integer from 0 to 4, counted from 0 (got "5/5")'],
      ['5', undefined, {}, '--part: must be I/N, part I of N counted from 0, as 0/2 and 1/2 (got "5")'],
      [undefined, '6', {}, '--parts: the count of parts must be an integer from 1 to 5 (got "6")'],
      [
        undefined,
        '2',
        { JOB_COMPLETION_INDEX: '1.0' },
        'JOB_COMPLETION_INDEX (with --parts 2): the part index must be an integer from 0 to 1, counted from 0 (got "1.0")',
      ],
      [
        undefined,
        '2',
        {},
        '--parts: needs JOB_COMPLETION_INDEX in the environment, as a Kubernetes Indexed Job sets it (or give --part I/N)',
      ],
      ['0/2', '2', {}, '--part and --parts: give one (--part I/N, or --parts N with JOB_COMPLETION_INDEX set)'],
    ];
    for (const [one, many, env, message] of cases) expect(parse(one, many, env)).toEqual({ ok: false, message });
  });

  it('shows a long value cut short', () => {
    const r = parse(`0/${'9'.repeat(100)}`, undefined);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/\(got "0\/9{38}…"\)$/);
  });
});
