// Sharded sweeps: shard i of n runs only its share of a sweep's runs and writes their raw summaries
// to `shard.json` in a folder of its own; a merge of all n shard folders builds the same sweep.json,
// sweep.md and sweep.html as one unsharded run (in virtual mode byte for byte, timestamps and wall
// time apart), because every run is the same job with the same seed wherever it ran.
//
// Shard i (counted from 0, as Kubernetes counts an Indexed Job's JOB_COMPLETION_INDEX) takes the runs
// whose index (cell-major, repeats.ts) is i modulo n: striped, so cells of different cost spread over
// the shards instead of the last shard getting the largest ones. Pure: reading and writing the files
// is the CLI's.

import { createHash } from 'node:crypto';
import type { Summary } from '../metrics/summary.js';
import { parseIndexFlags, type IndexFlags } from '../cli/index-flags.js';
import { LIMITS } from '../scenario/limits.js';
import type { RunJob } from './repeats.js';

/** Which share of the runs a process takes: runs whose index is `index` modulo `count`. */
export interface Shard {
  index: number;
  count: number;
}

/** The most shards a sweep splits into: one run each at the largest sweep. */
export const MAX_SHARDS = LIMITS.sweepRuns;

const SHARD_FLAGS: IndexFlags = { one: '--shard', many: '--shards', noun: 'shard', max: MAX_SHARDS };

/**
 * The shard a sweep runs, from `--shard i/n`, or `--shards n` with the index from JOB_COMPLETION_INDEX
 * in `env`; null when neither flag is given (the index alone is never acted on). An error names the
 * flag (or the variable), what it must be, and what was given.
 */
export function resolveShard(
  flags: { shard?: string | undefined; shards?: string | undefined },
  env: Readonly<Record<string, string | undefined>>,
): { ok: true; shard: Shard | null } | { ok: false; message: string } {
  const r = parseIndexFlags(SHARD_FLAGS, { one: flags.shard, many: flags.shards }, env);
  return r.ok ? { ok: true, shard: r.share } : r;
}

/** The folder of a shard's shard.json inside the sweep's folder, so the shards can share one --out. */
export const shardFolder = (s: Shard): string => `shard-${s.index}-of-${s.count}`;

/** Whether a folder's name is one shardFolder makes. */
export const isShardFolder = (name: string): boolean => /^shard-\d+-of-\d+$/.test(name);

/** The runs shard `shard` takes: those whose index is shard.index modulo shard.count. */
export function shardJobs(jobs: readonly RunJob[], shard: Shard): RunJob[] {
  return jobs.filter((j) => j.index % shard.count === shard.index);
}

/** One run of a shard, as it came back from its worker. */
export interface ShardRun {
  index: number;
  cell: number;
  repeat: number;
  summary: Summary;
}

/** The marker of a shard.json, so a merge refuses a folder that is not a shard. */
export const SHARD_FORMAT = 'rtb-sim-sweep-shard/1';

/** shard.json: what a shard ran, and enough of the sweep to prove its shards belong together. */
export interface ShardFile {
  format: typeof SHARD_FORMAT;
  /** A hash of `resolved`: shards of one sweep share it. */
  sweep: string;
  shard: Shard;
  /** Every run of the whole sweep, so a merge knows what it must find. */
  runs: number;
  /** The base scenario as it ran (after --set), with mode, repeats and objective, as scenario.resolved.json. */
  resolved: Record<string, unknown>;
  startedAt: string;
  wallSec: number;
  results: ShardRun[];
}

