// The cells of a sweep: every combination of the axes' values, each a full scenario validated like a
// file (so a combination that clashes is named before anything runs). Pure.

import type { Issue } from '../../lib/issues.js';
import { issuePath, setPath } from '../scenario/dotted-path.js';
import { sweepRunsIssue } from '../scenario/dotted-sections.js';
import { DEFAULTS } from '../scenario/schema.js';
import { validateScenario, type Scenario } from '../scenario/scenario.js';

export interface Axis {
  /** Dotted path into the scenario. */
  path: string;
  values: unknown[];
}

export interface Cell {
  index: number;
  /** One value per axis, in axis order. */
  values: unknown[];
  scenario: Scenario;
}

export type CellsResult = { ok: true; axes: Axis[]; cells: Cell[] } | { ok: false; issues: Issue[] };

/** A short label for a value on an axis: numbers and strings as themselves, anything else as JSON. */
export function shownValue(v: unknown): string {
  return typeof v === 'number' || typeof v === 'string' ? String(v) : JSON.stringify(v);
}

/**
 * Every combination of `base.sweep`, the first axis varying slowest, each run in `mode`. The sweep
 * section itself was validated with the scenario (paths exist, each value valid on its own); here
 * the combinations are. A sweep of more than LIMITS.sweepRuns runs (cells × `repeats`, by default
 * the file's or the mode's) is refused before a single combination is made. `source`, the scenario
 * file, is where a value's latency files are read from (src/sim/scenario/measured-files.ts).
 */
export function buildCells(
  base: Scenario,
  mode: Scenario['mode'],
  repeats = base.repeats ?? DEFAULTS.sweepRepeats[mode],
  source?: string,
): CellsResult {
  const axes: Axis[] = Object.entries(base.sweep ?? {}).map(([path, values]) => ({ path, values }));
  const tooMany = sweepRunsIssue(
    axes.map((a) => a.values),
    repeats,
  );
  if (tooMany !== undefined) return { ok: false, issues: [tooMany] };
  const cells: Cell[] = [];
  const issues: Issue[] = [];
  const combos = axes.reduce<unknown[][]>((acc, axis) => acc.flatMap((c) => axis.values.map((v) => [...c, v])), [[]]);
  combos.forEach((values, index) => {
    const raw: Scenario = structuredClone({ ...base, sweep: null, mode });
    axes.forEach((axis, i) => setPath(raw, axis.path, structuredClone(values[i])));
    const checked = validateScenario(raw, source);
    if (checked.ok) {
      cells.push({ index, values, scenario: checked.scenario });
      return;
    }
    const where = axes.map((a, i) => `${issuePath(a.path)}=${shownValue(values[i])}`).join(', ');
    for (const issue of checked.issues)
      issues.push({ ...issue, path: `sweep cell ${index} (${where}): ${issue.path}` });
  });
  return issues.length > 0 ? { ok: false, issues } : { ok: true, axes, cells };
}
