// Scenarios for tests: validated from raw JSON, or their issues, the way tests of validation read them.
import {
  formatIssues,
  validateScenario,
  type Issue,
  type IssueCode,
  type Scenario,
} from '../../src/sim/scenario/scenario.js';

/** A scenario that must be valid: a test's own input, so an issue is a broken test and says which. */
export function valid(raw: unknown, source?: string): Scenario {
  const r = validateScenario(raw, source);
  if (!r.ok) throw new Error(`expected a valid scenario, got:\n${formatIssues(r.issues)}`);
  return r.scenario;
}

/** The issues of a scenario that must be invalid. */
export function issues(raw: unknown): Issue[] {
  const r = validateScenario(raw);
  if (r.ok) throw new Error('expected issues, got a valid scenario');
  return r.issues;
}

/** Where each issue is and what kind it is: what most tests match, so a reworded message breaks none. */
export function codes(raw: unknown): { path: string; code: IssueCode }[] {
  return issues(raw).map(({ path, code }) => ({ path, code }));
}

/** The issues as `path: message` lines, for tests of the wording itself (the terminal adds each code). */
export function lines(raw: unknown): string[] {
  return issues(raw).map(({ path, message }) => `${path}: ${message}`);
}
