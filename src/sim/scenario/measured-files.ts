// Latency models read from measurements: HdrHistogram's percentile distribution text (.hgrm, as this
// tool writes it for each group and host, and as HdrHistogram's own tools print it, in plain or CSV
// form) and samples, one a line or a named column of a CSV. Each file is read once, at validation,
// and becomes a `table` latency model (a quantile function), so a run, its sweep cells and
// scenario.resolved.json never go back to the disk. Parsing is pure; only resolveLatencyFiles reads.

import { isAbsolute, resolve } from 'node:path';
import type { LatencyFileSpec, LatencySpec, TableSpec, TimeUnit } from '../../bidders/config.js';
import { MAX_LATENCY_MS, MAX_TABLE_POINTS, MS_PER_UNIT } from '../../bidders/latency-validation.js';
import { issue, joinPath, suggest, type Issue } from '../../lib/issues.js';
import { LIMITS } from './limits.js';
import { readTextUpTo } from './bounded-read.js';

/** What a parser gives: the table, or issues (`where` is the path of the field to name). */
type Parsed = { ok: true; table: TableSpec } | { ok: false; issues: Issue[] };

/**
 * Rows per halving of the distance to q = 1 (and to 0) when samples are boiled down to a table: 20,
 * four times what .hgrm files print, so the table follows the samples' own quantiles to within 0.1%
 * between rows (about 2 × 20 × log2(n) rows: 641 for 100,000 samples).
 */
const SAMPLE_TICKS_PER_HALF_DISTANCE = 20;

/** A plain decimal number as files write them: `12`, `0.5`, `1e3`, `-3` (sign checked by the caller). */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function toNumber(text: string): number | undefined {
  const t = text.trim();
  return NUMBER.test(t) ? Number(t) : undefined;
}

/** A line as an issue quotes it: at most 60 characters. */
function quoted(line: string): string {
  return JSON.stringify(line.length > 60 ? `${line.slice(0, 57)}...` : line);
}

function badLine(where: string, line: number, what: string): Issue {
  return issue(where, 'SCN_ERR_BAD_LINE', `line ${line}: ${what}`);
}

/** The lines of a text (CRLF or LF, a byte-order mark dropped), or an issue past LIMITS.measuredLines. */
function linesOf(text: string, where: string): string[] | Issue {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = body.split(/\r?\n/);
  if (lines.length > LIMITS.measuredLines) {
    const message = `must hold at most ${LIMITS.measuredLines.toLocaleString('en-US')} lines, the limit (got ${lines.length.toLocaleString('en-US')})`;
    return issue(where, 'SCN_ERR_TOO_LARGE', message);
  }
  return lines;
}

/** A latency in ms from a file's value, or the reason it is none. */
function latencyMs(value: number | undefined, unit: TimeUnit): number | string {
  if (value === undefined) return 'not a number';
  if (value < 0) return `a negative latency (${value})`;
  const ms = value * MS_PER_UNIT[unit];
  if (ms > MAX_LATENCY_MS) return `${ms} ms is past ${MAX_LATENCY_MS} ms, the longest latency a model may give`;
  return ms;
}

/** Header and footer lines of an .hgrm: the column names (plain or CSV), and `#[Mean = …]` comments. */
const HGRM_HEADER = /^"?Value"?[\s,]+"?Percentile"?[\s,]+"?TotalCount"?/;

/**
 * HdrHistogram's percentile distribution text: rows of value, percentile (0 to 1), total count and
 * 1/(1 - percentile) (absent or `Infinity` on the last row), split by spaces or, in the CSV form, by
 * commas; blank lines, the column names and `#` lines are skipped. Each row says the value below which
 * that share of the recorded values lay, so the rows are the quantile function: a table through them.
 */
