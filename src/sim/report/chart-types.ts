// The shape of report.html's chart data, and nothing else: chart-data.ts builds it on the server,
// and assets/charts-client.js is type-checked against it in the browser (assets/tsconfig.json),
// so this file imports nothing that needs Node.

export interface SpectrumLine {
  label: string;
  /** Which kind of line: the auction, a group's measured response time, or its host-applied delay. */
  kind: 'auction' | 'group' | 'host';
  /** Index of the group (for colour), -1 for the auction. */
  group: number;
  values: Array<number | null>;
  /** Each value as the legend shows it, formatted on the server like every other figure (format.ts). */
  shown: string[];
}

export interface ChartData {
  tmaxMs: number;
  spectrum: { x: number[]; lines: SpectrumLine[] };
  /**
   * The per-bidder bars: every leaf when there are few, else each group summed and then the leaves
   * with the largest failing share (report-model.ts, ShownRows).
   */
  bidders: {
    /** A leaf's name, or a group's with its leaf count ("steady ×4"). */
    names: string[];
    kinds: Array<'leaf' | 'group'>;
    p50: number[];
    p99: number[];
    /** (timed out + invalid + lost) / sent. */
    failing: number[];
    winRate: number[];
    /** The same figures as the legend shows them (format.ts). */
    shown: { p50: string[]; p99: string[]; failing: string[]; winRate: string[] };
  };
  /** Per second since the run began (warm-up seconds that counted nothing left out). */
  overTime: {
    t: number[];
    meanMs: Array<number | null>;
    maxMs: Array<number | null>;
    timeoutRate: Array<number | null>;
    /** The same figures as the legend shows them (format.ts). */
    shown: { meanMs: string[]; maxMs: string[]; timeoutRate: string[] };
  };
  /**
   * Each bidder's enforced deadline over the run, when adaptive timeouts were on: a line per leaf
   * (per group's mean past 20 leaves), `t` the run's second each point starts at.
   */
  deadlines?: {
    t: number[];
    lines: Array<{ label: string; ms: number[]; shown: string[] }>;
  };
}
