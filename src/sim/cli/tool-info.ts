// Which tool made a report: the package's name and version, and the git commit of the checkout that
// ran (with whether its tracked files had changes), so a report can be traced to the code behind it.
// Read once per process; git is asked with a short timeout and its absence is no error.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ToolInfo } from '../metrics/summary.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

let known: ToolInfo | null = null;

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, {
      cwd: ROOT,
      timeout: 3000,
      stdio: ['ignore', 'pipe', 'ignore'],
      encoding: 'utf8',
    });
  } catch {
    return null;
  }
}

export function toolInfo(): ToolInfo {
  if (known !== null) return known;
  const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { name: string; version: string };
  const head = git(['rev-parse', '--verify', 'HEAD'])?.trim() ?? null;
  const commit = head !== null && /^[0-9a-f]{40}$/.test(head) ? head : null;
  // `git status --porcelain --untracked-files=no` prints a line per changed tracked file.
  const status = commit === null ? null : git(['status', '--porcelain', '--untracked-files=no']);
  known = { name: pkg.name, version: pkg.version, commit, dirty: status === null ? null : status.trim() !== '' };
  return known;
}
