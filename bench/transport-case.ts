// WebSocket against HTTP/1.1 keep-alive (issue 17 item 3), in the same run: one rig per transport,
// each with 10 zero-latency leaves on its own bidder host, taking turns in short slices so background
// load hits both alike. Closed loop gives auctions/s; open loop at a rate both sustain gives the
// auction p99 and the exchange's CPU per auction. Reported, with no target: the question is how far
// apart the two transports are.

import { runClosed, runOpen, startRig, type Rig } from './rig.js';
import { IN_FLIGHT, round, type Durations, type Row } from './cases.js';
import type { BenchScenario } from './requests.js';

const RIG: BenchScenario = { leaves: 10, tmaxMs: 100, latency: { model: 'constant', ms: 0 } };
/** Each closed-loop turn runs this long before it counts, so the other side's traffic has drained. */
const SETTLE_SEC = 0.15;

interface Side {
  auctions: number;
  seconds: number;
  p99: number[];
  cpuUs: number[];
  timedOut: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? Number.NaN : s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export async function transports(d: Durations, rounds: number): Promise<Row> {
  let ws: Rig | null = null;
  let http: Rig | null = null;
  const sides: Record<'ws' | 'http', Side> = {
    ws: { auctions: 0, seconds: 0, p99: [], cpuUs: [], timedOut: 0 },
    http: { auctions: 0, seconds: 0, p99: [], cpuUs: [], timedOut: 0 },
  };
  try {
    ws = await startRig(RIG, {}, undefined, {}, 'ws');
    http = await startRig(RIG, {}, undefined, {}, 'http');
    const rigs = { ws, http };
    const slice = d.measureSec / rounds;
    for (const r of Object.values(rigs)) await runClosed(r, IN_FLIGHT, d.warmupSec, 0.1);
    for (let i = 0; i < rounds; i++) {
      for (const [name, r] of Object.entries(rigs) as Array<['ws' | 'http', Rig]>) {
        const t = await runClosed(r, IN_FLIGHT, SETTLE_SEC, slice);
        sides[name].auctions += t.auctions;
        sides[name].seconds += t.seconds;
      }
    }
    // Open loop at half the slower side's closed-loop rate: a load both carry, so p99 and CPU compare
    // the transports' cost rather than one side's queueing.
    const rate = Math.max(50, 0.5 * Math.min(...Object.values(sides).map((s) => s.auctions / s.seconds)));
    for (let i = 0; i < Math.max(1, rounds >> 2); i++) {
      for (const [name, r] of Object.entries(rigs) as Array<['ws' | 'http', Rig]>) {
        const o = await runOpen(r, rate, 0.2, slice * 2);
        sides[name].p99.push(r.metrics.window.getValueAtPercentile(99) / 1000);
        sides[name].cpuUs.push(o.cpuUsPerAuction);
        sides[name].timedOut += o.timedOut;
      }
    }
    const perSec = (s: Side): number => s.auctions / s.seconds;
    const ratio = perSec(sides.http) / perSec(sides.ws);
    return {
      case: 'transports: ws vs http, 10 zero-latency leaves',
      figures: {
        'ws auctions/s': Math.round(perSec(sides.ws)),
        'http auctions/s': Math.round(perSec(sides.http)),
        'open-loop rate': Math.round(rate),
        'ws auction p99 ms': round(median(sides.ws.p99), 3),
        'http auction p99 ms': round(median(sides.http.p99), 3),
        'ws exchange CPU us/auction': Math.round(median(sides.ws.cpuUs)),
        'http exchange CPU us/auction': Math.round(median(sides.http.cpuUs)),
        'ws timed out': sides.ws.timedOut,
        'http timed out': sides.http.timedOut,
      },
      ratio: round(ratio, 3),
      target: 'reported (http / ws auctions/s)',
      pass: true,
    };
  } finally {
    await ws?.stop();
    await http?.stop();
  }
}