export function parseHgrm(text: string, unit: TimeUnit, where: string): Parsed {
  const lines = linesOf(text, where);
  if (!Array.isArray(lines)) return { ok: false, issues: [lines] };
  const q: number[] = [];
  const ms: number[] = [];
  let lastCount = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    const n = i + 1;
    if (line === '' || line.startsWith('#') || (q.length === 0 && HGRM_HEADER.test(line))) continue;
    const fields = line.split(line.includes(',') ? /\s*,\s*/ : /\s+/);
    if (fields.length < 3 || fields.length > 4) {
      const what = `${quoted(line)} is not an .hgrm row (value, percentile, total count and 1/(1-percentile))`;
      return { ok: false, issues: [badLine(where, n, what)] };
    }
    const value = latencyMs(toNumber(fields[0] as string), unit);
    if (typeof value === 'string') return { ok: false, issues: [badLine(where, n, `the value is ${value}`)] };
    const level = toNumber(fields[1] as string);
    if (level === undefined || level < 0 || level > 1) {
      const what = `the percentile must be a number from 0 to 1 (got ${quoted(fields[1] as string)})`;
      return { ok: false, issues: [badLine(where, n, what)] };
    }
    const count = toNumber(fields[2] as string);
    if (count === undefined || !Number.isInteger(count) || count < lastCount) {
      const what = `the total count must be a whole number, never below the row before (got ${quoted(fields[2] as string)})`;
      return { ok: false, issues: [badLine(where, n, what)] };
    }
    lastCount = count;
    const last = q.length - 1;
    if (last >= 0 && (level < (q[last] as number) || value < (ms[last] as number))) {
      const what = `the percentile and the value must not fall from one row to the next (got ${level} at ${value} ms after ${q[last]} at ${ms[last]} ms)`;
      return { ok: false, issues: [badLine(where, n, what)] };
    }
    // Rows at the same percentile: the later (higher) value stands, as the quantile jumps there.
    if (last >= 0 && level === q[last]) ms[last] = value;
    else {
      if (q.length >= MAX_TABLE_POINTS) {
        const message = `must hold at most ${MAX_TABLE_POINTS.toLocaleString('en-US')} rows, the limit`;
        return { ok: false, issues: [issue(where, 'SCN_ERR_TOO_LARGE', message)] };
      }
      q.push(level);
      ms.push(value);
    }
  }
  if (q.length === 0) return { ok: false, issues: [issue(where, 'SCN_ERR_EMPTY', 'holds no .hgrm rows')] };
  // The table runs from q = 0 to 1: a file cut short at either end is held flat there.
  if (q[0] !== 0) {
    q.unshift(0);
    ms.unshift(ms[0] as number);
  }
  if (q[q.length - 1] !== 1) {
    q.push(1);
    ms.push(ms[ms.length - 1] as number);
  }
  return { ok: true, table: { model: 'table', q, ms } };
}

/**
 * The fields of one CSV line (RFC 4180: commas, fields in double quotes with `""` for a quote; a
 * quoted field may hold commas, not line breaks). null when a quote is left open.
 */
export function csvFields(line: string): string[] | null {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let field = '';
      i++;
      for (;;) {
        const close = line.indexOf('"', i);
        if (close === -1) return null;
        field += line.slice(i, close);
        i = close + 1;
        if (line[i] !== '"') break;
        field += '"';
        i++;
      }
      const comma = line.indexOf(',', i);
      fields.push(field + (comma === -1 ? line.slice(i) : line.slice(i, comma)).trim());
      if (comma === -1) return fields;
      i = comma + 1;
    } else {
      const comma = line.indexOf(',', i);
      fields.push((comma === -1 ? line.slice(i) : line.slice(i, comma)).trim());
      if (comma === -1) return fields;
      i = comma + 1;
    }
  }
}

/**
 * The levels of a table made from n samples: SAMPLE_TICKS_PER_HALF_DISTANCE levels per halving of the
 * distance to 1 from 0.5 up, and the same toward 0 from 0.5 down, while the samples still reach past
 * them; then 0 and 1 (the minimum and the maximum). At most 2 × 20 × log2(n) + 2 levels.
 */
function sampleLevels(n: number): number[] {
  const up: number[] = [];
  for (let tail = 0.5; tail * n >= 1; tail /= 2) {
    const step = tail / 2 / SAMPLE_TICKS_PER_HALF_DISTANCE;
    for (let j = 0; j < SAMPLE_TICKS_PER_HALF_DISTANCE; j++) up.push(1 - tail + j * step);
  }
  const down = up.filter((q) => q > 0.5).map((q) => 1 - q);
  return [0, ...down.reverse(), ...up, 1];
}

/** The table of sorted samples: their quantile at each level, linear between order statistics. */
export function tableOfSamples(sorted: Float64Array): TableSpec {
  const n = sorted.length;
  const q = sampleLevels(n);
  const ms = q.map((level) => {
    const h = (n - 1) * level;
    const lo = Math.floor(h);
    const below = sorted[lo] as number;
    return lo + 1 < n ? below + (h - lo) * ((sorted[lo + 1] as number) - below) : below;
  });
  return { model: 'table', q, ms };
}

/**
 * Latency samples: one number a line, or with `column` a CSV whose first line names the columns. The
 * samples become a table of their quantiles (tableOfSamples).
 */
