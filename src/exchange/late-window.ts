// Closed auctions that some leaf timed out on, kept for `windowMs` after their close so that a late
// answer is recognised (counted late, answered expired) rather than taken for an unknown request.
// Closes come in time order, so this is a FIFO: the oldest expire first.

import type { KeptAuction } from './in-flight.js';

export class LateWindow {
  private kept: KeptAuction[] = [];
  private head = 0;

  constructor(private readonly windowMs: number) {}

  keep(a: KeptAuction): void {
    this.kept.push(a);
  }

  /** Forget the auctions whose window has passed, calling `forget` for each. */
  expire(now: number, forget: (a: KeptAuction) => void): void {
    const kept = this.kept;
    let head = this.head;
    while (head < kept.length) {
      const a = kept[head]!;
      if (a.closeMs + this.windowMs > now) break;
      forget(a);
      head++;
    }
    // Expired slots still hold their auctions (and requests) until the array is compacted, so compact
    // as soon as they outnumber the live ones: at most as many dead as live, never a fixed 1024.
    if (head > 64 && head * 2 > kept.length) {
      this.kept = kept.slice(head);
      head = 0;
    }
    this.head = head;
  }
}
