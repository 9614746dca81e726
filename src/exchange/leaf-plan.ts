// Who an auction calls, what each leaf is told and how long each is waited for, when leaves differ:
// per-group deadlines (enforced) apart from the tmax they are told, per-group skips, secondary
// groups, and a fan-out policy's admissions and deadlines. The exchange asks the plan once per
// auction, before the scatter; without a plan (every leaf like the auction, no policy) it keeps its
// one-deadline path. Pure arithmetic over arrays the plan owns and reuses: nothing is allocated per
// auction unless a policy has moved a deadline since the auction before.

import type { InFlightAuction } from './in-flight.js';
import { Outcome } from './outcome.js';
import type { FanoutPolicy, NotSentReason } from './policies/policy.js';

/** How one leaf is called: its group's terms, with the auction's where the group sets none. */
export interface LeafTerms {
  /** The deadline enforced on the leaf, in ms after acceptance (at most the auction's tmax). */
  deadlineMs: number;
  /** Taken off the tmax the leaf is told (after the share), not off the time it is waited for. */
  toldDeductionMs: number;
  /** The share of its time left the leaf is told, in (0, 1]. */
  toldShare: number;
  /** The leaf is not called when it would be told less than this (skipped). */
  minBidderMs: number;
  /** The auction does not wait for it once every primary leaf has answered or timed out. */
  secondary: boolean;
}

/** Every leaf like the auction: what a scenario without group deadline fields means. */
export function uniformTerms(n: number, tmaxMs: number, minBidderMs: number): LeafTerms[] {
  return Array.from({ length: n }, () => ({
    deadlineMs: tmaxMs,
    toldDeductionMs: 0,
    toldShare: 1,
    minBidderMs,
    secondary: false,
  }));
}

/** What decide() found for one auction, in the plan's reused arrays and fields. */
export class LeafPlan {
  readonly size: number;
  /** Per leaf: the static deadline offset after acceptance. */
  readonly staticOffsets: readonly number[];
  /** Per leaf: 1 for a secondary leaf. */
  readonly secondary: Uint8Array;
  // ---- the last decision ----
  /** Per leaf: why it is not called, or null when it is. */
  readonly reason: (NotSentReason | null)[];
  /** Per leaf: the tmax it is told (meaningful where reason is null). */
  readonly told: number[];
  /**
   * Per leaf deadline offsets of the auction: staticOffsets, or the array of a policy's moved ones.
   * Auctions keep theirs until they close, so an array once given out is never written again.
   */
  offsets: readonly number[];
  /** The last moved offsets given out: the next auction shares them while the policy holds them. */
  private lastMoved: number[] | null = null;
  /** Where a policy's deadlines are read into before they are compared. */
  private readonly scratch: number[];
  /** The auction's deadline offset: the latest deadline of the primaries called, or of all called if none is. */
  closeOffset = 0;
  /** The earliest deadline offset of the leaves called: the auction's first checkpoint. */
  firstOffset = 0;
  /** Primaries called when secondaries are called too, else -1 (nothing to cut). */
  primaries = -1;
  /** The largest tmax told. */
  maxTold = 0;

  constructor(
    private readonly terms: readonly LeafTerms[],
    private readonly allowanceMs: number,
    private readonly policy: FanoutPolicy | null,
  ) {
    const n = terms.length;
    this.size = n;
    this.staticOffsets = terms.map((t) => t.deadlineMs);
    this.secondary = Uint8Array.from(terms, (t) => (t.secondary ? 1 : 0));
    this.reason = new Array<NotSentReason | null>(n).fill(null);
    this.told = new Array<number>(n).fill(0);
    this.offsets = this.staticOffsets;
    this.scratch = new Array<number>(n).fill(0);
  }

