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
  'hgrm',
  'samples',
  'table',
  'mixture',
] as const;
type LatencyModelName = (typeof LATENCY_MODELS)[number];

export const TIME_UNITS = ['ns', 'us', 'ms', 's'] as const;
/** Milliseconds per unit of a latency file's values. */
export const MS_PER_UNIT: Record<(typeof TIME_UNITS)[number], number> = { ns: 1e-6, us: 1e-3, ms: 1, s: 1000 };

/** Keys each model takes besides `model` (and `weight` inside a mixture). */
const FIELDS: Record<LatencyModelName, readonly string[]> = {
  constant: ['ms'],
  uniform: ['minMs', 'maxMs'],
  normal: ['meanMs', 'sdMs'],
  lognormal: ['medianMs', 'p99Ms'],
  exponential: ['meanMs'],
  pareto: ['minMs', 'alpha'],
  // Any percentile key (percentileLevel); these are only what a did-you-mean offers.
  empirical: ['p50', 'p90', 'p99', 'p999'],
  mixture: ['of'],
  hgrm: ['file', 'unit'],
  samples: ['file', 'column', 'unit'],
  table: ['q', 'ms', 'from'],
};

/** The most points a `table` holds: a file's percentile rows, or what its samples are boiled down to. */
export const MAX_TABLE_POINTS = 10_000;
/** A file path or a column name: long enough for any real one, short enough to print. */
const MAX_NAME_CHARS = 4096;

/**
 * The level (0 < q < 1) an empirical key names, or undefined when the key is no percentile: `p`, then
 * the percentile's digits without the point, the first two the whole percent (`p50` 0.5, `p999`
 * 0.999, `p9999` 0.9999), one digit alone a whole percent (`p5` 0.05). Digits after the first two
 * may not end in 0 (`p990` is `p99`), so each level has one key (bar `p5` and `p05`).
 */
export function percentileLevel(key: string): number | undefined {
  const m = /^p(\d{1,17})$/.exec(key);
  if (m === null) return undefined;
  const digits = m[1] as string;
  if (digits.length > 2 && digits.endsWith('0')) return undefined;
  // The decimal string, so p999 is the double nearest 0.999, exactly as the literal is.
  const q = Number(`0.${digits.length === 1 ? `0${digits}` : digits}`);
  return q > 0 && q < 1 ? q : undefined;
}

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
    case 'empirical':
      checkEmpirical(obj, path, issues);
      return;
    case 'hgrm':
    case 'samples':
      checkName(obj, 'file', path, issues, true);
      if (model === 'samples') checkName(obj, 'column', path, issues, false);
      readEnum(obj, 'unit', TIME_UNITS, 'ms', path, issues);
      return;
    case 'table':
      checkTable(obj, path, issues);
      return;
    case 'mixture':
      checkMixture(obj['of'], joinPath(path, 'of'), depth, issues);
      return;
  }
}

/** The percentile keys of an empirical model, by level; each value a latency, rising with the level. */
function checkEmpirical(obj: Raw, path: string, issues: Issue[]): void {
  const anchors: { key: string; q: number; ms: number | undefined }[] = [];
  for (const key of Object.keys(obj)) {
    const q = percentileLevel(key);
    if (q !== undefined) anchors.push({ key, q, ms: readNumber(obj, key, MS, undefined, path, issues) });
  }
  if (anchors.length === 0) {
    const message = 'needs at least one percentile, such as p50, p90, p99, p999 or p9999 (99.99%)';
    issues.push(issue(joinPath(path, 'p50'), 'SCN_ERR_MISSING', message));
    return;
  }
  anchors.sort((a, b) => a.q - b.q);
  for (let i = 1; i < anchors.length; i++) {
    const a = anchors[i - 1]!;
    const b = anchors[i]!;
    if (a.q === b.q) {
      issues.push(issue(joinPath(path, b.key), 'SCN_ERR_DUPLICATE', `names the same percentile as ${a.key}`));
      continue;
    }
    checkGreater(b.ms, a.ms, joinPath(path, b.key), a.key, issues);
  }
}

