// A binary min-heap of items by a numeric key, first in first out among equal keys. Three queues are
// built on it: the exchange's deadline queue, the bidder host's delay queue and virtual time's event
// queue. Keys and insertion numbers sit in arrays beside the items, so a comparison reads two numbers
// and calls nothing: this is the innermost loop of a virtual run. It lives in protocol/, the one
// folder both the exchange and the bidders may import, as the histogram settings do.

export class MinHeap<T> {
  private readonly items: T[] = [];
  private readonly keys: number[] = [];
  private readonly seqs: number[] = [];
  private seq = 0;

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  /** The smallest key, Infinity when empty. */
  peekKey(): number {
    return this.items.length === 0 ? Infinity : (this.keys[0] as number);
  }

  push(item: T, key: number): void {
    const { items, keys, seqs } = this;
    const seq = this.seq++;
    const i = items.length;
    items.push(item);
    keys.push(key);
    seqs.push(seq);
    this.siftUp(i, item, key, seq);
  }

  pop(): T | undefined {
    const { items, keys, seqs } = this;
    const top = items[0];
    const last = items.pop();
    const lastKey = keys.pop() as number;
    const lastSeq = seqs.pop() as number;
    if (top === undefined || last === undefined || items.length === 0) return top;
    const n = items.length;
    // Bottom-up: walk the hole at the root down to a leaf along the lesser children (one comparison
    // a level), then sift the last item up from there. The last item nearly always belongs near the
    // bottom, so this makes about half the comparisons of sifting it down from the root.
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      if (r < n) {
        const lk = keys[l] as number;
        const rk = keys[r] as number;
        if (rk < lk || (rk === lk && (seqs[r] as number) < (seqs[l] as number))) c = r;
      }
      items[i] = items[c] as T;
      keys[i] = keys[c] as number;
      seqs[i] = seqs[c] as number;
      i = c;
    }
    this.siftUp(i, last, lastKey, lastSeq);
    return top;
  }

  /** Place `item` in the hole at `i`, moving it up past every parent that sorts after it. */
  private siftUp(hole: number, item: T, key: number, seq: number): void {
    const { items, keys, seqs } = this;
    let i = hole;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pk = keys[parent] as number;
      if (pk < key || (pk === key && (seqs[parent] as number) < seq)) break;
      items[i] = items[parent] as T;
      keys[i] = pk;
      seqs[i] = seqs[parent] as number;
      i = parent;
    }
    items[i] = item;
    keys[i] = key;
    seqs[i] = seq;
  }

  clear(): void {
    this.items.length = 0;
    this.keys.length = 0;
    this.seqs.length = 0;
  }
}
