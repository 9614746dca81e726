// `npm run sim -- FILE --processes K [--hosts M]`: one run as K exchange segments in K child
// processes (each `npm run sim -- --segment i/K` of the same resolved scenario), the leaves spread over
// M bidder host processes this process starts (leaf k on host (k - 1) mod M, as a group's `hosts`
// deals them), then the segments merged (src/sim/merge) into the run's folder, beside their own
// segment-i-of-K folders. In virtual mode no host is started: the segments simulate their leaves.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LeafHostStats } from '../../bidders/host.js';
import type { HostProcessLoad } from '../../bidders/host-process.js';
import { mergeRuns } from '../merge/merge-runs.js';
import { readRunFolder } from '../merge/read-run.js';
import type { RunResult } from '../run/result.js';
import { startChildHost, type ChildHost } from '../run/host-child.js';
import { ARRIVALS_AFTER_MS, hostsInput } from '../run/live-runner.js';
import { plannedSec } from '../run/setup.js';
import { judgeHosts, verdictOf } from '../metrics/harness.js';
import { expandLeaves } from '../scenario/bidder-groups.js';
import { isExternal, type Scenario } from '../scenario/schema.js';
import { segmentFolder } from './segment-flag.js';

/** How long after starting them live segments begin: time for each to load and connect (about 2 s loaded). */
const START_AFTER_MS = 5000;

export interface ProcessesOptions {
  scenario: Scenario;
  /** The run's folder, made: the segments write into it, the merge writes it. */
  dir: string;
  processes: number;
  hosts: number;
  /** --bidders: hosts already running, so none is started. */
  bidders?: string;
  signal: AbortSignal;
  /** One line per event worth printing. */
  say: (line: string) => void;
}

/** The sim entry beside this file, in the same flavour (.ts under tsx, .js when compiled). */
function simEntry(): { file: string; execArgv: string[] } {
  const ts = import.meta.url.endsWith('.ts');
  const file = fileURLToPath(new URL(`./sim.${ts ? 'ts' : 'js'}`, import.meta.url));
  return { file, execArgv: ts ? ['--import', import.meta.resolve('tsx')] : [] };
}

/** The scenario each segment runs: its local groups on `urls`, unless they name hosts of their own. */
function onHosts(s: Scenario, urls: string[]): Scenario {
  if (urls.length === 0) return s;
  return { ...s, bidders: s.bidders.map((g) => (isExternal(g) || g.hosts !== undefined ? g : { ...g, hosts: urls })) };
}

