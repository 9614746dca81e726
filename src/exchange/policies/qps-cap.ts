// QPS caps: a token bucket per leaf, filled at its group's `qps` and holding at most BURST_SEC of it
// (at least one token); a request finds a token or is not sent (`capped`). Pure arithmetic on the
// exchange's clock: no timers, nothing made per request.

/** The bucket holds a tenth of a second of the rate: short bursts pass, a second never sees much above it. */
export const BURST_SEC = 0.1;

export class QpsCap {
  /** Per leaf, tokens per ms, or NaN for no cap. */
  private readonly perMs: Float64Array;
  private readonly burst: Float64Array;
  private readonly tokens: Float64Array;
  /** Per leaf, when its tokens were last counted; NaN before its first request. */
  private readonly lastMs: Float64Array;

  /** `qps[leaf]`: the leaf's cap in requests per second, or null for none. */
  constructor(qps: readonly (number | null)[]) {
    const n = qps.length;
    this.perMs = new Float64Array(n);
    this.burst = new Float64Array(n);
    this.tokens = new Float64Array(n);
    this.lastMs = new Float64Array(n).fill(NaN);
    for (let i = 0; i < n; i++) {
      const q = qps[i] ?? null;
      this.perMs[i] = q === null ? NaN : q / 1000;
      this.burst[i] = q === null ? 0 : burstOf(q);
      this.tokens[i] = this.burst[i]!;
    }
  }

  /** Takes a token of `leaf`'s at `nowMs`: true when it had one (or has no cap). */
  take(leaf: number, nowMs: number): boolean {
    const perMs = this.perMs[leaf]!;
    if (perMs !== perMs) return true;
    const last = this.lastMs[leaf]!;
    let t = this.tokens[leaf]!;
    if (last === last && nowMs > last) t = Math.min(this.burst[leaf]!, t + (nowMs - last) * perMs);
    this.lastMs[leaf] = nowMs;
    if (t >= 1) {
      this.tokens[leaf] = t - 1;
      return true;
    }
    this.tokens[leaf] = t;
    return false;
  }
}

/** The bucket's size for a cap of `qps`: BURST_SEC of it, at least one token. */
export function burstOf(qps: number): number {
  return Math.max(1, qps * BURST_SEC);
}
