// Each leaf's deadline over the run, for the report when adaptive timeouts are on: read once per
// second of the run (the deadline the leaf was last given), kept as at most MAX_POINTS points per
// leaf. When the points fill up, neighbours are averaged in pairs and each point covers twice the
// seconds, so a run of any length keeps between MAX_POINTS / 2 and MAX_POINTS points a leaf and
// summary.json stays bounded with 500 leaves (at most about 1.2 KB a leaf as summary.json is indented).

/**
 * Points kept per leaf: 64 numbers, one a line in the indented summary.json (measured: 63 points added
 * 1,164 bytes a leaf), so 500 leaves add at most about 0.6 MB.
 */
export const MAX_POINTS = 64;

export interface DeadlineSeriesSummary {
  /** The second of the run (from its start, warm-up included) the first point begins at. */
  fromSec: number;
  /** Seconds each point covers. */
  stepSec: number;
  /** Per point, the mean of the deadlines read at each of its seconds, ms. */
  ms: number[];
}

export class DeadlineSeries {
  private readonly points: Float64Array[];
  private readonly acc: Float64Array;
  private accSeconds = 0;
  private n = 0;
  private stepSec = 1;
  private fromSec = -1;

  constructor(
    private readonly leaves: number,
    /** The deadline `leaf` was last given, ms. */
    private readonly read: (leaf: number) => number,
  ) {
    this.points = Array.from({ length: leaves }, () => new Float64Array(MAX_POINTS));
    this.acc = new Float64Array(leaves);
  }

  /** Second `sec` of the run began: read every leaf's deadline. Seconds come in order, each once. */
  sample(sec: number): void {
    if (this.fromSec < 0) this.fromSec = sec;
    for (let leaf = 0; leaf < this.leaves; leaf++) this.acc[leaf] = this.acc[leaf]! + this.read(leaf);
    if (++this.accSeconds < this.stepSec) return;
    this.flush();
    if (this.n === MAX_POINTS) this.halve();
  }

  /** Leaf `leaf`'s series; a partly filled last point counts the seconds it has. */
  summary(leaf: number): DeadlineSeriesSummary {
    const ms = Array.from(this.points[leaf]!.subarray(0, this.n), round);
    if (this.accSeconds > 0) ms.push(round(this.acc[leaf]! / this.accSeconds));
    return { fromSec: Math.max(0, this.fromSec), stepSec: this.stepSec, ms };
  }

  private flush(): void {
    for (let leaf = 0; leaf < this.leaves; leaf++) {
      this.points[leaf]![this.n] = this.acc[leaf]! / this.accSeconds;
      this.acc[leaf] = 0;
    }
    this.n++;
    this.accSeconds = 0;
  }

  private halve(): void {
    for (const p of this.points) for (let i = 0; i < MAX_POINTS / 2; i++) p[i] = (p[2 * i]! + p[2 * i + 1]!) / 2;
    this.n = MAX_POINTS / 2;
    this.stepSec *= 2;
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
