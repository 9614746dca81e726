// A target for the profiler: the project's exchange and bidder host under load, each process
// writing a .cpuprofile into DIR (the host is forked here with --cpu-prof, since NODE_OPTIONS may
// not carry it).
//   node --cpu-prof --cpu-prof-dir=DIR --import tsx bench/profile.ts DIR [leaves=10] [seconds=5] [latencyMs=0] [rate=0: closed loop] [tmaxMs=1000]
// then: npx tsx bench/profile-sum.ts DIR/<file>.cpuprofile

import type { LeafConfig } from '../src/bidders/config.js';
import type { HostReply } from '../src/bidders/host-process.js';
import type { ChildHost } from '../src/sim/run/host-child.js';
import { awaitMessage, forkTracked, tsxArgs } from './children.js';
import { runClosed, runOpen, startRig } from './rig.js';

const dir = process.argv[2] ?? '/tmp/prof';
const leaves = Number(process.argv[3] ?? 10);
const seconds = Number(process.argv[4] ?? 5);
const latencyMs = Number(process.argv[5] ?? 0);
const rate = Number(process.argv[6] ?? 0);
const tmaxMs = Number(process.argv[7] ?? 1000);

async function profiledHost(configs: LeafConfig[], seed: number): Promise<ChildHost> {
  const child = forkTracked(new URL('../src/bidders/host-process.ts', import.meta.url), [], {
    execArgv: tsxArgs(['--cpu-prof', `--cpu-prof-dir=${dir}`]),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = awaitMessage<HostReply & { type: 'ready' }>(child, 'ready', 15_000);
  child.send({ type: 'start', leaves: configs, seed, options: {} });
  const { port } = await ready;
  return {
    port,
    pid: child.pid ?? -1,
    onUnexpectedExit: () => undefined,
    load: () => null,
    measure: () => Promise.resolve(null),
    mark: () => child.send({ type: 'mark' }),
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.send({ type: 'stop' });
      await exited;
      return [];
    },
  };
}

const rig = await startRig({ leaves, tmaxMs, latency: { model: 'constant', ms: latencyMs } }, {}, profiledHost);
if (rate > 0) {
  await runOpen(rig, rate, 1, seconds);
  console.log(`open loop ${rate}/s; auctions ${rig.metrics.auctions}`);
} else {
  const r = await runClosed(rig, 64, 1, seconds);
  console.log(`${Math.round(r.auctions / r.seconds)} auctions/s`);
}
await rig.stop();
