// `npm run soak [-- flags]`
// A long live run of a mixed scenario (well-behaved leaves beside hostile ones: garbage, duplicates,
// bad prices, floods, drops, slow readers, oversized frames, reconnect storms) that checks the
// exchange's footprint does not grow: the heap after a full GC and the count of active handles,
// measured once the warm-up is over and again in the run's last seconds, then before and after the
// whole run. The histograms are allocated up front and fixed in size, so beyond a small allowance
// anything that grows is a leak. Prints both samples and a verdict. Its flags are SOAK_SPEC (specs.ts),
// its exit statuses EXIT_CODES (exit-codes.ts): `--help` prints both.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { HostileSpec } from '../../bidders/hostile.js';
import { runLive } from '../run/live-runner.js';
import { formatIssues, validateScenario } from '../scenario/scenario.js';
import { expandLeaves } from '../scenario/bidder-groups.js';
import { accountingErrors } from '../metrics/summary.js';
import { fail } from './common.js';
import { parseCommand } from './command-spec.js';
import { EXIT } from './exit-codes.js';
import { createProgress } from './progress.js';
import { SOAK_SPEC } from './specs.js';
import { numberFlag } from './number-flag.js';

/** Heap growth allowed between the samples: GC timing, JIT code, the late-answer window's churn. */
export const HEAP_ALLOWANCE_BYTES = 16 * 1024 * 1024;
/** Handles that may differ between samples: a redial timer or socket in flight per hostile leaf, plus a few timers. */
const HANDLE_SLACK = 4;

const HOSTILE: Array<[string, HostileSpec]> = [
  ['not-json', { mode: 'not-json' }],
  ['wrong-shape', { mode: 'wrong-shape' }],
  ['unknown-id', { mode: 'unknown-id' }],
  ['closed-id', { mode: 'closed-id' }],
  ['duplicate', { mode: 'duplicate' }],
  ['unknown-impid', { mode: 'unknown-impid' }],
  ['price-nan', { mode: 'price', priceText: 'NaN' }],
  ['price-inf', { mode: 'price', priceText: '1e999' }],
  ['price-neg', { mode: 'price', priceText: '-1' }],
  ['price-zero', { mode: 'price', priceText: '0' }],
  ['price-str', { mode: 'price', priceText: '"1.5"' }],
  ['price-huge', { mode: 'price', priceText: '1e308' }],
  ['currency', { mode: 'wrong-currency' }],
  ['too-large', { mode: 'too-large', bytes: 128 * 1024 }],
  ['binary', { mode: 'binary' }],
  ['flood', { mode: 'flood', rate: 2000 }],
  ['no-read', { mode: 'no-read' }],
  ['disconnect', { mode: 'disconnect' }],
  ['storm', { mode: 'reconnect-storm' }],
];

interface Sample {
  heapBytes: number;
  handles: number;
  byType: Record<string, number>;
}

function sample(): Sample {
  const gc = (globalThis as { gc?: () => void }).gc!;
  gc();
  gc();
  const byType: Record<string, number> = {};
  const resources = process.getActiveResourcesInfo();
  for (const r of resources) byType[r] = (byType[r] ?? 0) + 1;
  return { heapBytes: process.memoryUsage().heapUsed, handles: resources.length, byType };
}

const mb = (b: number): string => `${(b / 1024 / 1024).toFixed(1)} MB`;
const types = (s: Sample): string =>
  Object.entries(s.byType)
    .sort()
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');