/** A non-empty string of at most MAX_NAME_CHARS at `key` (required or not). */
function checkName(obj: Raw, key: string, path: string, issues: Issue[], needed: boolean): void {
  const value = obj[key];
  if (value === undefined) {
    if (needed) issues.push(required(joinPath(path, key), 'a file path, relative to the scenario file'));
    return;
  }
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_NAME_CHARS) {
    const what = `a non-empty string of at most ${MAX_NAME_CHARS} characters`;
    issues.push(mustBe(joinPath(path, key), 'SCN_ERR_BAD_FORMAT', what, value));
  }
}

/** A table's levels rise strictly from 0 to 1 and its latencies never fall; one issue for the first break. */
function checkTable(obj: Raw, path: string, issues: Issue[]): void {
  const q = obj['q'];
  const ms = obj['ms'];
  if (obj['from'] !== undefined && typeof obj['from'] !== 'string') {
    issues.push(mustBe(joinPath(path, 'from'), 'SCN_ERR_WRONG_TYPE', 'a string', obj['from']));
  }
  for (const [key, value] of [
    ['q', q],
    ['ms', ms],
  ] as const) {
    if (value === undefined) issues.push(required(joinPath(path, key), 'an array of numbers'));
    else if (!Array.isArray(value)) issues.push(mustBe(joinPath(path, key), 'SCN_ERR_WRONG_TYPE', 'an array', value));
  }
  if (!Array.isArray(q) || !Array.isArray(ms)) return;
  if (q.length > MAX_TABLE_POINTS) {
    const message = `must hold at most ${MAX_TABLE_POINTS} points, the limit (got ${q.length})`;
    issues.push(issue(joinPath(path, 'q'), 'SCN_ERR_TOO_LARGE', message));
    return;
  }
  if (q.length < 2 || ms.length !== q.length) {
    const message = `q and ms must hold the same number of points, at least 2 (got ${q.length} and ${ms.length})`;
    issues.push(issue(joinPath(path, 'ms'), 'SCN_ERR_ORDER', message));
    return;
  }
  const at = (key: string, i: number): string => `${joinPath(path, key)}[${i}]`;
  for (let i = 0; i < q.length; i++) {
    const level: unknown = q[i];
    const value: unknown = ms[i];
    if (typeof level !== 'number' || !Number.isFinite(level)) {
      issues.push(mustBe(at('q', i), 'SCN_ERR_NOT_A_NUMBER', 'a number from 0 to 1', level));
      return;
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      issues.push(mustBe(at('ms', i), 'SCN_ERR_NOT_A_NUMBER', 'a number of ms', value));
      return;
    }
    if (value < 0 || value > MAX_LATENCY_MS) {
      issues.push(mustBe(at('ms', i), 'SCN_ERR_OUT_OF_RANGE', `a number from 0 to ${MAX_LATENCY_MS}`, value));
      return;
    }
    const first = i === 0;
    const last = i === q.length - 1;
    if ((first && level !== 0) || (last && level !== 1) || (!first && !(level > (q[i - 1] as number)))) {
      const relation = first
        ? '0 (the table starts at q = 0)'
        : last
          ? '1 (the table ends at q = 1)'
          : `greater than q[${i - 1}]`;
      issues.push(outOfOrder(at('q', i), relation));
      return;
    }
    if (!first && value < (ms[i - 1] as number)) {
      issues.push(outOfOrder(at('ms', i), `at least ms[${i - 1}] (${ms[i - 1] as number})`));
      return;
    }
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
  const known = ['model', ...FIELDS[model], ...(weighted ? ['weight'] : [])];
  if (model === 'empirical') {
    // Percentile keys are open-ended: the unknown keys are the rest.
    const others = Object.fromEntries(Object.entries(value).filter(([k]) => percentileLevel(k) === undefined));
    checkKeys(others, known, path, issues);
  } else checkKeys(value, known, path, issues);
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
