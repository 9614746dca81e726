// Closed forms of the M/M/c queue (Poisson arrivals at rate λ, exponential service at rate μ, c
// servers, first come first served), with an unlimited queue and with room for K in all (M/M/c/K):
// what the fidelity tests hold finite-capacity leaves to. Pure; any time unit, as long as λ and μ
// share it. a = λ/μ is the offered load in erlangs, ρ = a/c the utilisation.

/** Erlang B: the share of arrivals an M/M/c/c system (no queue) refuses. Stable recursion in c. */
export function erlangB(servers: number, offered: number): number {
  let b = 1;
  for (let k = 1; k <= servers; k++) b = (offered * b) / (k + offered * b);
  return b;
}

/** Erlang C: the probability an arrival waits in M/M/c with an unlimited queue (needs ρ < 1). */
export function erlangC(servers: number, offered: number): number {
  const rho = offered / servers;
  if (!(rho < 1)) throw new RangeError(`Erlang C needs utilisation below 1 (got ${rho})`);
  const b = erlangB(servers, offered);
  return b / (1 - rho * (1 - b));
}

/** Mean response time (wait + service) in M/M/c with an unlimited queue: C / (cμ − λ) + 1/μ. */
export function mmcMeanResponse(lambda: number, mu: number, servers: number): number {
  return erlangC(servers, lambda / mu) / (servers * mu - lambda) + 1 / mu;
}

/** What M/M/c/K gives: K requests in all, in service or waiting; an arrival finding K is refused. */
export interface FiniteQueue {
  /** The share of arrivals refused: the stationary P(K in the system), by PASTA. */
  refused: number;
  /** Of the arrivals let in, the share that wait (all c servers busy on arrival). */
  waiting: number;
  /** Of the arrivals let in, the mean response time (Little: L / (λ (1 − refused))). */
  meanResponse: number;
}

/** M/M/c/K, any utilisation: `servers` servers and room for `capacity` (≥ servers) in all. */
export function mmcK(lambda: number, mu: number, servers: number, capacity: number): FiniteQueue {
  if (!(capacity >= servers)) throw new RangeError(`capacity ${capacity} must be at least servers ${servers}`);
  const a = lambda / mu;
  // p_n ∝ a^n / n! up to c, then × (a/c) per further place; built term by term (relative to p_0)
  // and normalised at the end. Scaled down whenever it grows large, so no term overflows.
  let term = 1;
  let total = 0;
  let busy = 0;
  let mean = 0;
  for (let n = 0; n <= capacity; n++) {
    if (n > 0) term *= a / Math.min(n, servers);
    if (term > 1e250) {
      term /= 1e250;
      total /= 1e250;
      busy /= 1e250;
      mean /= 1e250;
    }
    total += term;
    mean += n * term;
    if (n >= servers && n < capacity) busy += term;
  }
  const refused = term / total;
  const admitted = 1 - refused;
  return { refused, waiting: busy / total / admitted, meanResponse: mean / total / (lambda * admitted) };
}
