import { describe, expect, it } from 'vitest';
import type { HarnessSummary } from '../metrics/harness-types.js';
import type { Summary } from '../metrics/summary.js';
import { capacityMarkdown, probeTable } from './capacity-md.js';
import { answerLine, capacityReport, type CapacitySettings } from './capacity-model.js';
import { findingOf } from './finding.js';
import { searchCapacity, type ProbeFinding, type SearchResult } from './search.js';

const SETTINGS: CapacitySettings = {
  from: 200,
  max: 12_800,
  min: 3.125,
  precision: 0.05,
  budget: 16,
  confirm: true,
  probeSec: 4,
  warmupSec: 1,
  seed: 7,
};

const finding = (rate: number, ok: boolean): ProbeFinding => ({
  rate,
  verdict: ok ? 'ok' : 'degraded',
  reasons: ok ? [] : ['the exchange | utilisation passed 0.8', 'a second reason'],
  exchangeUtilisation: rate / 2000,
  exchangeUtilisationNetOfSpin: rate / 2500,
  bidderHostUtilisation: rate / 3000,
  auctionP99Ms: 12.345,
  timeoutRate: 0.0123,
  auctions: rate * 4,
  perSec: rate,
});

const search = (limit: number, s = SETTINGS): Promise<SearchResult> =>
  searchCapacity(s, (rate) => Promise.resolve(finding(rate, rate <= limit)));

function report(r: SearchResult) {
  return capacityReport({
    scenario: 'base',
    file: 'scenarios/base.json',
    startedAt: new Date('2026-12-01T10:00:00Z'),
    scenarioMode: 'virtual',
    settings: SETTINGS,
    result: r,
    loadAverage: { start: [1.5, 1, 0.5], end: [2, 1.2, 0.6] },
  });
}

describe('capacity.json and capacity.md', () => {
  it('report the answer, its bracket and every probe', async () => {
    const r = report(await search(1000));
    expect(r.capacity).toBe(r.probes.at(-1)!.rate);
    expect(r.end).toBe('found');
    expect(r.answer).toBe(
      `base: capacity ${r.capacity}/s, the highest open-loop rate the harness stayed ok (not ok at ${r.notOk}/s)`,
    );
    const md = capacityMarkdown(r);
    expect(md).toContain(`**${r.answer}.**`);
    expect(md).toContain('its bidders were run live');
    // One table row per probe, with its reasons (escaped) in the last column.
    const rows = md.split('\n').filter((l) => /^\| \d+ \|/.test(l));
    expect(rows).toHaveLength(r.probes.length);
    const failed = rows.find((l) => l.includes('| degraded |'))!;
    expect(failed).toContain('the exchange \\| utilisation passed 0.8; a second reason');
    expect(failed.split(' | ')[4]).toMatch(/^\d+(\.\d+)?%$/);
  });

  it('say when the search stopped at --max, found nothing, or ran out of probes', async () => {
    expect(report(await search(Infinity)).answer).toBe(
      "base: capacity at least 12800/s: ok at --max 12800/s, the search's upper bound",
    );
    const none = report(await search(0));
    expect(none.capacity).toBeNull();
    expect(none.answer).toBe('base: no rate kept the harness ok, down to 3.13/s (--min 3.125/s)');
    const short = await search(1000, { ...SETTINGS, budget: 4 });
    expect(answerLine('base', short, SETTINGS)).toMatch(
      /^base: capacity 800\/s \(not ok at 1600\/s\), within 100% after 4 probes \(the --probes budget\), not confirmed/,
    );
  });

  it("puts each not-ok probe's first reason under its row in the terminal table", async () => {
    const r = await search(1000);
    const text = probeTable(r.probes);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^#\s+phase\s+rate\/s\s+verdict/);
    const notOk = r.probes.filter((p) => !p.ok).length;
    expect(
      lines.filter((l) => l.includes('the exchange | utilisation passed 0.8 (+1 more in capacity.json)')),
    ).toHaveLength(notOk);
    expect(lines).toHaveLength(1 + r.probes.length + notOk);
  });
});

describe('findingOf', () => {
  const harness: HarnessSummary = {
    verdict: 'degraded',
    reasons: ['event-loop delay p99 passed 2 ms'],
    polluted: [],
    advice: [],
    checks: [],
    processes: [
      { role: 'exchange', pid: 1, utilisation: 0.62, utilisationNetOfSpin: 0.41, cpuSec: 3, wallSec: 4 },
      { role: 'bidder-host', pid: 2, utilisation: 0.3, cpuSec: 1, wallSec: 4 },
      { role: 'bidder-host', pid: 3, utilisation: 0.55, cpuSec: 2, wallSec: 4 },
    ],
    hostLateness: null,
    groups: {},
  };
  const summary = {
    latency: { auction: { p50: 1, p90: 2, p99: 14.5, p999: 20, max: 30, count: 800 } },
    rates: { timeout: 0.02 },
    auctions: { total: 800, perSec: 199.5 },
    harness,
  } as unknown as Summary;

  it("keeps the verdict, the exchange's utilisation and the busiest host's", () => {
    expect(findingOf(200, summary)).toEqual({
      rate: 200,
      verdict: 'degraded',
      reasons: ['event-loop delay p99 passed 2 ms'],
      exchangeUtilisation: 0.62,
      exchangeUtilisationNetOfSpin: 0.41,
      bidderHostUtilisation: 0.55,
      auctionP99Ms: 14.5,
      timeoutRate: 0.02,
      auctions: 800,
      perSec: 199.5,
    });
  });

  it('refuses a summary without a harness verdict', () => {
    expect(() => findingOf(200, { ...summary, harness: undefined })).toThrow(/no harness verdict/);
  });
});
