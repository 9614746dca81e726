// A bidder leaf for tests that need a real one and nothing particular of it: it answers every
// request after 1 ms with a bid of 1.0 on each impression.

import type { LeafConfig } from '../../src/bidders/config.js';

export function plainLeaf(name = 'dsp-1', group = 'dsp'): LeafConfig {
  return {
    name,
    group,
    latency: { model: 'constant', ms: 1 },
    bid: { rate: 1, price: { model: 'constant', value: 1 }, shade: 1 },
    faults: { timeout: 0, malformed: 0, disconnect: 0 },
  };
}
