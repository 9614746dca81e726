import { describe, expect, it } from 'vitest';
import { validateScenario } from '../scenario/scenario.js';
import { evaluateThresholds, summaryShape, thresholdPathIssues } from './thresholds.js';

function scenario(thresholds: Record<string, string>) {
  const r = validateScenario({ bidders: [{ name: 'dsp', count: 2 }], thresholds });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.scenario;
}

describe('thresholds', () => {
  it('compares with each operator, using the actual value from the summary', () => {
    const s = summaryShape(scenario({}));
    s.latency.auction.p99 = 100;
    s.rates.timeout = 0.05;
    const r = evaluateThresholds(s, {
      'latency.auction.p99': '<120',
      'rates.timeout': '<= 0.05',
      'bidders.dsp-1.sent': '>0',
      'latency.auction.p50': '>=0',
    });
    expect(r).toEqual([
      { metric: 'latency.auction.p99', op: '<', value: 120, actual: 100, pass: true },
      { metric: 'rates.timeout', op: '<=', value: 0.05, actual: 0.05, pass: true },
      { metric: 'bidders.dsp-1.sent', op: '>', value: 0, actual: 0, pass: false },
      { metric: 'latency.auction.p50', op: '>=', value: 0, actual: 0, pass: true },
    ]);
  });

  it('fails a threshold whose value is at the strict limit', () => {
    const s = summaryShape(scenario({}));
    s.latency.auction.p99 = 120;
    expect(evaluateThresholds(s, { 'latency.auction.p99': '<120' })[0]!.pass).toBe(false);
  });

  it('accepts paths to leaves and groups of the scenario', () => {
    expect(
      thresholdPathIssues(scenario({ 'bidders.dsp-2.timeoutRate': '<0.1', 'groups.dsp.latency.p99': '<90' })),
    ).toEqual([]);
  });

  it('names a path that is not a number in summary.json, with a suggestion', () => {
    const issues = thresholdPathIssues(
      scenario({ 'latency.overshot.p99': '<1', 'rates.timout': '<1', latency: '<1', 'bidders.nobody.sent': '>1' }),
    );
    expect(issues.map(({ path, code }) => ({ path, code }))).toEqual([
      { path: 'thresholds["latency.overshot.p99"]', code: 'SCN_ERR_BAD_PATH' },
      { path: 'thresholds["rates.timout"]', code: 'SCN_ERR_BAD_PATH' },
      { path: 'thresholds["latency"]', code: 'SCN_ERR_BAD_PATH' },
      { path: 'thresholds["bidders.nobody.sent"]', code: 'SCN_ERR_BAD_PATH' },
    ]);
    // The suggestion is the point of the message.
    expect(issues[0]!.message).toBe('names no number in summary.json (did you mean "latency.overshoot.p99"?)');
    expect(issues[1]!.message).toBe('names no number in summary.json (did you mean "rates.timeout"?)');
  });

  it('suggests a leaf, a group and a field segment by segment', () => {
    const hints = thresholdPathIssues(
      scenario({
        'bidders.dsp2.timeoutRate': '<1',
        'bidders.dsp-2.timeoutRat': '<1',
        'bidder.dsp-1.sent': '<1',
        'groups.dsq.latency.p99': '<1',
        'bidders.dsp-1': '<1',
      }),
    ).map((i) => /did you mean "([^"]+)"/.exec(i.message)?.[1] ?? null);
    expect(hints).toEqual([
      'bidders.dsp-2.timeoutRate',
      'bidders.dsp-2.timeoutRate',
      'bidders.dsp-1.sent',
      'groups.dsp.latency.p99',
      null,
    ]);
  });

  it('checks a thousand thresholds beside ten thousand leaves at once, without building their summary', () => {
    const typos = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`bidders.dsp-${i + 1}.timeoutRat`, '<1']));
    const r = validateScenario({ bidders: [{ name: 'dsp', count: 10_000 }], thresholds: typos });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const start = performance.now();
    const issues = thresholdPathIssues(r.scenario);
    // The full summary of 10,000 leaves alone takes about 2.5 s and 840 MB to build.
    expect(performance.now() - start).toBeLessThan(3000);
    expect(issues).toHaveLength(1000);
    expect(issues[999]!.message).toContain('did you mean "bidders.dsp-1000.timeoutRate"?');
    const right = { 'bidders.dsp-10000.timeoutRate': '<1', 'groups.dsp.sent': '>0' };
    const ok = validateScenario({ bidders: [{ name: 'dsp', count: 10_000 }], thresholds: right });
    expect(ok.ok && thresholdPathIssues(ok.scenario)).toEqual([]);
  });
});
