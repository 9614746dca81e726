// `--set PATH=VALUE`, shared by the commands that run a scenario (sim, sweep): declared once, applied
// after the file and before a command's named overrides (--tmax and the like), so those have the last word.

import type { CheckOptions } from '../scenario/validate.js';
import { applySettings, parseSetting, type Setting } from '../scenario/settings.js';
import { issue } from '../../lib/issues.js';
import { formatIssues, type Issue, type Scenario } from '../scenario/scenario.js';
import { fail } from './common.js';
import { traceFileIssues } from '../scenario/trace-file.js';
import { EXIT } from './exit-codes.js';

export const SET_FLAG = {
  name: 'set',
  value: 'PATH=VALUE',
  meaning:
    'overrides a scenario field (defaults filled in) by the dotted path a sweep axis would name ' +
    '(auction.type=second-price, bidders.0.count=16, \'bidders.0.latency={"model":"constant","ms":5}\'); ' +
    'a field the scenario leaves out, or a threshold, is set through its parent (\'thresholds={"rates.timeout":"<0.05"}\'); ' +
    'a value that parses as JSON is JSON, anything else a string; at most 64 KiB each',
  multiple: true,
  absent: 'none',
} as const;

/** Whether one dotted path is the other or lies inside it (`auction` and `auction.tmaxMs`). */
const overlaps = (a: string, b: string): boolean => a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);

/**
 * The scenario with every --set applied, or exit 2 naming each bad one. With `swept`, the sweep's axes,
 * a setting that a sweep axis would overwrite in every cell (or that would overwrite one) is refused.
 */
export function applySetFlags(
  scenario: Scenario,
  texts: readonly string[] | undefined,
  file: string,
  swept: readonly string[] = [],
  opts: CheckOptions = {},
): Scenario {
  if (texts === undefined || texts.length === 0) return scenario;
  const settings: Setting[] = [];
  const issues: Issue[] = [];
  for (const text of texts) {
    const parsed = parseSetting(text);
    if ('code' in parsed) issues.push(parsed);
    else {
      const axis = swept.find((path) => overlaps(path, parsed.path));
      if (axis === undefined) settings.push(parsed);
      else
        issues.push(
          issue(`--set ${parsed.path}`, 'SCN_ERR_CONFLICT', `overlaps the sweep axis ${axis}, which every cell sets`),
        );
    }
  }
  // Every mistake at once: the malformed flags, then what the well-formed ones named or upset.
  const applied = applySettings(scenario, settings, file, opts);
  if (!applied.ok) issues.push(...applied.issues);
  // A trace file named (or made to be read) by a setting is checked as the file's own was.
  else if (
    applied.scenario.load.trace !== scenario.load.trace ||
    applied.scenario.load.arrival !== scenario.load.arrival
  )
    issues.push(...traceFileIssues(applied.scenario));
  if (!applied.ok || issues.length > 0) fail(EXIT.badInput, `${file}: invalid after --set\n${formatIssues(issues)}`);
  return applied.scenario;
}
