// The floor: a root on bare `ws` doing what the exchange does minus the auction. It sends one
// serialised BidRequest to each of N leaves (a child process, baseline-leaf.ts), parses every
// answer, and counts an auction done when all N have answered; `inFlight` auctions at a time,
// closed loop. No deadlines, validation, notices or statistics.

import type { ChildProcess } from 'node:child_process';
import WebSocket from 'ws';
import { zeroMask } from '../src/exchange/ws-pool.js';
import { awaitMessage, forkTracked, tsxArgs } from './children.js';
import { requestMaker, scenarioFor } from './requests.js';

export interface ThroughputResult {
  auctions: number;
  seconds: number;
}

export class RawWsFloor {
  private constructor(
    private readonly child: ChildProcess,
    private readonly sockets: WebSocket[],
    private readonly make: () => { id: string; tmax: number },
  ) {}

  static async start(leaves: number): Promise<RawWsFloor> {
    const child = forkTracked(new URL('./baseline-leaf.ts', import.meta.url), [], {
      execArgv: tsxArgs(),
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    try {
      const ready = awaitMessage<{ type: 'ready'; port: number }>(child, 'ready', 15_000);
      child.send({ type: 'start' });
      const { port } = await ready;
      const sockets = await Promise.all(
        Array.from({ length: leaves }, (_, i) => {
          const ws = new WebSocket(`ws://127.0.0.1:${port}/dsp-${i + 1}`, {
            perMessageDeflate: false,
            maxPayload: 64 * 1024,
            generateMask: zeroMask,
          });
          return new Promise<WebSocket>((resolve, reject) => {
            ws.once('open', () => resolve(ws));
            ws.once('error', reject);
          });
        }),
      );
      return new RawWsFloor(
        child,
        sockets,
        requestMaker(scenarioFor({ leaves, tmaxMs: 1000, latency: { model: 'constant', ms: 0 } })),
      );
    } catch (err) {
      child.kill('SIGTERM');
      throw err;
    }
  }

  /** Closed loop for `warmupSec + measureSec`; counts auctions completed in the measured part, then drains. */
  async run(inFlight: number, warmupSec: number, measureSec: number): Promise<ThroughputResult> {
    const sockets = this.sockets;
    const n = sockets.length;
    const make = this.make;
    const waiting = new Map<string, number>();
    let done = 0;
    let stopped = false;
    let drained: (() => void) | null = null;
    const submit = (): void => {
      if (stopped) return;
      const req = make();
      req.tmax = 995;
      waiting.set(req.id, n);
      const text = JSON.stringify(req);
      for (let i = 0; i < n; i++) sockets[i]!.send(text);
    };
    const onMessage = (data: WebSocket.RawData): void => {
      const res = JSON.parse(data.toString()) as { id: string };
      const left = waiting.get(res.id);
      if (left === undefined) return;
      if (left > 1) {
        waiting.set(res.id, left - 1);
        return;
      }
      waiting.delete(res.id);
      done++;
      queueMicrotask(submit);
      if (stopped && waiting.size === 0) drained?.();
    };
    for (const ws of sockets) ws.on('message', onMessage);
    for (let i = 0; i < inFlight; i++) submit();
    const { auctions, seconds } = await measureWindow(warmupSec, measureSec, () => done);
    stopped = true;
    if (waiting.size > 0) await new Promise<void>((r) => (drained = r));
    for (const ws of sockets) ws.off('message', onMessage);
    return { auctions, seconds };
  }

  close(): void {
    for (const ws of this.sockets) ws.terminate();
    this.child.kill('SIGTERM');
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Let `warmupSec` pass, then count how many more `done()` reports over `measureSec`, and how long it really took. */
export async function measureWindow(
  warmupSec: number,
  measureSec: number,
  done: () => number,
): Promise<ThroughputResult> {
  await sleep(warmupSec * 1000);
  const from = done();
  const t0 = performance.now();
  await sleep(measureSec * 1000);
  return { auctions: done() - from, seconds: (performance.now() - t0) / 1000 };
}
