import { describe, expect, it } from 'vitest';
import { DEFAULTS, expandLeaves, type LocalGroup } from './scenario.js';
import { valid } from '../../../test/helpers/scenarios.js';

describe('expandLeaves', () => {
  const s = valid({
    bidders: [
      { name: 'dsp', count: 3, latency: { model: 'constant', ms: 5 } },
      { name: 'solo' },
      { name: 'partner', url: 'ws://127.0.0.1:9100/partner' },
    ],
  });

  it('names local leaves name-1 … name-n (count 1 too) and external leaves by group', () => {
    expect(expandLeaves(s).map((l) => (l.kind === 'local' ? l.config.name : l.name))).toEqual([
      'dsp-1',
      'dsp-2',
      'dsp-3',
      'solo-1',
      'partner',
    ]);
    expect(expandLeaves(s)[4]).toEqual({
      kind: 'external',
      name: 'partner',
      group: 'partner',
      url: 'ws://127.0.0.1:9100/partner',
    });
  });

  it('gives each leaf its group and its own copy of the profile', () => {
    const leaves = expandLeaves(s);
    const [a, b] = leaves;
    if (a?.kind !== 'local' || b?.kind !== 'local') throw new Error('expected local leaves');
    expect(a.config).toMatchObject({ group: 'dsp', latency: { model: 'constant', ms: 5 }, bid: DEFAULTS.group.bid });
    (a.config.latency as { ms: number }).ms = 99;
    a.config.bid.rate = 0;
    a.config.faults.timeout = 1;
    expect(b.config.latency).toEqual({ model: 'constant', ms: 5 });
    expect(b.config.bid.rate).toBe(0.9);
    expect(b.config.faults.timeout).toBe(0);
    expect((s.bidders[0] as LocalGroup).latency).toEqual({ model: 'constant', ms: 5 });
  });
});
