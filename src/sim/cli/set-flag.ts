// `--set PATH=VALUE`, shared by the commands that run a scenario (sim, sweep): declared once, applied
// after the file and before a command's named overrides (--tmax and the like), so those have the last word.

import { applySettings, parseSetting, type Setting } from '../scenario/settings.js';
import { formatIssues, type Issue, type Scenario } from '../scenario/scenario.js';
import { fail } from './common.js';
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

/** The scenario with every --set applied, or exit 2 naming each bad one. */
export function applySetFlags(scenario: Scenario, texts: readonly string[] | undefined, file: string): Scenario {
  if (texts === undefined || texts.length === 0) return scenario;
  const settings: Setting[] = [];
  const issues: Issue[] = [];
  for (const text of texts) {
    const parsed = parseSetting(text);
    if ('code' in parsed) issues.push(parsed);
    else settings.push(parsed);
  }
  // Every mistake at once: the malformed flags, then what the well-formed ones named or upset.
  const applied = applySettings(scenario, settings);
  if (!applied.ok) issues.push(...applied.issues);
  if (issues.length > 0 || !applied.ok) fail(EXIT.badInput, `${file}: invalid after --set\n${formatIssues(issues)}`);
  return applied.scenario;
}