interface Ended {
  status: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Runs the K segments and merges them: the merged run, with the hosts' figures, or an Error saying why not. */
export async function runProcesses(o: ProcessesOptions): Promise<RunResult> {
  const s = o.scenario;
  const locals = expandLeaves(s).flatMap((l) => (l.kind === 'local' && l.host === undefined ? [l] : []));
  const hosts: ChildHost[] = [];
  const work = mkdtempSync(join(tmpdir(), 'rtb-sim-processes-'));
  let stopped = false;
  let markTimer: NodeJS.Timeout | undefined;
  let measureTimer: NodeJS.Timeout | undefined;
  /** The hosts' load over the segments' measured stretch, once taken (measureTimer). */
  let measured: Promise<(HostProcessLoad | null)[]> | null = null;
  try {
    if (s.mode === 'live' && o.bidders === undefined && locals.length > 0) {
      const token = locals[0]!.token;
      const started = await Promise.all(
        Array.from({ length: o.hosts }, () =>
          startChildHost(
            locals.map((l) => l.config),
            s.seed,
            token === undefined ? {} : { token },
          ),
        ),
      );
      hosts.push(...started);
      o.say(`started ${hosts.length} bidder host(s): ${hosts.map((h) => `pid ${h.pid} port ${h.port}`).join(', ')}`);
    }
    const file = join(work, 'scenario.json');
    writeFileSync(
      file,
      JSON.stringify(
        onHosts(
          s,
          hosts.map((h) => `ws://127.0.0.1:${h.port}`),
        ),
      ),
    );
    const { file: sim, execArgv } = simEntry();
    // Live segments begin their arrivals together, once each has connected: their windows then coincide.
    const startAt = Date.now() + START_AFTER_MS;
    const children = Array.from({ length: o.processes }, (_, i) => {
      const args = [...execArgv, sim, file, '--segment', `${i}/${o.processes}`, '--out', o.dir];
      if (o.bidders !== undefined) args.push('--bidders', o.bidders);
      if (s.mode === 'live') args.push('--start-at', String(startAt));
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
      return {
        child,
        ended: new Promise<Ended>((resolve) =>
          child.once('exit', (status, signal) => resolve({ status, signal, stderr })),
        ),
      };
    });
    o.say(`started ${children.length} exchange segment(s): pids ${children.map((c) => c.child.pid).join(', ')}`);
    // The segments' warm-up ends together, as their arrivals begin together: the hosts start afresh then.
    const warmupEndsIn = startAt + ARRIVALS_AFTER_MS + s.load.warmupSec * 1000 - Date.now();
    if (hosts.length > 0) markTimer = setTimeout(() => hosts.forEach((h) => h.mark()), Math.max(0, warmupEndsIn));
    // And their last auctions close by the planned end plus tmax: the hosts' load is read then, over
    // the stretch a single run reads its host's (to its last close), not the grace and exits after.
    const closedIn = warmupEndsIn + (plannedSec(s) - s.load.warmupSec) * 1000 + s.auction.tmaxMs;
    if (hosts.length > 0)
      measureTimer = setTimeout(() => (measured = Promise.all(hosts.map((h) => h.measure()))), Math.max(0, closedIn));
    // A stop reaches every segment, which closes its auctions in flight and writes a partial report.
    const forward = (): void => {
      for (const c of children) if (c.child.exitCode === null) c.child.kill('SIGTERM');
    };
    o.signal.addEventListener('abort', forward, { once: true });
    const ended = await Promise.all(children.map((c) => c.ended));
    o.signal.removeEventListener('abort', forward);
    clearTimeout(markTimer);
    clearTimeout(measureTimer);
    // Stopped before the planned end (a signal): the hosts' load to their stop, as a single run's.
    const loads = measured === null ? null : await measured;
    const stats: LeafHostStats[][] = await Promise.all(hosts.map((h) => h.stop()));
    stopped = true;
    ended.forEach((e, i) => {
      // 0 and 1 (a threshold failed on its share) and a stop by signal leave a segment's report.
      if (e.status === 0 || e.status === 1 || e.status === 130 || e.status === 143) return;
      throw new Error(
        `segment ${i} of ${o.processes} ${e.signal !== null ? `was killed by ${e.signal}` : `exited with status ${e.status}`}: ${e.stderr.trim()}`,
      );
    });
    // One segment is the whole run: it writes the run's folder itself (the merge then rewrites it, alike).
    const parts = Array.from({ length: o.processes }, (_, i) =>
      readRunFolder(o.processes === 1 ? o.dir : join(o.dir, segmentFolder({ index: i, count: o.processes }))),
    );
    const outcome = mergeRuns(parts);
    if (!outcome.ok) throw new Error(`the segments do not merge:\n${outcome.problems.join('\n')}`);
    const result = outcome.result;
    result.scenario = s;
    withHosts(
      result,
      stats.flat(),
      hosts.map((h, i) => loads?.[i] ?? h.load()).filter((l): l is HostProcessLoad => l !== null),
      // Bidders this process did not start (external groups, groups on hosts of their own) go unmeasured.
      locals.length < expandLeaves(s).length,
    );
    return result;
  } finally {
    clearTimeout(markTimer);
    clearTimeout(measureTimer);
    if (!stopped) await Promise.all(hosts.map((h) => h.stop().catch(() => [])));
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The hosts this process ran, added to the merged run: their per-leaf stats (each host served every
 * leaf, the dealt ones only were called), and the harness judged again with them. The segments saw
 * their bidders on hosts outside them; the run started those hosts and measured them, so their
 * utilisation, their timers' lateness and each group's measured-minus-applied gap are checked as a
 * single live run checks its own host's.
 */
function withHosts(result: RunResult, stats: LeafHostStats[], loads: HostProcessLoad[], outside: boolean): void {
  if (stats.length > 0) result.hostStats = stats.filter((st) => st.requests > 0);
  const harness = result.summary.harness;
  if (harness === undefined || loads.length === 0) return;
  const infos = result.metrics.leaves.map((c) => c.info);
  const hosts = judgeHosts(hostsInput(result.scenario, result.metrics, infos, result.hostStats, loads));
  result.summary.harness = verdictOf(
    harness.checks.concat(hosts.checks),
    harness.processes.concat(hosts.processes),
    hosts,
    outside,
  );
}
