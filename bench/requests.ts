// The scenarios the bench runs, built through the project's own validation, and the request maker
// both the floor and the exchange use, so both put the same bytes on the wire.

import { nanoid } from 'nanoid';
import seedrandom from 'seedrandom';
import type { LatencySpec, LeafConfig } from '../src/bidders/config.js';
import type { BidRequest } from '../src/protocol/openrtb.js';
import { requestFactory } from '../src/sim/run/request-factory.js';
import { expandLeaves, formatIssues, validateScenario, type Scenario } from '../src/sim/scenario/scenario.js';

export interface BenchScenario {
  leaves: number;
  tmaxMs: number;
  latency: LatencySpec;
  /** Share of requests never answered (for holding auctions in flight). */
  silent?: number;
}

export function scenarioFor(b: BenchScenario): Scenario {
  const r = validateScenario({
    name: 'bench',
    seed: 1,
    auction: { tmaxMs: b.tmaxMs },
    bidders: [
      { name: 'dsp', count: b.leaves, latency: b.latency, bid: { rate: 1 }, faults: { timeout: b.silent ?? 0 } },
    ],
  });
  if (!r.ok) throw new Error(formatIssues(r.issues));
  return r.scenario;
}

export function leafConfigs(s: Scenario): LeafConfig[] {
  return expandLeaves(s).flatMap((l) => (l.kind === 'local' ? [l.config] : []));
}

/** Fresh requests with random ids, as the live runner makes them. */
export function requestMaker(s: Scenario): () => BidRequest {
  const make = requestFactory(s, seedrandom(`${s.seed}/requests`));
  return () => make(nanoid());
}
