// A live run with WebSocket and HTTP groups side by side against the bidder host (a child process,
// serving both on one port), with a token: the accounting adds up exactly for every leaf on either
// transport, the HTTP leaves' notices reach the host and are counted there, and faults over HTTP are
// counted with their reasons.

import { describe, expect, it } from 'vitest';
import { runLive } from '../src/sim/run/live-runner.js';
import { valid } from './helpers/scenarios.js';

describe('a live run over both transports', () => {
  it('accounts exactly for WebSocket and HTTP leaves in the same run, with a token', async () => {
    const latency = { model: 'uniform', minMs: 1, maxMs: 6 };
    const faults = { timeout: 0.05, malformed: 0.05, disconnect: 0.05 };
    const s = valid({
      name: 'both',
      mode: 'live',
      seed: 3,
      load: { arrival: 'constant', rate: 60, durationSec: 3, warmupSec: 0.5 },
      auction: { tmaxMs: 60 },
      bidders: [
        { name: 'ws', count: 2, latency, faults, token: 'tok-1' },
        { name: 'web', count: 2, latency, faults, token: 'tok-1', transport: 'http' },
        { name: 'webz', count: 1, latency, token: 'tok-1', transport: 'http', gzip: true },
      ],
    });
    const { summary, hostStats, invariantViolations } = await runLive(s);
    expect(invariantViolations).toEqual([]);
    const names = ['ws-1', 'ws-2', 'web-1', 'web-2', 'webz-1'];
    for (const name of names) {
      const b = summary.bidders[name]!;
      // Every auction calls every leaf, or none when it is skipped: the same count on either transport.
      expect(b.sent, name).toBe(summary.bidders['ws-1']!.sent);
      expect(b.sent, name).toBeGreaterThan(0);
      expect(b.onTime + b.noBid + b.invalid + b.timedOut + b.lost, name).toBe(b.sent);
      expect(b.onTime, name).toBeGreaterThan(0);
    }
    // Faults over HTTP: a malformed body is invalid for its own request, a silent leaf times out, and a
    // hang-up loses that request alone (no drop of the link, as over WebSocket). On a loaded machine a
    // malformed or hung-up answer may come after the close, and is then only timed out: what is
    // counted must still carry its reason, and the silent share (5%) always times out.
    let timedOut = 0;
    for (const name of ['web-1', 'web-2']) {
      const b = summary.bidders[name]!;
      expect(b.invalidReasons['not-json'] ?? 0, name).toBe(b.invalid);
      expect(b.invalidReasons.econnreset ?? 0, name).toBe(b.lost);
      expect(b.drops, name).toBe(0);
      expect(b.stray, name).toBe(0);
      timedOut += b.timedOut;
    }
    expect(timedOut).toBeGreaterThan(0);
    expect(summary.bidders['webz-1']!.invalid).toBe(0);
    // Every winning or losing HTTP bid's notice was fetched from the host, which counted it as over
    // WebSocket; WebSocket leaves carry no notice counts.
    for (const name of ['web-1', 'web-2', 'webz-1']) {
      const n = summary.bidders[name]!.notices!;
      const host = hostStats.find((h) => h.name === name)!;
      expect(n.offOrigin, name).toBe(0);
      expect(n.sent, name).toBeGreaterThan(0);
      // A notice still out when the run stops (after a second's grace) is given up as failed.
      expect(n.failed, name).toBeLessThanOrEqual(0.1 * n.sent + 2);
      // The host's counts start at the warm-up's mark, as the exchange's do; a few cross the mark.
      expect(Math.abs(host.wins + host.losses - n.sent), name).toBeLessThanOrEqual(0.1 * n.sent + 5);
    }
    expect(summary.bidders['ws-1']!.notices).toBeUndefined();
    const ws = hostStats.find((h) => h.name === 'ws-1')!;
    expect(ws.wins + ws.losses).toBeGreaterThan(0);
  }, 30_000);
});
