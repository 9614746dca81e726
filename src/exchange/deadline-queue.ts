// A binary min-heap of items by deadline. The exchange keeps one timer armed for the head, instead
// of one timer per auction. Auctions that close early stay in the heap and are skipped when popped
// (lazy deletion): cheaper than a decrease-key, and the heap never holds more than rate × tmax items.

export interface HasDeadline {
  readonly deadlineMs: number;
}

export class DeadlineQueue<T extends HasDeadline> {
  private readonly heap: T[] = [];

  get size(): number {
    return this.heap.length;
  }

  peek(): T | undefined {
    return this.heap[0];
  }

  push(item: T): void {
    const heap = this.heap;
    let i = heap.length;
    heap.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as T;
      if (p.deadlineMs <= item.deadlineMs) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = item;
  }

  pop(): T | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    const n = heap.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      if (r < n && (heap[r] as T).deadlineMs < (heap[l] as T).deadlineMs) c = r;
      const child = heap[c] as T;
      if (child.deadlineMs >= last.deadlineMs) break;
      heap[i] = child;
      i = c;
    }
    heap[i] = last;
    return top;
  }
}
