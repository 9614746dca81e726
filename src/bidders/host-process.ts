// Entry point of a bidder host run as a child process of the simulator (so that the leaves' timers
// never share an event loop with the exchange's deadlines). Driven over Node's IPC channel:
//   parent → { type: 'start', leaves, seed, options }   child → { type: 'ready', port }
//   parent → { type: 'mark' }                           (the warm-up is over: statistics start afresh)
//   parent → { type: 'measure' }                        child → { type: 'load', process } (the run's measured stretch is over)
//   parent → { type: 'stop' }                           child → { type: 'stats', leaves, process }, then exits
// `process` is how busy this child was from the mark (or its start) to the stop: the harness verdict
// of the run reads it.
// The child also exits when the parent goes away (IPC disconnect), so no process is left behind.

import type { LeafConfig } from './config.js';
import { ProcessMeter, type ProcessLoad } from '../lib/process-meter.js';
import { BidderHost, type HostOptions, type LeafHostStats } from './host.js';

export type HostCommand =
  | { type: 'start'; leaves: LeafConfig[]; seed: number | string; options: Partial<HostOptions> }
  | { type: 'mark' }
  | { type: 'measure' }
  | { type: 'stop' };

export type HostReply =
  | { type: 'ready'; port: number }
  | { type: 'stats'; leaves: LeafHostStats[]; process: HostProcessLoad }
  | { type: 'load'; process: HostProcessLoad }
  | { type: 'error'; message: string };

export interface HostProcessLoad extends ProcessLoad {
  pid: number;
}

let host: BidderHost | null = null;
const meter = new ProcessMeter();

function reply(msg: HostReply): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(msg, undefined, undefined, () => resolve());
  });
}

async function onCommand(cmd: HostCommand): Promise<void> {
  try {
    if (cmd.type === 'start') {
      host = new BidderHost(cmd.leaves, cmd.seed, cmd.options);
      const port = await host.listen();
      meter.reset();
      await reply({ type: 'ready', port });
    } else if (cmd.type === 'measure') {
      await reply({ type: 'load', process: { pid: process.pid, ...meter.read() } });
    } else if (cmd.type === 'mark') {
      host?.mark();
      meter.reset();
    } else if (cmd.type === 'stop') {
      const stats = host?.stats() ?? [];
      const load = meter.read();
      await host?.close();
      await reply({ type: 'stats', leaves: stats, process: { pid: process.pid, ...load } });
      process.exit(0);
    }
  } catch (err) {
    await reply({ type: 'error', message: err instanceof Error ? err.message : String(err) });
    process.exit(1);
  }
}

process.on('message', (msg: HostCommand) => void onCommand(msg));
process.on('disconnect', () => process.exit(0));
// A terminal's Ctrl-C (and a kill of the process group) reaches this child too. Under a parent it
// is the parent's to act on: it stops its arrivals, lets the auctions in flight close at their
// deadlines (this host still answering), then sends 'stop'; and if the parent dies instead, the IPC
// channel closes and 'disconnect' above ends this process.
if (process.send !== undefined) {
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => undefined);
}
