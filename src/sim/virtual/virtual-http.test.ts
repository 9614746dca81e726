import { describe, expect, it } from 'vitest';
import { accountingErrors } from '../metrics/summary.js';
import { runVirtual } from './virtual-runner.js';
import { valid } from '../../../test/helpers/scenarios.js';

const base = {
  mode: 'virtual',
  seed: 5,
  load: { arrival: 'poisson', rate: 500, durationSec: 10, warmupSec: 1 },
  auction: { tmaxMs: 100 },
  network: { model: 'constant', ms: 0.5 },
};

describe('virtual HTTP links', () => {
  it('add the per-request cost to the network round trip', () => {
    const latency = { model: 'constant', ms: 10 };
    const { summary } = runVirtual(
      valid({
        ...base,
        bidders: [
          { name: 'ws', latency },
          { name: 'web', latency, transport: 'http', requestCostMs: 0.75 },
          { name: 'free', latency, transport: 'http' },
        ],
      }),
    );
    // 10 ms of service and 0.5 ms each way; HTTP costs its 0.75 ms on top (to the histogram's resolution).
    expect(summary.bidders['ws-1']!.latency.p50).toBeCloseTo(11, 1);
    expect(summary.bidders['free-1']!.latency.p50).toBeCloseTo(11, 1);
    expect(summary.bidders['web-1']!.latency.p50).toBeCloseTo(11.75, 1);
    expect(summary.bidders['web-1']!.latency.max).toBeCloseTo(11.75, 1);
  });

  it('lose only the request whose connection hangs up, and never drop the leaf, unlike WebSocket', () => {
    const faults = { timeout: 0, malformed: 0, disconnect: 0.01 };
    const { summary } = runVirtual(
      valid({
        ...base,
        bidders: [
          { name: 'ws', faults },
          { name: 'web', faults, transport: 'http' },
        ],
      }),
    );
    expect(accountingErrors(summary, 2)).toEqual([]);
    const ws = summary.bidders['ws-1']!;
    const web = summary.bidders['web-1']!;
    // ~1% of ~4,500 requests hang up.
    expect(web.lost).toBeGreaterThan(20);
    expect(web.lost).toBeLessThan(80);
    expect(web.invalidReasons).toEqual({ econnreset: web.lost });
    expect(web.drops).toBe(0);
    expect(web.disconnectedMs).toBe(0);
    // Over WebSocket each hang-up drops the connection, and every request sent while it redials (with
    // a backoff that grows, as the connection never stays up stableMs) is lost too.
    expect(ws.drops).toBeGreaterThan(0);
    expect(ws.disconnectedMs).toBeGreaterThan(1000);
    expect(ws.lost).toBeGreaterThan(10 * web.lost);
  });

  it('leave a WebSocket-only run as it was: the transport field set to ws changes nothing', () => {
    const bidders = [{ name: 'a', count: 3, faults: { timeout: 0.01, malformed: 0.01, disconnect: 0.001 } }];
    const plain = runVirtual(valid({ ...base, bidders })).summary;
    const said = runVirtual(valid({ ...base, bidders: [{ ...bidders[0], transport: 'ws' }] })).summary;
    expect(JSON.stringify({ ...said, startedAt: '' })).toBe(JSON.stringify({ ...plain, startedAt: '' }));
  });
});

describe('virtual HTTP links at the close', () => {
  it('abort what is still out, as live HTTP does: an answer after the deadline is never late', () => {
    // Half the answers come after the 100 ms deadline.
    const latency = { model: 'uniform', minMs: 50, maxMs: 150 };
    const capacity = { concurrency: 1000, queue: 0 };
    const { summary } = runVirtual(
      valid({
        ...base,
        bidders: [
          { name: 'ws', latency },
          { name: 'web', latency, transport: 'http' },
          { name: 'queued', latency, transport: 'http', capacity },
        ],
      }),
    );
    expect(accountingErrors(summary, 3)).toEqual([]);
    const ws = summary.bidders['ws-1']!;
    const web = summary.bidders['web-1']!;
    const queued = summary.bidders['queued-1']!;
    for (const b of [ws, web, queued]) expect(b.timedOut).toBeGreaterThan(0.4 * b.sent);
    // Over WebSocket the answer still arrives and counts late; over HTTP the request was aborted.
    expect(ws.late).toBeGreaterThan(0.3 * ws.sent);
    expect(web.late).toBe(0);
    expect(queued.late).toBe(0);
  });
});
