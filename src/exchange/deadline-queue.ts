// Auctions by deadline. The exchange keeps one timer armed for the head, instead of one timer per
// auction. Auctions that close early stay in the heap until they reach its head (lazy deletion):
// cheaper than a decrease-key, and the heap never holds more than rate × tmax items.

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

  push(item: T): void {
    this.heap.push(item, item.deadlineMs);
  }

  pop(): T | undefined {
    return this.heap.pop();
  }
}
