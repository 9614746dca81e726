// Time cut into equal slices on the exchange's clock, for the policies' sliding windows: a window is
// the last `SLICES` complete slices, kept as a ring of counts with one more slot filling now. Every
// leaf's window turns at the same boundaries (multiples of the slice on the clock), so the ring's
// position is one number for all leaves and the check per call is one comparison.

/** Complete slices a window holds: it moves in steps of a tenth of itself. */
export const SLICES = 10;
/** Slots in a ring: the window's slices and the one filling now. */
export const SLOTS = SLICES + 1;

export class SliceClock {
  /** The end of the slice now filling; NaN before the first reading. */
  private endMs = NaN;

  constructor(readonly sliceMs: number) {}

  /**
   * How many slice boundaries `nowMs` has passed since the last call: 0 almost always. The first
   * call starts the slice holding `nowMs` and returns 0.
   */
  passed(nowMs: number): number {
    if (nowMs < this.endMs) return 0;
    if (this.endMs !== this.endMs) {
      this.endMs = (Math.floor(nowMs / this.sliceMs) + 1) * this.sliceMs;
      return 0;
    }
    const n = Math.floor((nowMs - this.endMs) / this.sliceMs) + 1;
    this.endMs += n * this.sliceMs;
    return n;
  }
}
