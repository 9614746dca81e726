// `--segment I/N` and `--segments N` (with JOB_COMPLETION_INDEX): which share of a run's arrivals this
// process runs (src/sim/run/arrivals.ts segmentArrivals). I counts from 0, as Kubernetes sets
// JOB_COMPLETION_INDEX in an Indexed Job's pods; the index alone, without --segments, is never acted on,
// so a pod of some other Job that happens to carry it runs the whole scenario. Pure: the caller exits
// 2 with the message.

import { LIMITS } from '../scenario/limits.js';
import { WHOLE_RUN, type Segment } from '../run/arrivals.js';

export const JOB_INDEX_ENV = 'JOB_COMPLETION_INDEX';

const INTEGER = /^(0|[1-9]\d{0,8})$/;
const shown = (text: string): string => JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);

function count(flag: string, text: string, got: string): number | string {
  const n = INTEGER.test(text) ? Number(text) : NaN;
  if (n >= 1 && n <= LIMITS.segments) return n;
  return `${flag}: the count of segments must be an integer from 1 to ${LIMITS.segments} (got ${shown(got)})`;
}

function index(what: string, text: string, n: number, got: string): number | string {
  const i = INTEGER.test(text) ? Number(text) : NaN;
  if (i >= 0 && i < n) return i;
  return `${what}: the segment index must be an integer from 0 to ${n - 1}, counted from 0 (got ${shown(got)})`;
}

/** The segment the flags ask for, or the message naming the flag (or variable) at fault. */
export function segmentFromFlags(
  segment: string | undefined,
  segments: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): Segment | string {
  if (segment !== undefined && segments !== undefined)
    return `--segment and --segments: give one (--segments N takes the index from ${JOB_INDEX_ENV})`;
  if (segment !== undefined) {
    const m = /^(.*)\/(.*)$/.exec(segment);
    if (m === null)
      return `--segment: must be I/N, segment I of N counted from 0, as 0/2 and 1/2 (got ${shown(segment)})`;
    const n = count('--segment', m[2]!, segment);
    if (typeof n === 'string') return n;
    const i = index('--segment', m[1]!, n, segment);
    return typeof i === 'string' ? i : { index: i, count: n };
  }
  if (segments !== undefined) {
    const n = count('--segments', segments, segments);
    if (typeof n === 'string') return n;
    const from = env[JOB_INDEX_ENV];
    if (from === undefined)
      return `--segments: needs ${JOB_INDEX_ENV} in the environment, as a Kubernetes Indexed Job sets it (or give --segment I/N)`;
    const i = index(`${JOB_INDEX_ENV} (with --segments ${n})`, from, n, from);
    return typeof i === 'string' ? i : { index: i, count: n };
  }
  return WHOLE_RUN;
}

/** The folder of a segment's report inside the run's folder. */
export const segmentFolder = (s: Segment): string => `segment-${s.index}-of-${s.count}`;
