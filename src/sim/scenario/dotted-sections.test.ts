import { describe, expect, it } from 'vitest';
import { formatIssues, validateScenario, type Scenario } from './scenario.js';

function valid(raw: unknown): Scenario {
  const r = validateScenario(raw);
  if (!r.ok) throw new Error(`expected a valid scenario, got:\n${formatIssues(r.issues)}`);
  return r.scenario;
}

/** The issues as `path: message` lines, the way users see them. */
function lines(raw: unknown): string[] {
  const r = validateScenario(raw);
  if (r.ok) throw new Error('expected issues, got a valid scenario');
  return formatIssues(r.issues).split('\n');
}

describe('thresholds', () => {
  it('accepts each comparison operator', () => {
    const t = { a: '<120', 'b.c': '<= 0.5', 'd.e.f': '>-3', g: '>=  10.25' };
    expect(valid({ thresholds: t }).thresholds).toEqual(t);
  });

  it('refuses keys that reach the prototype', () => {
    expect(lines(JSON.parse('{"thresholds": {"__proto__": "<1"}, "sweep": {"a.__proto__": [1]}}'))).toEqual([
      'thresholds["__proto__"]: key must be a dotted path into summary.json such as "latency.auction.p99"',
      'sweep["a.__proto__"]: key must be a dotted path into the scenario such as "auction.tmaxMs"',
    ]);
  });

  it('names the key of a malformed comparison or path', () => {
    expect(lines({ thresholds: { 'latency.auction.p99': '120', 'rates..timeout': '<1', x: 5 } })).toEqual([
      'thresholds["latency.auction.p99"]: must be a comparison: <, <=, > or >= and a number, such as "<120" (got "120")',
      'thresholds["rates..timeout"]: key must be a dotted path into summary.json such as "latency.auction.p99"',
      'thresholds["x"]: must be a comparison: <, <=, > or >= and a number, such as "<120" (got 5)',
    ]);
  });
});

describe('sweep', () => {
  it('checks each value by applying it, naming the axis and the index', () => {
    expect(lines({ sweep: { 'auction.tmaxMs': [50, 100, -5, 3] } })).toEqual([
      'sweep["auction.tmaxMs"][2]: must be a positive number (got -5)',
      'sweep["auction.tmaxMs"][3]: auction.allowanceMs: must be less than tmaxMs (3) (got 5)',
    ]);
  });

  it('places issues inside a swept object at their path within it', () => {
    expect(
      lines({ sweep: { 'bidders.0.latency': [{ model: 'exponential', meanMs: 3 }, { model: 'constant' }] } }),
    ).toEqual(['sweep["bidders.0.latency"][1].ms: is required']);
  });

  it('names a path that is not in the scenario, with a did-you-mean', () => {
    expect(lines({ sweep: { 'auction.tmax': [1], 'bidders.3.count': [1], 'zzz.qqq': [1] } })).toEqual([
      'sweep["auction.tmax"]: no such field in the scenario (did you mean "auction.tmaxMs"?)',
      'sweep["bidders.3.count"]: no such field in the scenario (did you mean "bidders.0.count"?)',
      'sweep["zzz.qqq"]: no such field in the scenario',
    ]);
  });

  it('needs non-empty arrays and cannot sweep itself', () => {
    expect(lines({ sweep: { seed: [], 'auction.floor': 3, sweep: [1] } })).toEqual([
      'sweep["seed"]: must be a non-empty array of values (got [])',
      'sweep["auction.floor"]: must be a non-empty array of values (got 3)',
      'sweep["sweep"]: a sweep cannot sweep itself',
    ]);
  });

  it('checks its values against the scenario it sweeps', () => {
    expect(
      lines({
        bidders: [
          { name: 'dsp', count: 2 },
          { name: 'dsp-9', url: 'ws://h:1/x' },
        ],
        sweep: { 'bidders.0.count': [2, 9] },
      }),
    ).toEqual([
      'sweep["bidders.0.count"][1]: bidders[1].name: leaf name "dsp-9" clashes with bidders[0] (group "dsp" count 9 makes dsp-1..dsp-9); leaf names must be unique',
    ]);
  });
});
