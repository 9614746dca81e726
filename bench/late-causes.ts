// Why a deadline closed late: runs the overshoot case (10 leaves answering at 1.5 x tmax, Poisson
// arrivals) and attributes each auction closed more than 1 ms after its deadline to what the root's
// main thread was doing meanwhile: a garbage collection (from the process's own GC entries), off the
// CPU waiting for a core (runnable, but the kernel ran another thread: preempted, or woken and not
// yet scheduled), off the CPU asleep (in a syscall), or on the CPU. The CPU part needs Linux `perf` and the right to trace the
// scheduler (root, or kernel.perf_event_paranoid <= -1); without it only GC is told apart.
//   npx tsx bench/late-causes.ts [--rate 1800] [--sec 10]
// The default rate is about half of what `npm run bench` found this machine's maximum to be.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance, PerformanceObserver } from 'node:perf_hooks';
import { runOpen, startRig } from './rig.js';

const LATE_MS = 1;
const WARMUP_SEC = 1;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i < 0 ? fallback : Number(process.argv[i + 1]);
  if (!(v > 0)) throw new Error(`late-causes: --${name} wants a positive number`);
  return v;
}

/** An interval on CLOCK_MONOTONIC, in ms (the clock of process.hrtime and of `perf -k CLOCK_MONOTONIC`). */
interface Span {
  from: number;
  to: number;
}

/** performance.now() + this = CLOCK_MONOTONIC ms. */
function monotonicOffset(): number {
  const t = process.hrtime();
  return t[0] * 1e3 + t[1] / 1e6 - performance.now();
}

function overlap(a: Span, b: Span): number {
  return Math.max(0, Math.min(a.to, b.to) - Math.max(a.from, b.from));
}

/**
 * The main thread's times off the CPU, split in two: waiting for a core (runnable: preempted, or
 * woken and not yet run) and asleep (in a syscall, e.g. epoll_wait, or a futex).
 */
