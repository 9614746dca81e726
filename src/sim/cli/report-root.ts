// Where a command's reports go, made and checked before anything runs: a folder that cannot be made
// or written is bad input (exit 2), found before a run of minutes rather than after it. A default
// folder is claimed with an exclusive mkdir, so two runs started in the same second get two folders
// (the second `-2`). A --out folder that is not empty is refused unless --force, which first removes
// the files the command writes there (its writer's own list: OutputFiles), so one run's summary.json
// never sits beside another run's histograms; files of other tools are left alone.

import { lstatSync, mkdirSync, readdirSync, rmdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ensureDir } from '../../lib/ensure-dir.js';
import type { OutputFiles } from '../report/write-reports.js';
import { fail } from './common.js';
import { EXIT } from './exit-codes.js';

export type { OutputFiles } from '../report/write-reports.js';

/** Whether `name` is one of the files `files` describes. */
export function isOutputFile(files: OutputFiles, name: string): boolean {
  return files.names.includes(name) || (files.families ?? []).some((f) => f.matches.test(name));
}

/** The most names a refusal lists. */
const LISTED = 5;

/**
 * What to do with an existing --out folder holding `entries`: nothing to remove when it is empty; with
 * `force`, the entries that are the command's own files; without it, a refusal naming what is there.
 */
export function reuseOf(
  entries: readonly string[],
  files: OutputFiles,
  force: boolean,
): { remove: string[] } | { refuse: string } {
  if (entries.length === 0) return { remove: [] };
  if (force) return { remove: entries.filter((e) => isOutputFile(files, e)) };
  const sorted = [...entries].sort();
  const shown = sorted.slice(0, LISTED).join(', ') + (sorted.length > LISTED ? ', …' : '');
  return {
    refuse:
      `is not empty (${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}: ${shown}); give a new or empty ` +
      `folder, or --force to first remove the files this command writes (${describe(files)}) and keep the rest`,
  };
}

function describe(files: OutputFiles): string {
  return [...files.names, ...(files.families ?? []).map((f) => f.shown)].join(', ');
}

const codeOf = (err: unknown): string =>
  (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));

/** Fails with exit 2 unless a file can be made (and removed) in `dir`: root ignores modes, not EROFS or EPERM (chattr +i). */
function checkWritable(dir: string, label: string): void {
  const probe = join(dir, `.rtb-sim-write-check-${process.pid}`);
  try {
    writeFileSync(probe, '', { flag: 'wx' });
    unlinkSync(probe);
  } catch (err) {
    fail(EXIT.badInput, `${label}: ${dir} cannot be written (${codeOf(err)})`);
  }
}

/** An existing path that must be a folder, or exit 2 naming it. */
function checkFolder(dir: string, label: string): boolean {
  let stat;
  try {
    stat = lstatSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    fail(EXIT.badInput, `${label}: ${dir} cannot be read (${codeOf(err)})`);
  }
  if (!stat.isDirectory()) fail(EXIT.badInput, `${label}: ${dir} exists and is not a folder`);
  return true;
}

/** Makes `dir` (and its parents) or exits 2 naming `label`. */
function make(dir: string, label: string): void {
  try {
    ensureDir(dir);
  } catch (err) {
    fail(EXIT.badInput, `${label}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The most `-N` suffixes tried for a default folder before giving up. */
const MAX_SUFFIX = 1000;

/** Claims `base`, else `base-2`, `base-3`, …: mkdir without `recursive` fails on a folder that exists. */
function claim(base: string): string {
  make(dirname(base), 'reports');
  for (let i = 1; i <= MAX_SUFFIX; i++) {
    const dir = i === 1 ? base : `${base}-${i}`;
    try {
      mkdirSync(dir);
      return dir;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST')
        fail(EXIT.badInput, `reports: cannot create folder ${dir}: ${codeOf(err)}`);
    }
  }
  fail(EXIT.badInput, `reports: ${base} and ${MAX_SUFFIX - 1} numbered folders beside it exist already`);
}

export interface ReportFolderOptions {
  /** --out, as given. */
  out: string | undefined;
  /** The folder when there is no --out (reports/<name>-<timestamp>), claimed with a suffix if taken. */
  fallback: string;
  /** What the command writes there. */
  files: OutputFiles;
  /** --force: a --out folder that is not empty is reused, the command's own files removed first. */
  force: boolean;
}

/**
 * The command's report folder, made, emptied of the command's own files under --force, and checked
 * writable; or exit 2 naming --out. A folder this makes that is still empty when the process exits
 * (the run failed before writing) is removed again.
 */
export function prepareReportFolder(o: ReportFolderOptions): string {
  let dir: string;
  let made = false;
  if (o.out === undefined) {
    dir = claim(resolve(o.fallback));
    made = true;
  } else {
    dir = resolve(o.out);
    if (checkFolder(dir, '--out')) {
      checkWritable(dir, '--out');
      let entries: string[];
      try {
        entries = readdirSync(dir);
      } catch (err) {
        fail(EXIT.badInput, `--out: ${dir} cannot be read (${codeOf(err)})`);
      }
      const reuse = reuseOf(entries, o.files, o.force);
      if ('refuse' in reuse) fail(EXIT.badInput, `--out: ${dir} ${reuse.refuse}`);
      for (const name of reuse.remove) {
        try {
          unlinkSync(join(dir, name));
        } catch (err) {
          fail(EXIT.badInput, `--out: cannot remove ${join(dir, name)} (${codeOf(err)})`);
        }
      }
    } else {
      make(dir, '--out');
      made = true;
    }
  }
  checkWritable(dir, o.out === undefined ? 'reports' : '--out');
  if (made)
    process.once('exit', () => {
      try {
        rmdirSync(dir); // only succeeds while it is empty
      } catch {
        // Written to, or gone: either way it stays as it is.
      }
    });
  return dir;
}

/**
 * Makes `--out` (else reports/) and checks it is a folder that can be written, or exits 2 naming the
 * flag: for a command that names its own folder inside (bench/run.ts).
 */
export function ensureReportRoot(out: string | undefined): void {
  const label = out === undefined ? 'reports' : '--out';
  const dir = resolve(out ?? 'reports');
  if (!checkFolder(dir, label)) make(dir, label);
  checkWritable(dir, label);
}
