// Why a deadline closed late: runs the overshoot case (10 leaves answering at 1.5 x tmax, Poisson
// arrivals) and attributes each auction closed more than 1 ms after its deadline to what the root's
// main thread was doing meanwhile: a garbage collection (from the process's own GC entries), off the
// CPU waiting for a core (runnable, but the kernel ran another thread: preempted, or woken and not
// yet scheduled), off the CPU asleep (in a syscall), or none of these (so on the CPU, running
// something else). Telling the CPU states apart needs Linux `perf` and the right to trace the
// scheduler (root, or kernel.perf_event_paranoid <= -1); without it only GC is told apart. perf is a
// third process on the machine while it records, so more deadlines are late than in `npm run bench`.
//   node --import tsx bench/late-causes.ts [--rate 1800] [--sec 10]
// --rate is auctions per second: `npm run bench` prints its 50% rate in the overshoot row.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance, PerformanceObserver } from 'node:perf_hooks';
import { runOpen, startRig } from './rig.js';

const LATE_MS = 1;
const WARMUP_SEC = 1;
/** A late interval counts toward a cause it overlaps by at least this much (ms). */
const MIN_CAUSE_MS = 0.2;

function hrMs(): number {
  const t = process.hrtime();
  return t[0] * 1e3 + t[1] / 1e6;
}

/** CLOCK_MONOTONIC ms less performance.now(), from the closest of a few paired readings. */
const MONOTONIC_OFFSET = ((): number => {
  let best = Infinity;
  let offset = 0;
  for (let i = 0; i < 8; i++) {
    const a = performance.now();
    const h = hrMs();
    const b = performance.now();
    if (b - a < best) {
      best = b - a;
      offset = h - (a + b) / 2;
    }
  }
  return offset;
})();

/** A performance.now() time (the live clock's scale) as CLOCK_MONOTONIC ms. */
function toMonotonicMs(t: number): number {
  return t + MONOTONIC_OFFSET;
}

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

function overlap(a: Span, b: Span): number {
  return Math.max(0, Math.min(a.to, b.to) - Math.max(a.from, b.from));
}

function covered(l: Span, spans: readonly Span[]): number {
  let sum = 0;
  for (const s of spans) sum += overlap(l, s);
  return sum;
}

/** The union of `spans`, as disjoint spans in time order. */
function union(spans: readonly Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => a.from - b.from);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && s.from <= last.to) last.to = Math.max(last.to, s.to);
    else out.push({ ...s });
  }
  return out;
}

interface Run extends Span {
  task: string;
}

/**
 * From `perf sched timehist --state`: the main thread's times off the CPU, split into waiting for a
 * core and asleep, and every other thread's times on a CPU.
 */
