import { describe, expect, it } from 'vitest';
import { decodeHistogram } from '../../lib/histogram.js';
import { runLive } from './live-runner.js';
import { type Scenario } from '../scenario/scenario.js';
import { valid } from '../../../test/helpers/scenarios.js';

function scenario(raw: Record<string, unknown>): Scenario {
  return valid({ mode: 'live', ...raw });
}

describe('runLive', () => {
  it("leaves the warm-up out of the bidder host's statistics, as out of the exchange's", async () => {
    // Two thirds of the requests go out during the warm-up: with them, the host would count ~3x.
    const s = scenario({
      name: 'warm',
      load: { arrival: 'constant', rate: 200, durationSec: 1.5, warmupSec: 1 },
      auction: { tmaxMs: 50 },
      bidders: [{ name: 'dsp', count: 2, latency: { model: 'constant', ms: 2 } }],
    });
    const { summary, hostStats } = await runLive(s);
    expect(hostStats.map((h) => h.name)).toEqual(['dsp-1', 'dsp-2']);
    for (const h of hostStats) {
      const sent = summary.bidders[h.name]!.sent;
      expect(sent).toBeGreaterThan(80);
      // The mark crosses the IPC channel while requests cross the sockets: a few may change sides.
      expect(Math.abs(h.requests - sent)).toBeLessThanOrEqual(0.1 * sent);
      expect(decodeHistogram(h.delays).totalCount).toBe(h.requests);
    }
  });

  it('begins the arrivals at --start-at once connected, so segments started apart run together', async () => {
    const s = scenario({
      name: 'later',
      load: { arrival: 'constant', rate: 100, durationSec: 0.6, warmupSec: 0.2 },
      auction: { tmaxMs: 50 },
      bidders: [{ name: 'dsp', count: 1, latency: { model: 'constant', ms: 1 } }],
    });
    const startAt = Date.now() + 1500;
    const r = await runLive(s, { startAtEpochMs: startAt });
    // The measured stretch starts after the warm-up that starts at startAt (the clocks agree to a few ms).
    expect(r.window.timeline).toBe('epoch');
    expect(r.window.fromMs).toBeGreaterThanOrEqual(startAt + 200 - 20);
    expect(r.summary.auctions.total).toBeGreaterThan(20);
  });
});