/** The sweep's identity: the SHA-256 of its resolved scenario as JSON. */
export function sweepId(resolved: unknown): string {
  return createHash('sha256').update(JSON.stringify(resolved)).digest('hex');
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/**
 * A shard.json's parsed JSON checked for the shape this tool writes, or the first thing wrong with
 * it. The summaries inside are this tool's own output, checked for their headline fields only.
 */
export function readShardFile(value: unknown): { ok: true; file: ShardFile } | { ok: false; message: string } {
  const bad = (message: string): { ok: false; message: string } => ({ ok: false, message });
  if (!isRecord(value) || value.format !== SHARD_FORMAT)
    return bad(
      `is not a sweep shard (no "format": "${SHARD_FORMAT}"); shards are written by npm run sweep -- FILE --shard i/n`,
    );
  const { sweep, shard, runs, resolved, startedAt, wallSec, results } = value;
  if (typeof sweep !== 'string' || !/^[0-9a-f]{64}$/.test(sweep)) return bad('sweep: must be a SHA-256 in hex');
  if (!isRecord(shard) || !isCount(shard.index) || !isCount(shard.count) || shard.index >= shard.count)
    return bad('shard: must be { index, count } with index below count');
  if (!isCount(runs)) return bad('runs: must be a whole number');
  if (!isRecord(resolved) || sweepId(resolved) !== sweep) return bad('resolved: does not match its sweep hash');
  if (typeof startedAt !== 'string' || Number.isNaN(Date.parse(startedAt))) return bad('startedAt: must be a time');
  if (typeof wallSec !== 'number' || !(wallSec >= 0)) return bad('wallSec: must be a number of seconds');
  if (!Array.isArray(results)) return bad('results: must be an array');
  for (const [i, r] of results.entries()) {
    if (!isRecord(r) || !isCount(r.index) || !isCount(r.cell) || !isCount(r.repeat))
      return bad(`results[${i}]: must have index, cell and repeat`);
    if (r.index >= runs || r.index % shard.count !== shard.index)
      return bad(`results[${i}]: run ${r.index} is not one of shard ${shard.index}/${shard.count}'s`);
    const s = r.summary;
    if (!isRecord(s) || !isRecord(s.config) || !isRecord(s.auctions) || !isRecord(s.bids))
      return bad(`results[${i}].summary: is not a run summary`);
  }
  // Checked above field by field; the summaries are this tool's own summary.json objects.
  return { ok: true, file: value as unknown as ShardFile };
}

/** Names of the top-level fields in which two resolved scenarios differ. */
function differingFields(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return keys.filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}

/**
 * The runs of every shard in job order, when `files` (one per folder, named by `dirs`) are all n
 * shards of one sweep, each once, with every run of the sweep; else what is wrong, naming the folders.
 */
export function mergeShards(
  files: readonly ShardFile[],
  dirs: readonly string[],
): { ok: true; results: ShardRun[]; startedAt: Date; wallSec: number } | { ok: false; message: string } {
  const first = files[0];
  if (first === undefined) return { ok: false, message: 'give at least one shard folder' };
  for (const [i, f] of files.entries()) {
    if (f.sweep !== first.sweep) {
      const fields = differingFields(first.resolved, f.resolved);
      return {
        ok: false,
        message:
          `${dirs[i]} is a shard of another sweep than ${dirs[0]}` +
          (fields.length > 0 ? ` (the scenarios differ in ${fields.join(', ')})` : ''),
      };
    }
    if (f.shard.count !== first.shard.count)
      return {
        ok: false,
        message: `${dirs[i]} is shard ${f.shard.index}/${f.shard.count}, ${dirs[0]} shard ${first.shard.index}/${first.shard.count}: the sweep was split two ways`,
      };
  }
  const n = first.shard.count;
  const seen = new Map<number, string>();
  for (const [i, f] of files.entries()) {
    const other = seen.get(f.shard.index);
    if (other !== undefined)
      return { ok: false, message: `${other} and ${dirs[i]} are both shard ${f.shard.index}/${n}` };
    seen.set(f.shard.index, dirs[i]!);
  }
  const missing = Array.from({ length: n }, (_, i) => i).filter((i) => !seen.has(i));
  if (missing.length > 0) {
    const shown = missing.slice(0, 10).map((i) => `${i}/${n}`);
    return {
      ok: false,
      message: `shard${missing.length === 1 ? '' : 's'} ${shown.join(', ')}${missing.length > 10 ? ', …' : ''} missing: a merge needs all ${n}`,
    };
  }
  const slots = new Array<ShardRun | undefined>(first.runs);
  for (const f of files) for (const r of f.results) slots[r.index] = r;
  const absent = slots.findIndex((r) => r === undefined);
  if (absent >= 0)
    return { ok: false, message: `run ${absent} is in none of the shards (shard ${absent % n}/${n} is incomplete)` };
  const start = Math.min(...files.map((f) => Date.parse(f.startedAt)));
  const end = Math.max(...files.map((f) => Date.parse(f.startedAt) + f.wallSec * 1000));
  return { ok: true, results: slots as ShardRun[], startedAt: new Date(start), wallSec: (end - start) / 1000 };
}
