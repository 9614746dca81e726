// The delays the bidder hosts themselves applied, merged per group. Set beside the response time
// the exchange measured for the same group, the difference is what the network, the sockets and
// queueing in both event loops added.

import type { LeafHostStats } from '../../bidders/host.js';
import { decodeHistogram, newHistogram, type Histogram } from '../../lib/histogram.js';

/**
 * One merged µs histogram per group, in the order groups first appear. `groupOf` maps a leaf name
 * to its group; a leaf the summary does not know is kept under its own name rather than dropped.
 */
export function hostDelaysByGroup(
  stats: readonly LeafHostStats[],
  groupOf: (leaf: string) => string | undefined,
): Map<string, Histogram> {
  const out = new Map<string, Histogram>();
  for (const s of stats) {
    const group = groupOf(s.name) ?? s.name;
    let h = out.get(group);
    if (h === undefined) {
      h = newHistogram();
      out.set(group, h);
    }
    h.add(decodeHistogram(s.delays));
  }
  return out;
}
