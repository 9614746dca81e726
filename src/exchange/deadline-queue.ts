// Auctions by deadline. The exchange keeps one timer armed for the head, instead of one timer per
// auction. Auctions that close early stay in the heap until they reach its head (lazy deletion):
// cheaper than a decrease-key, and the heap never holds more than rate × tmax items.

import { MinHeap } from '../protocol/min-heap.js';

export interface HasDeadline {
  readonly deadlineMs: number;
}

function earlier(a: HasDeadline, b: HasDeadline): boolean {
  return a.deadlineMs < b.deadlineMs;
}

export class DeadlineQueue<T extends HasDeadline> extends MinHeap<T> {
  constructor() {
    super(earlier);
  }
}
