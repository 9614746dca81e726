// `--segment I/N` and `--segments N` (with JOB_COMPLETION_INDEX): which share of a run's arrivals this
// process runs (src/sim/run/arrivals.ts segmentArrivals). The flags are read as index-flags.ts reads
// every such pair, so the index alone, without --segments, is never acted on and a pod of some other
// Job that happens to carry it runs the whole scenario. Pure: the caller exits 2 with the message.

import { LIMITS } from '../scenario/limits.js';
import { WHOLE_RUN, type Segment } from '../run/arrivals.js';
import { parseIndexFlags, type IndexFlags } from './index-flags.js';

const SEGMENT_FLAGS: IndexFlags = { one: '--segment', many: '--segments', noun: 'segment', max: LIMITS.segments };

/** The segment the flags ask for, or the message naming the flag (or variable) at fault. */
export function segmentFromFlags(
  segment: string | undefined,
  segments: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): Segment | string {
  const r = parseIndexFlags(SEGMENT_FLAGS, { one: segment, many: segments }, env);
  return r.ok ? (r.share ?? WHOLE_RUN) : r.message;
}

/** The folder of a segment's report inside the run's folder. */
export const segmentFolder = (s: Segment): string => `segment-${s.index}-of-${s.count}`;
