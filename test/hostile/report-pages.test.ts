// Hostile names on both HTML pages: the scenario, group and leaf names, the run's message, a
// threshold's metric and a sweep's axis names and values reach report.html and sweep.html only as
// escaped text, never as markup.

import { describe, expect, it } from 'vitest';
import type { ThresholdResult } from '../../src/sim/metrics/summary.js';
import { reportHtml } from '../../src/sim/report/report-html.js';
import { reportModel } from '../../src/sim/report/report-model.js';
import { validateScenario } from '../../src/sim/scenario/scenario.js';
import { DEFAULTS } from '../../src/sim/scenario/schema.js';
import { sweepHtml } from '../../src/sim/sweep/sweep-html.js';
import { sweepReport, type CellRuns } from '../../src/sim/sweep/sweep-model.js';
import { HOSTILE_IMG, HOSTILE_MD, HOSTILE_SCRIPT, syntheticRun } from '../helpers/synthetic-run.js';

/** Closes a quoted attribute and opens an event handler, if a value in an attribute were not escaped. */
const HOSTILE_ATTR = `x" onmouseover="alert(1)' data-y='`;

/** Each hostile string as it must appear on the page: every <, >, &, " and ' an entity. */
const ESCAPED: Record<string, string> = {
  [HOSTILE_IMG]: '&lt;img src=x onerror=alert(1)&gt;',
  [HOSTILE_SCRIPT]: '&lt;script&gt;alert(1)&lt;/script&gt;',
  [HOSTILE_ATTR]: 'x&quot; onmouseover=&quot;alert(1)&#39; data-y=&#39;',
};

/** The page without the text of its <script> elements (uPlot's code may hold anything). */
const outsideScripts = (page: string): string => page.replace(/(<script\b[^>]*>)[\s\S]*?<\/script>/gi, '$1</script>');

/** Every attribute name in the page's tags (a `<` outside a script always opens a tag: text has none). */
function attributeNames(markup: string): string[] {
  const names: string[] = [];
  for (const tag of markup.match(/<[a-zA-Z][^>]*>/g) ?? [])
    for (const m of tag.matchAll(/\s([^\s=>"'/]+)(?:=(?:"[^"]*"|'[^']*'|[^\s>]*))?/g)) names.push(m[1]!.toLowerCase());
  return names;
}

function expectOnlyEscaped(page: string, scripts: number): void {
  for (const [raw, escaped] of Object.entries(ESCAPED)) {
    expect(page).not.toContain(raw);
    expect(page).toContain(escaped);
  }
  const markup = outsideScripts(page);
  expect(markup).not.toMatch(/<img\b/i);
  expect(markup.match(/<script\b/gi) ?? []).toHaveLength(scripts);
  const names = attributeNames(markup);
  expect(names.length).toBeGreaterThan(10);
  expect(names.filter((n) => n.startsWith('on') || n === 'data-y')).toEqual([]);
}

describe('hostile names on the HTML pages', () => {
  it('report.html shows every scenario-supplied name as escaped text', () => {
    const run = syntheticRun({ partial: true });
    run.message = `stopped by ${HOSTILE_SCRIPT}`;
    const threshold: ThresholdResult = { metric: HOSTILE_ATTR, op: '<', value: 1, actual: 2, pass: false };
    run.summary.thresholds.push(threshold);
    const page = reportHtml(reportModel(run));
    expect(run.summary.scenario).toBe(`synthetic ${HOSTILE_IMG}`);
    expect(page).toContain(`<h1 id="scenario-name">synthetic ${ESCAPED[HOSTILE_IMG]}</h1>`);
    expect(page).toContain(HOSTILE_MD);
    // Only the chart data, uPlot and the chart client.
    expectOnlyEscaped(page, 3);
  });

  it('sweep.html shows the scenario name, axes, values and thresholds as escaped text', () => {
    const { summary } = syntheticRun({ auctions: 300 });
    const base = validateScenario({ name: 'sweep' });
    if (!base.ok) throw new Error('base scenario does not validate');
    const axes = [{ path: HOSTILE_SCRIPT, values: [HOSTILE_IMG, HOSTILE_ATTR] }];
    const cells: CellRuns[] = axes[0]!.values.map((v, index) => ({ index, values: [v], repeats: [summary] }));
    const scenario = { ...base.scenario, name: summary.scenario, thresholds: { [HOSTILE_ATTR]: '<1' } };
    const page = sweepHtml(sweepReport(scenario, axes, cells, { ...DEFAULTS.objective }, new Date(0), 1));
    expect(page).toContain(`<h1>Sweep: synthetic ${ESCAPED[HOSTILE_IMG]}</h1>`);
    expectOnlyEscaped(page, 0);
  });
});
