// Drives a fan-out policy alone on simulated time, as the exchange would: requests to each leaf at a
// fixed spacing, each admitted or not, given a deadline, and settled later on the same clock (an
// answer at its latency when that is within the deadline, a timeout at the deadline otherwise), in
// time order. For the policies' unit tests before (and beside) the exchange's wiring.

import { MinHeap } from '../../src/lib/min-heap.js';
import { Outcome, type OutcomeCode } from '../../src/exchange/outcome.js';
import type { FanoutPolicy, NotSentReason } from '../../src/exchange/policies/policy.js';

/** What a leaf does with a request sent at `atMs`: answers after `ms` with `outcome`, or never. */
export type LeafBehaviour = (leaf: number, atMs: number) => { ms: number; outcome: OutcomeCode } | 'never';

export interface DriveOptions {
  leaves: number;
  /** Requests to every leaf per second, evenly spaced. */
  rate: number;
  fromMs?: number;
  untilMs: number;
  /** Each leaf's static deadline, ms. */
  staticMs: number;
  behaviour: LeafBehaviour;
  /** Called before each request goes out, at its time (for sampling the policy's state). */
  onTick?: (atMs: number) => void;
}

export interface SentRecord {
  leaf: number;
  atMs: number;
  notSent: NotSentReason | null;
  deadlineMs: number;
}

interface Settle {
  leaf: number;
  outcome: OutcomeCode;
  responseMs: number;
}

export function drive(policy: FanoutPolicy, o: DriveOptions): SentRecord[] {
  const due = new MinHeap<Settle>();
  const out: SentRecord[] = [];
  const gap = 1000 / o.rate;
  const settleUntil = (t: number): void => {
    while (due.size > 0 && due.peekKey() <= t) {
      const at = due.peekKey();
      const s = due.pop()!;
      policy.observe(s.leaf, s.outcome, s.responseMs, at);
    }
  };
  for (let i = 0; ; i++) {
    const t = (o.fromMs ?? 0) + i * gap;
    if (t >= o.untilMs) break;
    settleUntil(t);
    o.onTick?.(t);
    for (let leaf = 0; leaf < o.leaves; leaf++) {
      const notSent = policy.admit(leaf, t);
      if (notSent !== null) {
        out.push({ leaf, atMs: t, notSent, deadlineMs: NaN });
        continue;
      }
      const d = policy.deadlineMs(leaf, o.staticMs, t);
      out.push({ leaf, atMs: t, notSent: null, deadlineMs: d });
      const b = o.behaviour(leaf, t);
      if (b === 'never' || b.ms > d) due.push({ leaf, outcome: Outcome.TIMED_OUT, responseMs: NaN }, t + d);
      else due.push({ leaf, outcome: b.outcome, responseMs: b.ms }, t + b.ms);
    }
  }
  settleUntil(Infinity);
  return out;
}

/** A policy that sends everything with the static deadline, for driving one part alone. */
export const SEND_ALL: FanoutPolicy = {
  admit: () => null,
  deadlineMs: (_leaf, staticMs) => staticMs,
  observe: () => undefined,
};
