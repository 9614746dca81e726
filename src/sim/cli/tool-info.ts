// Which tool made a report: the package's name and version, and the git commit of the checkout that
// ran (with whether it had changes, untracked files included), so a report can be traced to the code
// behind it. Read once per process with two git calls, each with a 3 s timeout; and no git, no checkout, a
// timeout or a checkout that is not this tool's own (it sits unpacked inside another repository)
// leaves the commit null rather than failing.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
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
  // One call for both: the checkout's top level (is it this tool's own?) and its commit.
  const [top, head] = git(['rev-parse', '--show-toplevel', '--verify', 'HEAD'])?.trim().split('\n') ?? [];
  const own = top !== undefined && resolve(top) === resolve(ROOT);
  const commit = own && head !== undefined && /^[0-9a-f]{40}$/.test(head) ? head : null;
  // A line per changed or untracked file (ignored files, such as reports/, do not count).
  const status = commit === null ? null : git(['status', '--porcelain']);
  known = { name: pkg.name, version: pkg.version, commit, dirty: status === null ? null : status.trim() !== '' };
  return known;
}
