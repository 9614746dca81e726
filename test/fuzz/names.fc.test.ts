// Any valid name works as a group's name, the names that are also keys of every JavaScript object
// (`constructor`, `__proto__`, `toString`, ...) included: the run's summary has each group and leaf
// under its own name with its own counts, thresholds read them by dotted path, and the reports are
// written naming them. Before, such a name passed validation and the run died (exit 3) building the
// summary, on an object literal that already "had" the key. A name with a "." is refused (issue 15
// item 13): thresholds and sweep axes name groups and leaves inside dotted paths, where
// `groups.a.b.sent` would read two ways; so every name that passes is one segment of such a path.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { runScenario } from '../../src/sim/run/run-scenario.js';
import { evaluateThresholds, thresholdPathIssues } from '../../src/sim/metrics/thresholds.js';
import { writeReports } from '../../src/sim/report/write-reports.js';
import { validateScenario } from '../../src/sim/scenario/scenario.js';

const OBJECT_KEYS = [
  'constructor',
  '__proto__',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
  '__lookupSetter__',
];

const NAME_CHARS = 'abcXYZ019_-'.split('');
const chars = (extra: string[]): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom(...NAME_CHARS, ...extra), { minLength: 1, maxLength: 30 }).map((cs) => cs.join(''));
/** A valid name (1 to 30 of the allowed characters, or an object's own key), or one with a "." in it. */
const name = fc.oneof(
  fc.constantFrom(...OBJECT_KEYS),
  chars([]),
  chars(['.']).filter((n) => n.includes('.')),
);

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('group names', () => {
  it('work whatever they are, object keys included', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(name, { minLength: 1, maxLength: 3 }), async (names) => {
        const raw = {
          name: 'names',
          mode: 'virtual',
          load: { rate: 200, auctions: 40, warmupSec: 0 },
          bidders: names.map((n, i) => ({ name: n, count: i + 1 })),
          // A threshold on the first group, by its dotted path.
          thresholds: { [`groups.${names[0]}.sent`]: '>=0' },
        };
        const v = validateScenario(raw);
        // A "." would make the dotted paths that name groups and leaves ambiguous: refused, at each
        // such group's name and nowhere else (issue 15 item 13).
        const dotted = names.flatMap((n, i) => (n.includes('.') ? [`bidders[${i}].name`] : []));
        if (dotted.length > 0) {
          expect(v.ok).toBe(false);
          const atNames = v.ok ? [] : v.issues.filter((x) => x.path.endsWith('.name'));
          expect(atNames.map(({ path, code }) => ({ path, code }))).toEqual(
            dotted.map((path) => ({ path, code: 'SCN_ERR_BAD_FORMAT' })),
          );
          return;
        }
        // Names can clash (group "a" makes leaf "a-1", which a group "a-1" would also be), or make a
        // dotted path that does not parse: validation refuses those, which is its business.
        fc.pre(v.ok);
        if (!v.ok) return;
        // The check made before a run finds the threshold's path, whatever the name.
        expect(thresholdPathIssues(v.scenario)).toEqual([]);
        const r = await runScenario(v.scenario, {});
        const s = r.summary;
        expect(Object.keys(s.groups).sort()).toEqual([...names].sort());
        names.forEach((n, i) => {
          expect(Object.hasOwn(s.groups, n)).toBe(true);
          expect(s.groups[n]!.leaves).toBe(i + 1);
          expect(s.groups[n]!.sent).toBe((s.auctions.total - s.auctions.skipped) * (i + 1));
          for (let k = 1; k <= i + 1; k++) expect(s.bidders[`${n}-${k}`]!.group).toBe(n);
        });
        expect(Object.getPrototypeOf(s.groups)).toBe(Object.prototype);
        // No name has a ".", so the threshold's dotted path reads the first group's own count.
        const [t] = evaluateThresholds(s, v.scenario.thresholds);
        expect(t!.actual).toBe(s.groups[names[0]!]!.sent);
        const dir = mkdtempSync(join(tmpdir(), 'rtb-sim-names-'));
        dirs.push(dir);
        writeReports(dir, r);
        // report.md escapes Markdown's punctuation with backslashes; the names read back without them.
        const md = readFileSync(join(dir, 'report.md'), 'utf8').replace(/\\(.)/g, '$1');
        for (const n of names) expect(md).toContain(`| ${n} |`);
        const written = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as typeof s;
        expect(Object.keys(written.groups).sort()).toEqual([...names].sort());
      }),
      { numRuns: 40 },
    );
  }, 60_000);
});
