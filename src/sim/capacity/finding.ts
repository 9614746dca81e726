// What a capacity probe keeps of a live run's summary: its harness verdict and reasons, the
// processes' utilisation, and the figures a reader checks the verdict against. Pure.

import type { Summary } from '../metrics/summary.js';
import type { ProbeFinding } from './search.js';

/** The finding of a probe at `rate` from its run's summary; throws when the summary has no harness verdict. */
export function findingOf(rate: number, s: Summary): ProbeFinding {
  const h = s.harness;
  if (h === undefined) throw new Error('the run carried no harness verdict (summary.harness), so it cannot be judged');
  const exchange = h.processes.find((p) => p.role === 'exchange');
  const hosts = h.processes.filter((p) => p.role === 'bidder-host');
  return {
    rate,
    verdict: h.verdict,
    reasons: [...h.reasons],
    exchangeUtilisation: exchange?.utilisation ?? null,
    exchangeUtilisationNetOfSpin: exchange?.utilisationNetOfSpin ?? null,
    bidderHostUtilisation: hosts.length === 0 ? null : Math.max(...hosts.map((p) => p.utilisation)),
    auctionP99Ms: s.latency.auction.p99,
    timeoutRate: s.rates.timeout,
    auctions: s.auctions.total,
    perSec: s.auctions.perSec,
  };
}
