// `npx tsx bench/processes.ts [--rates 1000,2000,...] [--processes 1,2] [--duration S] [--leaves N]`
// The sustainable open-loop rate of `npm run sim -- --processes K --hosts 1` with N (10) zero-latency
// leaves (tmax 100 ms): for each K, each rate is run once (1 s warm-up, S s measured), and the highest
// rate that timed nothing out and kept the auction p99 within 10 ms is K's answer. Each run also gives
// the exchanges' CPU time per auction (the harness's cpuSec summed over the segments, over the
// auctions counted), the cost the docs scale from (docs/performance.md, "Several processes"). Prints
// a table; the machine is shared, so it prints the load average beside it.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Summary } from '../src/sim/metrics/summary.js';

const { values } = parseArgs({
  options: {
    rates: { type: 'string', default: '1000,2000,4000,6000,8000' },
    processes: { type: 'string', default: '1,2' },
    duration: { type: 'string', default: '4' },
    leaves: { type: 'string', default: '10' },
  },
});
const rates = values.rates.split(',').map(Number);
const ks = values.processes.split(',').map(Number);
const measuredSec = Number(values.duration);

const scenario = {
  name: 'processes-bench',
  seed: 1,
  load: { rate: 1000, durationSec: measuredSec + 1, warmupSec: 1 },
  auction: { tmaxMs: 100 },
  bidders: [{ name: 'zero', count: Number(values.leaves), latency: { model: 'constant', ms: 0 } }],
};

/** The sustainable bound: nothing timed out, the auction p99 within this. */
const P99_MS = 10;

interface Row {
  k: number;
  rate: number;
  perSec: number;
  p99: number;
  timeout: number;
  verdict: string;
  cpuUsPerAuction: number;
  load: number;
}

/** `ok`, or the verdict with the ids of the checks past their limits: `degraded (host-lateness-p99)`. */
function verdictWithChecks(s: Summary): string {
  const h = s.harness;
  if (h === undefined) return '?';
  const passed = h.checks.filter((c) => c.level !== 'ok').map((c) => c.id);
  return passed.length === 0 ? h.verdict : `${h.verdict} (${[...new Set(passed)].join(', ')})`;
}

function runOnce(dir: string, file: string, k: number, rate: number): Promise<Summary> {
  const out = join(dir, `k${k}-r${rate}`);
  const args = ['--import', 'tsx', 'src/sim/cli/sim.ts', file, '--rate', String(rate), '--processes', String(k)];
  args.push('--hosts', '1', '--out', out);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (status) => {
      if (status !== 0 && status !== 1) return reject(new Error(`k=${k} rate=${rate}: exit ${status}\n${err}`));
      resolve(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary);
    });
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rtb-sim-bench-processes-'));
  const file = join(dir, 'scenario.json');
  writeFileSync(file, JSON.stringify(scenario));
  const rows: Row[] = [];
  try {
    for (const k of ks)
      for (const rate of rates) {
        const s = await runOnce(dir, file, k, rate);
        const exchanges = (s.harness?.processes ?? []).filter((p) => p.role === 'exchange');
        const cpu = exchanges.reduce((t, p) => t + p.cpuSec, 0);
        const row: Row = {
          k,
          rate,
          perSec: s.auctions.perSec,
          p99: s.latency.auction.p99,
          timeout: s.rates.timeout,
          // The checks that passed their limits, by id, so a degraded row says what degraded it.
          verdict: verdictWithChecks(s),
          cpuUsPerAuction: s.auctions.total === 0 ? 0 : Math.round((cpu / s.auctions.total) * 1e6),
          load: Math.round(loadavg()[0]! * 100) / 100,
        };
        rows.push(row);
        process.stdout.write(
          `K=${k} rate ${rate}/s: ${row.perSec}/s measured, auction p99 ${row.p99} ms, timeout ${row.timeout}, ` +
            `harness ${row.verdict}, exchange CPU ${row.cpuUsPerAuction} µs/auction (load ${row.load})\n`,
        );
      }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  for (const k of ks) {
    const ok = rows.filter((r) => r.k === k && r.timeout === 0 && r.p99 <= P99_MS);
    const best = ok.length === 0 ? 'none of the rates tried' : `${Math.max(...ok.map((r) => r.rate))}/s`;
    process.stdout.write(`K=${k}: sustainable (no timeouts, auction p99 <= ${P99_MS} ms): ${best}\n`);
  }
}

void main();
