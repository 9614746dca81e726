// Validation of latency model JSON (see DESIGN.md, "Scenarios"): every field's type, range and
// relations, unknown model names and unknown keys, each reported with the path of the field.

import {
  checkKeys,
  issue,
  isRecord,
  joinPath,
  mustBe,
  NON_NEGATIVE,
  notNonEmptyArray,
  outOfOrder,
  POSITIVE,
  readEnum,
  readNumber,
  required,
  upTo,
  type Issue,
  type NumberRule,
  type Raw,
} from '../lib/issues.js';

export const LATENCY_MODELS = [
  'constant',
  'uniform',
  'normal',
  'lognormal',
  'exponential',
  'pareto',
  'empirical',
  'mixture',
] as const;
type LatencyModelName = (typeof LATENCY_MODELS)[number];

/** Keys each model takes besides `model` (and `weight` inside a mixture). */
const FIELDS: Record<LatencyModelName, readonly string[]> = {
  constant: ['ms'],
  uniform: ['minMs', 'maxMs'],
  normal: ['meanMs', 'sdMs'],
  lognormal: ['medianMs', 'p99Ms'],
  exponential: ['meanMs'],
  pareto: ['minMs', 'alpha'],
  empirical: ['p50', 'p90', 'p99', 'p999'],
  mixture: ['of'],
};

/** How far mixture weights may stray from summing to 1 (rounding in hand-written JSON). */
const WEIGHT_TOLERANCE = 1e-6;

/**
 * The largest value of any millisecond field of a latency model: ten minutes, sixty times the largest
 * deadline a scenario may have, so any leaf slower than that is already a timeout. It keeps the
 * delays a bidder host schedules far below Node's 2^31 ms timer limit (a sample of a heavy tail may
 * still pass it; the host's delay queue wakes early and waits again rather than overflow).
 */
export const MAX_LATENCY_MS = 600_000;
/**
 * How deep mixtures may nest (a mixture whose parts are mixtures is 2): any distribution is a flat
 * mixture, so depth is a convenience, and past a few levels only a generator writes it. The check is
 * made before the part is read, so a mixture nested thousands deep is one issue, not a stack overflow.
 */
export const MAX_MIXTURE_DEPTH = 8;

const MS: NumberRule = upTo(POSITIVE, MAX_LATENCY_MS);
const MS_OR_ZERO: NumberRule = upTo(NON_NEGATIVE, MAX_LATENCY_MS);

/** `later` must exceed `earlier`; both already individually valid (or undefined to skip). */
function checkGreater(
  later: number | undefined,
  earlier: number | undefined,
  laterPath: string,
  earlierName: string,
  issues: Issue[],
): void {
  if (later === undefined || earlier === undefined || later > earlier) return;
  issues.push(outOfOrder(laterPath, `greater than ${earlierName} (${earlier})`));
}

function checkFields(model: LatencyModelName, obj: Raw, path: string, depth: number, issues: Issue[]): void {
  // Every field is required: a latency model has no defaults.
  const num = (key: string, rule = MS): number | undefined => readNumber(obj, key, rule, undefined, path, issues);
  switch (model) {
    case 'constant':
      num('ms', MS_OR_ZERO);
      return;
    case 'uniform': {
      const min = num('minMs', MS_OR_ZERO);
      const max = num('maxMs', MS_OR_ZERO);
      if (min !== undefined && max !== undefined && max < min) {
        issues.push(outOfOrder(joinPath(path, 'maxMs'), `at least minMs (${min})`));
      }
      return;
    }
    case 'normal':
      // A mean below 0 would put most of the mass under the truncation point: not a latency model.
      num('meanMs', MS_OR_ZERO);
      num('sdMs');
      return;
    case 'lognormal':
      checkGreater(num('p99Ms'), num('medianMs'), joinPath(path, 'p99Ms'), 'medianMs', issues);
      return;
    case 'exponential':
      num('meanMs');
      return;
    case 'pareto':
      num('minMs');
      num('alpha', POSITIVE);
      return;
    case 'empirical': {
      const names = FIELDS.empirical;
      const values = names.map((k) => num(k));
      for (let i = 1; i < names.length; i++) {
        const name = names[i] as string;
        checkGreater(values[i], values[i - 1], joinPath(path, name), names[i - 1] as string, issues);
      }
      return;
    }
    case 'mixture':
      checkMixture(obj['of'], joinPath(path, 'of'), depth, issues);
      return;
  }
}

function checkMixture(of: unknown, path: string, depth: number, issues: Issue[]): void {
  if (depth >= MAX_MIXTURE_DEPTH) {
    const message = `must not hold another mixture: mixtures nest at most ${MAX_MIXTURE_DEPTH} deep (a flat mixture of the parts is the same distribution)`;
    if (Array.isArray(of) && of.some((part) => isRecord(part) && part['model'] === 'mixture')) {
      issues.push(issue(path, 'SCN_ERR_TOO_LARGE', message));
      return;
    }
  }
  if (of === undefined) {
    issues.push(required(path, 'a non-empty array of weighted latency models'));
    return;
  }
  if (!Array.isArray(of) || of.length === 0) {
    issues.push(notNonEmptyArray(path, 'weighted latency models', of));
    return;
  }
  let total = 0;
  let allWeightsValid = true;
  of.forEach((item: unknown, i) => {
    const at = `${path}[${i}]`;
    validateSpec(item, at, true, depth + 1, issues);
    const weight = isRecord(item) ? readNumber(item, 'weight', POSITIVE, undefined, at, issues) : undefined;
    if (weight === undefined) allWeightsValid = false;
    else total += weight;
  });
  if (allWeightsValid && Math.abs(total - 1) > WEIGHT_TOLERANCE) {
    // 12 significant digits hide the float noise of the sum (0.9500000000000001) but not a real miss.
    const got = Number(total.toPrecision(12));
    const message = `weights must sum to 1 within ${WEIGHT_TOLERANCE.toExponential()} (got ${got})`;
    issues.push(issue(path, 'SCN_ERR_BAD_SUM', message));
  }
}

function validateSpec(value: unknown, path: string, weighted: boolean, depth: number, issues: Issue[]): void {
  if (!isRecord(value)) {
    issues.push(mustBe(path, 'SCN_ERR_WRONG_TYPE', 'an object with a "model" key', value));
    return;
  }
  const model = readEnum(value, 'model', LATENCY_MODELS, undefined, path, issues);
  if (model === undefined) return;
  checkFields(model, value, path, depth, issues);
  checkKeys(value, ['model', ...FIELDS[model], ...(weighted ? ['weight'] : [])], path, issues);
}

/**
 * Every problem with a latency model's JSON, each naming its field from `path` (the caller passes
 * `bidders[1].latency`; fields come back as `bidders[1].latency.p99Ms`, mixture parts as
 * `bidders[1].latency.of[0].weight`). Mixture weights must each be > 0 and sum to 1 within 1e-6;
 * millisecond fields are at most MAX_LATENCY_MS, and mixtures nest at most MAX_MIXTURE_DEPTH deep.
 * An empty list means the value is a valid `LatencySpec`.
 */
export function validateLatencySpec(value: unknown, path: string): Issue[] {
  const issues: Issue[] = [];
  validateSpec(value, path, false, 1, issues);
  return issues;
}
