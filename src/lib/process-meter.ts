// How busy this process was over a stretch of a run: its event loop's utilisation (the share of wall
// time the loop spent running callbacks rather than waiting for I/O, performance.eventLoopUtilization)
// and the CPU time it used (user + system, process.cpuUsage). The harness verdict of a live run reads
// one of these from the exchange's process and one from every bidder host.

import { performance, type EventLoopUtilization } from 'node:perf_hooks';

export interface ProcessLoad {
  /** Event-loop utilisation over the stretch, 0..1. */
  utilisation: number;
  /** Milliseconds the loop was active (ran callbacks) over the stretch. */
  activeMs: number;
  /** CPU seconds, user + system, over the stretch. */
  cpuSec: number;
  /** Wall seconds of the stretch. */
  wallSec: number;
}

export class ProcessMeter {
  private elu: EventLoopUtilization = performance.eventLoopUtilization();
  private cpu: NodeJS.CpuUsage = process.cpuUsage();
  private startMs = performance.now();

  /** Start the stretch afresh (the warm-up is over). */
  reset(): void {
    this.elu = performance.eventLoopUtilization();
    this.cpu = process.cpuUsage();
    this.startMs = performance.now();
  }

  /** The stretch from the last reset (or construction) to now. */
  read(): ProcessLoad {
    const elu = performance.eventLoopUtilization(this.elu);
    const cpu = process.cpuUsage(this.cpu);
    return {
      utilisation: elu.utilization,
      activeMs: elu.active,
      cpuSec: (cpu.user + cpu.system) / 1e6,
      wallSec: (performance.now() - this.startMs) / 1000,
    };
  }
}