export function parseSamples(
  text: string,
  column: string | undefined,
  unit: TimeUnit,
  where: string,
  columnWhere: string,
): Parsed {
  const lines = linesOf(text, where);
  if (!Array.isArray(lines)) return { ok: false, issues: [lines] };
  const values = new Float64Array(lines.length);
  let n = 0;
  let index = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    const lineNo = i + 1;
    if (line === '') continue;
    let cell = line;
    if (column !== undefined) {
      const fields = csvFields(line);
      if (fields === null) return { ok: false, issues: [badLine(where, lineNo, 'a quoted field is never closed')] };
      if (index === -1) {
        index = fields.indexOf(column);
        if (index === -1) {
          const guess = suggest(column, fields);
          const hint = guess === undefined ? '' : `; did you mean "${guess}"?`;
          const message = `must name a column of line ${lineNo}, the header: ${fields.map((f) => JSON.stringify(f)).join(', ')} (got ${JSON.stringify(column)}${hint})`;
          return { ok: false, issues: [issue(columnWhere, 'SCN_ERR_NOT_ONE_OF', message)] };
        }
        continue;
      }
      if (index >= fields.length) {
        const what = `has ${fields.length} fields, and column ${JSON.stringify(column)} is field ${index + 1}`;
        return { ok: false, issues: [badLine(where, lineNo, what)] };
      }
      cell = fields[index] as string;
    }
    const value = latencyMs(toNumber(cell), unit);
    if (typeof value === 'string') {
      const hint = column === undefined && n === 0 ? ' (a CSV with a header needs "column")' : '';
      return { ok: false, issues: [badLine(where, lineNo, `${quoted(cell)} is ${value}${hint}`)] };
    }
    values[n++] = value;
  }
  if (n === 0) return { ok: false, issues: [issue(where, 'SCN_ERR_EMPTY', 'holds no samples')] };
  return { ok: true, table: tableOfSamples(values.subarray(0, n).sort()) };
}

/** The text of a latency file, or the issue that stops it (missing, unreadable, too large). */
function readText(file: string, where: string): string | Issue {
  const read = readTextUpTo(file, LIMITS.measuredFileBytes, '64 MiB');
  return read.ok ? read.text : issue(where, read.code, `${read.message}: ${file}`);
}

function readLatencyFile(spec: LatencyFileSpec, path: string, dir: string, issues: Issue[]): LatencySpec {
  const where = joinPath(path, 'file');
  const file = isAbsolute(spec.file) ? spec.file : resolve(dir, spec.file);
  const text = readText(file, where);
  const unit = spec.unit ?? 'ms';
  const parsed =
    typeof text !== 'string'
      ? ({ ok: false, issues: [text] } as const)
      : spec.model === 'hgrm'
        ? parseHgrm(text, unit, where)
        : parseSamples(text, spec.column, unit, where, joinPath(path, 'column'));
  if (!parsed.ok) {
    issues.push(...parsed.issues);
    return { model: 'constant', ms: 0 };
  }
  return { ...parsed.table, from: file };
}

/**
 * `spec` (already valid in shape, validateLatencySpec) with every `hgrm` and `samples` model, mixture
 * parts included, read from its file and put as a `table`; paths relative to `dir` (the scenario
 * file's folder). A file that is missing, empty, too large or malformed is an issue at the model's
 * `file` (or `column`), with the line number where one is to blame.
 */
export function resolveLatencyFiles(spec: LatencySpec, path: string, dir: string, issues: Issue[]): LatencySpec {
  const raw = spec as LatencySpec | LatencyFileSpec;
  if (raw.model === 'hgrm' || raw.model === 'samples') return readLatencyFile(raw, path, dir, issues);
  if (raw.model !== 'mixture') return spec;
  const of = raw.of.map((part, i) => ({
    ...resolveLatencyFiles(part, `${path}.of[${i}]`, dir, issues),
    weight: part.weight,
  }));
  return { model: 'mixture', of };
}

/**
 * `value` (a sweep value, as written) with the `file` of every `hgrm` and `samples` model in it made
 * absolute against `dir`, mixtures and whole bidder groups included, so a cell built later from the
 * resolved scenario (a sweep shard merged elsewhere) finds the file. Nothing else is changed; the
 * walk stops at LIMITS.depth, which validation has already held the value to.
 */
export function absoluteLatencyFiles(value: unknown, dir: string, depth = 0): unknown {
  if (typeof value !== 'object' || value === null || depth > LIMITS.depth) return value;
  if (Array.isArray(value)) return value.map((v: unknown) => absoluteLatencyFiles(v, dir, depth + 1));
  const obj = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) out[k] = absoluteLatencyFiles(v, dir, depth + 1);
  const isFileModel = obj['model'] === 'hgrm' || obj['model'] === 'samples';
  if (isFileModel && typeof obj['file'] === 'string' && !isAbsolute(obj['file']))
    out['file'] = resolve(dir, obj['file']);
  return out;
}