async function main(): Promise<void> {
  // Flags first, so --help and a bad flag are answered without starting a second process.
  const { values } = parseCommand(SOAK_SPEC);
  // A full GC needs --expose-gc: run again with it (same loader flags) when it is missing.
  if (typeof (globalThis as { gc?: unknown }).gc !== 'function') {
    const args = ['--expose-gc', ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)];
    const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
    // A child a signal stopped has no status: report it as a shell would, not as a leak (1).
    const bySignal = r.signal === 'SIGINT' ? EXIT.sigint : r.signal === 'SIGTERM' ? EXIT.sigterm : EXIT.runFailed;
    process.exit(r.status ?? bySignal);
  }
  // Bounds: at most a day of arrivals; the rate and the seed as a scenario takes them.
  const durationSec = numberFlag('duration', values.duration, { min: 10, max: 86_400 });
  const rate = numberFlag('rate', values.rate, { min: 0.1, max: 1_000_000 });
  const seed = numberFlag('seed', values.seed, { integer: true, min: 0, max: 2 ** 32 - 1 });
  const warmupSec = Math.min(5, durationSec / 4);

  const r = validateScenario({
    name: 'soak',
    seed,
    load: { arrival: 'poisson', rate, durationSec, warmupSec },
    auction: { tmaxMs: 100 },
    bidders: [
      { name: 'dsp', count: 4, latency: { model: 'lognormal', medianMs: 15, p99Ms: 60 } },
      {
        name: 'slow',
        count: 1,
        latency: { model: 'lognormal', medianMs: 60, p99Ms: 250 },
        faults: { timeout: 0.02, malformed: 0.01, disconnect: 0.001 },
      },
      ...HOSTILE.map(([name, hostile]) => ({ name, hostile })),
    ],
  });
  if (!r.ok) fail(EXIT.badInput, formatIssues(r.issues));
  const scenario = r.scenario;
  const leafCount = expandLeaves(scenario).length;

  const before = sample();
  let start: Sample | null = null;
  let end: Sample | null = null;
  process.stdout.write(
    `soak: ${durationSec} s at ${rate}/s, ${leafCount} leaves (${HOSTILE.length} hostile); heap before ${mb(before.heapBytes)}, ${before.handles} handles\n`,
  );
  const progress = createProgress();
  const result = await runLive(scenario, {
    progressEveryMs: 1000,
    onProgress: (p) => {
      if (start === null && p.elapsedSec >= warmupSec) {
        start = sample();
        progress.note(
          `  start (${p.elapsedSec.toFixed(0)} s): heap ${mb(start.heapBytes)}, ${start.handles} handles (${types(start)})`,
        );
      } else if (p.elapsedSec >= durationSec - 2.5 && end === null && start !== null) {
        end = sample();
        progress.note(
          `  end   (${p.elapsedSec.toFixed(0)} s): heap ${mb(end.heapBytes)}, ${end.handles} handles (${types(end)})`,
        );
      } else {
        progress.update(
          `  ${p.elapsedSec.toFixed(0)} s: ${p.closed} closed, ${p.inFlight} in flight, auction p99 ${p.auctionP99Ms.toFixed(1)} ms`,
        );
      }
    },
  });
  progress.end();
  // The child host's process and pipe handles close a moment after its exit event.
  await new Promise((done) => setTimeout(done, 500));
  const after = sample();

  const s = result.summary;
  process.stdout.write(
    `\n${s.auctions.total} auctions, ${s.bids.sent} requests; overshoot p99 ${s.latency.overshoot.p99} ms max ${s.latency.overshoot.max} ms; auction p99 ${s.latency.auction.p99} ms\n`,
  );
  process.stdout.write('leaf             sent  onTime invalid timedOut  lost stray drops  reasons\n');
  for (const [name, b] of Object.entries(s.bidders)) {
    const reasons = Object.entries(b.invalidReasons)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    process.stdout.write(
      `${name.padEnd(15)} ${String(b.sent).padStart(5)} ${String(b.onTime).padStart(7)} ${String(b.invalid).padStart(7)} ${String(b.timedOut).padStart(8)} ${String(b.lost).padStart(5)} ${String(b.stray).padStart(5)} ${String(b.drops).padStart(5)}  ${reasons}\n`,
    );
  }

  const broken = [...accountingErrors(s, leafCount), ...result.invariantViolations];
  if (result.stoppedBy !== null) broken.push(`the run stopped early: ${result.message ?? result.stoppedBy}`);
  if (start === null || end === null) fail(EXIT.runFailed, 'soak: the run ended before both samples were taken');
  const a: Sample = start;
  const b: Sample = end;
  const heapGrowth = b.heapBytes - a.heapBytes;
  const handleGrowth = b.handles - a.handles;
  const slack = HANDLE_SLACK + HOSTILE.length;
  const overall = after.handles - before.handles;
  process.stdout.write(
    `\nheap    start ${mb(a.heapBytes)}  end ${mb(b.heapBytes)}  growth ${mb(heapGrowth)} (allowed ${mb(HEAP_ALLOWANCE_BYTES)})\n` +
      `handles start ${a.handles}  end ${b.handles}  growth ${handleGrowth} (allowed ${slack})\n` +
      `before the run: heap ${mb(before.heapBytes)}, ${before.handles} handles; after it: heap ${mb(after.heapBytes)}, ${after.handles} handles\n`,
  );
  const grew: string[] = [];
  if (heapGrowth > HEAP_ALLOWANCE_BYTES) grew.push(`heap grew by ${mb(heapGrowth)}`);
  if (handleGrowth > slack) grew.push(`active handles grew by ${handleGrowth}`);
  if (overall > 0) grew.push(`${overall} handle(s) left open after the run (${types(after)})`);
  if (broken.length > 0) {
    process.stdout.write(`verdict: FAIL, the run broke its invariants:\n${broken.slice(0, 20).join('\n')}\n`);
    process.exit(EXIT.runFailed);
  }
  process.stdout.write(grew.length === 0 ? 'verdict: PASS, nothing grew\n' : `verdict: FAIL, ${grew.join('; ')}\n`);
  process.exit(grew.length === 0 ? EXIT.ok : EXIT.checkFailed);
}

void main();
