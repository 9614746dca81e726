// Milliseconds on performance.now()'s scale, without its garbage. On Node 20, performance.now()
// builds an array per call (it calls process.hrtime() where the optimiser cannot see the array die),
// and a loop that reads the time tens of thousands of times a second, as the live timers' spin does,
// turned that into a third of the exchange's allocation under load. Reading process.hrtime() here,
// in a function small enough to be inlined, lets the array be optimised away.

import { performance } from 'node:perf_hooks';

function hrMs(): number {
  const t = process.hrtime();
  return t[0] * 1e3 + t[1] / 1e6;
}

/** hrMs() - performance.now(), from the closest of a few paired readings. */
const OFFSET = ((): number => {
  let best = Infinity;
  let offset = 0;
  for (let i = 0; i < 8; i++) {
    const a = performance.now();
    const h = hrMs();
    const b = performance.now();
    if (b - a < best) {
      best = b - a;
      offset = h - (a + b) / 2;
    }
  }
  return offset;
})();

/** The same clock as performance.now() (monotonic, ms, fractional), within a microsecond. */
export function nowMs(): number {
  const t = process.hrtime();
  return t[0] * 1e3 + t[1] / 1e6 - OFFSET;
}