function offCpu(perfData: string, tid: number): { waiting: Span[]; asleep: Span[]; runs: Array<Span & { task: string }> } {
  const r = spawnSync('perf', ['sched', 'timehist', '--state', '-i', perfData], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const waiting: Span[] = [];
  const asleep: Span[] = [];
  const runs: Array<Span & { task: string }> = [];
  let leftIn: string | null = null;
  for (const line of r.stdout.split('\n')) {
    // time cpu task[tid] wait sch-delay run state: times in s, durations in ms; the state is the one
    // the thread left the CPU in at `time`, so it describes the gap before the thread's next line.
    const f = line.trim().split(/\s+/);
    const at = Number(f[0]) * 1000;
    if (f.length < 7 || !Number.isFinite(at)) continue;
    const [wait, delay, run] = [Number(f[f.length - 4]), Number(f[f.length - 3]), Number(f[f.length - 2])];
    const task = f.slice(2, f.length - 4).join(' ');
    if (!task.endsWith(`[${tid}]`)) {
      runs.push({ from: at - run, to: at, task });
      continue;
    }
    const from = at - run - wait;
    const to = at - run;
    if (leftIn === 'R') waiting.push({ from, to });
    else if (leftIn !== null) {
      asleep.push({ from, to: to - delay });
      waiting.push({ from: to - delay, to });
    }
    leftIn = f[f.length - 1]!;
  }
  return { waiting, asleep, runs };
}

/** Thread ids of a process, from /proc (empty where there is none). */
function threadsOf(pid: number): Set<string> {
  try {
    return new Set(readdirSync(`/proc/${pid}/task`));
  } catch {
    return new Set();
  }
}

/** Who had the CPUs while the main thread waited for one during a late interval, in ms by group. */
function whoRan(late: Span[], waiting: Span[], runs: Array<Span & { task: string }>, rootTids: Set<string>, hostTids: Set<string>, hostPid: number): Map<string, number> {
  const spans: Span[] = [];
  for (const l of late) for (const w of waiting) if (overlap(l, w) > 0) spans.push({ from: Math.max(l.from, w.from), to: Math.min(l.to, w.to) });
  const by = new Map<string, number>();
  for (const run of runs) {
    const v = spans.reduce((sum, sp) => sum + overlap(run, sp), 0);
    if (v === 0) continue;
    const m = /\[(\d+)(?:\/(\d+))?\]$/.exec(run.task);
    const tid = m?.[1] ?? '';
    const who = hostTids.has(tid)
      ? `bidder host, ${tid === String(hostPid) ? 'main thread' : 'other threads'}`
      : rootTids.has(tid)
        ? 'exchange process, other threads'
        : run.task.replace(/\[[\d/]+\]$/, '');
    by.set(who, (by.get(who) ?? 0) + v);
  }
  return by;
}

async function main(): Promise<void> {
  const rate = arg('rate', 1800);
  const sec = arg('sec', 10);
  const offset = monotonicOffset();
  const gcs: Span[] = [];
  const gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcs.push({ from: e.startTime + offset, to: e.startTime + e.duration + offset });
  });
  gcObserver.observe({ entryTypes: ['gc'] });

  const dir = mkdtempSync(join(tmpdir(), 'late-causes-'));
  const perfData = join(dir, 'sched.data');
  const canTrace = spawnSync('perf', ['sched', 'record', '-k', 'CLOCK_MONOTONIC', '-o', perfData, '--', 'true'], { stdio: 'ignore' }).status === 0;
  const rig = await startRig({ leaves: 10, tmaxMs: 50, latency: { model: 'constant', ms: 75 } });
  const late: Span[] = [];
  let closed = 0;
  let warmupEnd = Infinity;
  rig.metrics.onClose = (a) => {
    if (!a.byDeadline || a.arrivalMs < warmupEnd) return;
    closed++;
    if (a.closeMs - a.deadlineMs > LATE_MS) late.push({ from: a.deadlineMs + offset, to: a.closeMs + offset });
  };
  const recorder = canTrace
    ? spawn('perf', ['sched', 'record', '-k', 'CLOCK_MONOTONIC', '-a', '-o', perfData, '--', 'sleep', String(WARMUP_SEC + sec + 1)], { stdio: 'ignore' })
    : null;
  warmupEnd = performance.now() + 5 + WARMUP_SEC * 1000;
  let rootTids = new Set<string>();
  let hostTids = new Set<string>();
  try {
    await runOpen(rig, rate, WARMUP_SEC, sec);
    rootTids = threadsOf(process.pid);
    hostTids = threadsOf(rig.host.pid);
  } finally {
    await rig.stop();
    gcObserver.disconnect();
  }
  if (recorder !== null) await new Promise((done) => recorder.once('exit', done));
  const off = recorder !== null ? offCpu(perfData, process.pid) : { waiting: [], asleep: [], runs: [] };
  rmSync(dir, { recursive: true, force: true });

  const covered = (l: Span, spans: Span[]): number => spans.reduce((sum, g) => sum + overlap(l, g), 0);
  const causes = { gc: 0, waiting: 0, asleep: 0, 'on CPU': 0 };
  const lateMs = { gc: 0, waiting: 0, asleep: 0 };
  for (const l of late) {
    const gc = covered(l, gcs);
    const waiting = covered(l, off.waiting);
    const asleep = covered(l, off.asleep);
    lateMs.gc += gc;
    lateMs.waiting += waiting;
    lateMs.asleep += asleep;
    const top = Math.max(gc, waiting, asleep);
    causes[top < 0.2 ? 'on CPU' : top === gc ? 'gc' : top === waiting ? 'waiting' : 'asleep']++;
  }
  const pct = (n: number): string => `${((100 * n) / Math.max(1, late.length)).toFixed(0)}%`;
  process.stdout.write(
    `${rate}/s for ${sec} s: ${closed} auctions closed by their deadline after the warm-up, ${late.length} of them more than ${LATE_MS} ms late (${((100 * late.length) / Math.max(1, closed)).toFixed(2)}%)\n` +
      `main cause (largest overlap with the late interval):\n` +
      `  garbage collection  ${causes.gc} (${pct(causes.gc)})\n` +
      (canTrace
        ? `  waiting for a core  ${causes.waiting} (${pct(causes.waiting)})\n  asleep in a syscall ${causes.asleep} (${pct(causes.asleep)})\n  on the CPU          ${causes['on CPU']} (${pct(causes['on CPU'])})\n`
        : `  other               ${late.length - causes.gc} (perf sched could not run here, so CPU time is not told apart)\n`) +
      (canTrace ? `while it waited for a core, the CPUs ran (ms, both cores): ${[...whoRan(late, off.waiting, off.runs, rootTids, hostTids, rig.host.pid)].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')}\n` : '') +
      `ms of the late intervals covered: gc ${lateMs.gc.toFixed(1)}${canTrace ? `, waiting for a core ${lateMs.waiting.toFixed(1)}, asleep ${lateMs.asleep.toFixed(1)}` : ''}, of ${late.reduce((s, l) => s + l.to - l.from, 0).toFixed(1)} late in all\n`,
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`late-causes failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
