// Case 4: the highest open-loop rate with 10 zero-latency leaves at which the auction p99 (arrival
// to close) stays within 2 ms of the leaves' latency (0) and no request times out, as a ratio to the
// bare-`ws` closed-loop rate of the throughput case in the same run. The search is the one `npm run
// capacity` uses (src/sim/capacity/search.ts), with short open-loop runs on one rig as its probes.

import { searchCapacity, type ProbeFinding } from '../src/sim/capacity/search.js';
import { round, type Durations, type Row } from './cases.js';
import { runOpen, startRig } from './rig.js';

/** The p99 allowed over the leaves' latency, ms. */
const P99_OVER_MS = 2;

export async function zeroLatencyCapacity(baselinePerSec: number, d: Durations, probes: number): Promise<Row> {
  const rig = await startRig({ leaves: 10, tmaxMs: 100, latency: { model: 'constant', ms: 0 } });
  let result;
  try {
    result = await searchCapacity(
      {
        from: Math.round(baselinePerSec * 0.5),
        max: Math.round(baselinePerSec * 1.5),
        // Below an eighth of the floor's rate the answer is "far from the target" whatever it is, and
        // a probe there holds too few auctions for its p99 to be more than its maximum.
        min: Math.max(1, Math.round(baselinePerSec / 8)),
        precision: 0.05,
        budget: probes,
        confirm: true,
      },
      async (rate): Promise<ProbeFinding> => {
        const r = await runOpen(rig, rate, d.warmupSec, d.measureSec);
        const h = rig.metrics.window;
        const p99 = h.totalCount === 0 ? Infinity : h.getValueAtPercentile(99) / 1000;
        const reasons: string[] = [];
        if (p99 > P99_OVER_MS) reasons.push(`auction p99 ${round(p99, 3)} ms > ${P99_OVER_MS} ms`);
        if (r.timedOut > 0) reasons.push(`${r.timedOut} timed out`);
        return {
          rate,
          verdict: reasons.length === 0 ? 'ok' : 'degraded',
          reasons,
          exchangeUtilisation: r.utilisation,
          exchangeUtilisationNetOfSpin: null,
          bidderHostUtilisation: null,
          auctionP99Ms: p99,
          timeoutRate: h.totalCount === 0 ? 0 : r.timedOut / (h.totalCount * 10),
          auctions: h.totalCount,
          perSec: h.totalCount / d.measureSec,
        };
      },
    );
  } finally {
    await rig.stop();
  }
  const cap = result.capacity ?? 0;
  const ratio = cap / baselinePerSec;
  return {
    case: 'capacity, 10 zero-latency leaves',
    figures: {
      'baseline closed-loop auctions/s': Math.round(baselinePerSec),
      'highest ok open-loop rate/s': result.capacity ?? 'none',
      'not ok at/s': result.notOk ?? 'none (at the max, 1.5 x baseline)',
      end: `${result.end}${result.confirmed ? ', confirmed' : ''}`,
      probes: result.probes
        .map(
          (p) =>
            `${p.rate}/s ${p.ok ? 'ok' : 'no'} (p99 ${round(p.auctionP99Ms, 2)}, util ${round(p.exchangeUtilisation ?? NaN, 2)})`,
        )
        .join('; '),
    },
    ratio: round(ratio, 3),
    target: `>= 0.8 x baseline (p99 <= ${P99_OVER_MS} ms over 0 ms leaves, no timeouts)`,
    pass: ratio >= 0.8,
  };
}