function schedule(perfData: string, tid: number): { waiting: Span[]; asleep: Span[]; runs: Run[] } {
  const r = spawnSync('perf', ['sched', 'timehist', '--state', '-i', perfData], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  if (r.status !== 0) throw new Error(`perf sched timehist failed: ${r.error?.message ?? r.stderr.trim()}`);
  const waiting: Span[] = [];
  const asleep: Span[] = [];
  const runs: Run[] = [];
  let leftIn: string | null = null;
  for (const line of r.stdout.split('\n')) {
    // time cpu task[tid] wait sch-delay run state: times in s, durations in ms. The state is the one
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
    if (leftIn === 'S' || leftIn === 'D') {
      // Asleep until woken, then runnable until scheduled (the scheduling delay).
      asleep.push({ from, to: to - delay });
      waiting.push({ from: to - delay, to });
    } else if (leftIn !== null) {
      // Preempted: runnable throughout. (perf releases name this state R, or W before 6.6.)
      waiting.push({ from, to });
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

/** Who had the CPUs while the main thread waited for one during a late interval: ms by group. */
function whoRan(
  late: readonly Span[],
  waiting: readonly Span[],
  runs: readonly Run[],
  rootTids: Set<string>,
  hostTids: Set<string>,
  hostPid: number,
): Map<string, number> {
  const spans: Span[] = [];
  for (const l of late)
    for (const w of waiting)
      if (overlap(l, w) > 0) spans.push({ from: Math.max(l.from, w.from), to: Math.min(l.to, w.to) });
  const when = union(spans);
  const by = new Map<string, number>();
  for (const run of runs) {
    const v = covered(run, when);
    if (v === 0) continue;
    // perf prints task[tid] or task[tid/pid]; a long name may lose the closing bracket.
    const tid = /\[(\d+)/.exec(run.task)?.[1] ?? '';
    const who = hostTids.has(tid)
      ? `bidder host, ${tid === String(hostPid) ? 'main thread' : 'other threads'}`
      : rootTids.has(tid)
        ? 'exchange process, other threads'
        : run.task.replace(/\[.*$/, '');
    by.set(who, (by.get(who) ?? 0) + v);
  }
  return by;
}

function stopRecorder(recorder: ChildProcess | null): Promise<void> {
  if (recorder === null || recorder.exitCode !== null || recorder.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    recorder.once('exit', () => done());
    recorder.kill('SIGINT');
  });
}

async function main(): Promise<void> {
  const rate = arg('rate', 1800);
  const sec = arg('sec', 10);
  const gcs: Span[] = [];
  const gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      gcs.push({ from: toMonotonicMs(e.startTime), to: toMonotonicMs(e.startTime + e.duration) });
  });
  gcObserver.observe({ entryTypes: ['gc'] });

  const dir = mkdtempSync(join(tmpdir(), 'late-causes-'));
  const perfData = join(dir, 'sched.data');
  let recorder: ChildProcess | null = null;
  const late: Span[] = [];
  let closed = 0;
  let rootTids: Set<string>;
  let hostTids: Set<string>;
  let hostPid: number;
  let off: ReturnType<typeof schedule> = { waiting: [], asleep: [], runs: [] };
  try {
    const canTrace =
      spawnSync('perf', ['sched', 'record', '-k', 'CLOCK_MONOTONIC', '-o', perfData, '--', 'true'], { stdio: 'ignore' })
        .status === 0;
    // Every CPU, from before the rig starts until the run is over (perf stops on SIGINT).
    if (canTrace)
      recorder = spawn('perf', ['sched', 'record', '-k', 'CLOCK_MONOTONIC', '-a', '-o', perfData], { stdio: 'ignore' });
    const rig = await startRig({ leaves: 10, tmaxMs: 50, latency: { model: 'constant', ms: 75 } });
    hostPid = rig.host.pid;
    const warmupEnd = rig.clock.now() + 5 + WARMUP_SEC * 1000;
    rig.metrics.onClose = (a) => {
      if (!a.byDeadline || a.arrivalMs < warmupEnd) return;
      closed++;
      if (a.closeMs - a.deadlineMs > LATE_MS)
        late.push({ from: toMonotonicMs(a.deadlineMs), to: toMonotonicMs(a.closeMs) });
    };
    try {
      await runOpen(rig, rate, WARMUP_SEC, sec);
      rootTids = threadsOf(process.pid);
      hostTids = threadsOf(hostPid);
    } finally {
      await rig.stop();
      gcObserver.disconnect();
      await stopRecorder(recorder);
    }
    if (recorder !== null) off = schedule(perfData, process.pid);
  } finally {
    await stopRecorder(recorder);
    rmSync(dir, { recursive: true, force: true });
  }

  const traced = recorder !== null;
  const causes = { gc: 0, waiting: 0, asleep: 0, none: 0 };
  const lateMs = { gc: 0, waiting: 0, asleep: 0 };
  for (const l of late) {
    const gc = covered(l, gcs);
    const waiting = covered(l, off.waiting);
    const asleep = covered(l, off.asleep);
    lateMs.gc += gc;
    lateMs.waiting += waiting;
    lateMs.asleep += asleep;
    const top = Math.max(gc, waiting, asleep);
    causes[top < MIN_CAUSE_MS ? 'none' : top === gc ? 'gc' : top === waiting ? 'waiting' : 'asleep']++;
  }
  const pct = (n: number): string => `${((100 * n) / Math.max(1, late.length)).toFixed(0)}%`;
  const who = [...whoRan(late, off.waiting, off.runs, rootTids, hostTids, hostPid)]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8);
  process.stdout.write(
    `${rate}/s for ${sec} s: ${closed} auctions closed by their deadline after the warm-up, ${late.length} of them more than ${LATE_MS} ms late (${((100 * late.length) / Math.max(1, closed)).toFixed(2)}%)\n` +
      `main cause (largest overlap with the late interval):\n` +
      `  garbage collection   ${causes.gc} (${pct(causes.gc)})\n` +
      (traced
        ? `  waiting for a core   ${causes.waiting} (${pct(causes.waiting)})\n` +
          `  asleep in a syscall  ${causes.asleep} (${pct(causes.asleep)})\n` +
          `  none (on the CPU)    ${causes.none} (${pct(causes.none)})\n` +
          `while it waited for a core, the CPUs ran (ms of wall time, both cores): ${who.map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')}\n`
        : `  other                ${late.length - causes.gc} (perf sched could not run here, so the CPU states are not told apart)\n`) +
      `late ms summed over the late auctions: ${late.reduce((s, l) => s + l.to - l.from, 0).toFixed(1)}, of which gc ${lateMs.gc.toFixed(1)}` +
      (traced ? `, waiting for a core ${lateMs.waiting.toFixed(1)}, asleep ${lateMs.asleep.toFixed(1)}` : '') +
      '\n',
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`late-causes failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
