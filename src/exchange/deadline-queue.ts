// Auctions by deadline. The exchange keeps one timer armed for the head, instead of one timer per
// auction. Auctions that close early stay in the heap until they reach its head (lazy deletion):
// cheaper than a decrease-key, and the heap never holds more than rate × tmax items. An auction whose
// leaves have deadlines of their own is queued at the earliest still pending, and queued again from
// there: one entry per auction at a time.

import { MinHeap } from '../lib/min-heap.js';

export interface HasDeadline {
  readonly deadlineMs: number;
}

export class DeadlineQueue<T extends HasDeadline> {
  private readonly heap = new MinHeap<T>();

  get size(): number {
    return this.heap.size;
  }

  peek(): T | undefined {
    return this.heap.peek();
  }

  /** The head's time, Infinity when empty. */
  peekKey(): number {
    return this.heap.peekKey();
  }

  /** Queue `item` at `atMs`, by default its deadline (an auction with per-leaf deadlines comes back at each). */
  push(item: T, atMs: number = item.deadlineMs): void {
    this.heap.push(item, atMs);
  }

  pop(): T | undefined {
    return this.heap.pop();
  }
}