  /**
   * The policy's deadline offsets at `now`, each held in (0, static]. Adaptive deadlines move once a
   * slice (a tenth of their window) while auctions come thousands a second, so an auction shares the
   * static offsets, or the previous auction's, whenever they are the same: an array is made only
   * when a deadline moved (a throttle or a QPS cap alone never makes one).
   */
  private moveOffsets(policy: FanoutPolicy, now: number): readonly number[] {
    const statics = this.staticOffsets;
    const last = this.lastMoved;
    const scratch = this.scratch;
    let asStatic = true;
    let asLast = last !== null;
    for (let leaf = 0; leaf < this.size; leaf++) {
      const s = statics[leaf]!;
      const d = policy.deadlineMs(leaf, s, now);
      // A policy's deadline lies in (0, static]; hold it there whatever it returns.
      const v = d > 0 && d <= s ? d : s;
      scratch[leaf] = v;
      if (v !== s) asStatic = false;
      if (asLast && v !== last![leaf]) asLast = false;
    }
    if (asStatic) return statics;
    if (asLast) return last!;
    return (this.lastMoved = scratch.slice());
  }

  /**
   * Decides auction `a` at `now` and gives it its per-leaf deadlines: the leaves called are marked
   * PENDING, and the auction's deadline becomes the latest it waits for. Returns how many are called,
   * -1 when the auction is skipped as a whole (its deadline then stays acceptance + tmax).
   */
  open(a: InFlightAuction, now: number): number {
    const sent = this.size === 0 ? -1 : this.decide(a.acceptedMs, now, a.states, Outcome.PENDING);
    if (sent < 0) return sent;
    a.offsets = this.offsets;
    a.deadlineMs = a.acceptedMs + this.closeOffset;
    a.primaryPending = this.primaries;
    return sent;
  }

  /** When the auction `open` last opened is first looked at: its earliest leaf deadline. */
  firstCheckMs(a: InFlightAuction): number {
    return Math.min(a.acceptedMs + this.firstOffset, a.deadlineMs);
  }

  /**
   * Decides an auction accepted at `acceptedMs`, at `now`: marks `states[leaf] = pending` for each
   * leaf called and returns how many are; -1 when every leaf falls short of its `minBidderMs` (the
   * auction is skipped as a whole). The policy is asked only about leaves with time enough.
   */
  decide(acceptedMs: number, now: number, states: number[], pending: number): number {
    const terms = this.terms;
    const policy = this.policy;
    const n = this.size;
    const base = acceptedMs - now - this.allowanceMs;
    let offsets = this.staticOffsets;
    if (policy !== null) offsets = this.moveOffsets(policy, now);
    this.offsets = offsets;
    let sent = 0;
    let skipped = 0;
    let primaries = 0;
    let secondaries = 0;
    let closePrimary = -Infinity;
    let closeAll = -Infinity;
    let first = Infinity;
    let maxTold = 0;
    for (let leaf = 0; leaf < n; leaf++) {
      const t = terms[leaf]!;
      const off = offsets[leaf]!;
      const told = Math.floor((base + off) * t.toldShare - t.toldDeductionMs);
      let reason: NotSentReason | null = null;
      if (told < t.minBidderMs) {
        reason = 'skipped';
        skipped++;
      } else if (policy !== null) {
        reason = policy.admit(leaf, now);
      }
      this.reason[leaf] = reason;
      if (reason !== null) continue;
      this.told[leaf] = told;
      states[leaf] = pending;
      sent++;
      if (told > maxTold) maxTold = told;
      if (off > closeAll) closeAll = off;
      if (off < first) first = off;
      if (this.secondary[leaf] === 1) secondaries++;
      else {
        primaries++;
        if (off > closePrimary) closePrimary = off;
      }
    }
    if (skipped === n) return -1;
    const cut = primaries > 0 && secondaries > 0;
    this.primaries = cut ? primaries : -1;
    // With nobody called the auction closes at once: its deadline is its acceptance.
    this.closeOffset = sent === 0 ? 0 : cut ? closePrimary : closeAll;
    this.firstOffset = sent === 0 ? 0 : first;
    this.maxTold = maxTold;
    return sent;
  }
}
