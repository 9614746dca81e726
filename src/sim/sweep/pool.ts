// Runs sweep cells in parallel worker processes (child_process.fork; under tsx the workers load
// TypeScript the same way, as run/host-child.ts does). Each worker takes the next cell when it finishes
// one, so slow cells do not hold up the rest. Progress is an event; printing is the caller's.

import { fork, type ChildProcess } from 'node:child_process';
import type { Summary } from '../metrics/summary.js';
import type { RunJob } from './repeats.js';
import type { WorkerCommand, WorkerReply } from './worker.js';

export interface CellRun {
  /** The job's index (repeats.ts): its cell and repeat are on the job. */
  index: number;
  summary: Summary;
  errors: string[];
}

/**
 * Node flags for a process that runs virtual time. A virtual run is one busy thread that allocates
 * fast, and V8's default parallel scavenge adds helper threads whose CPU counts too: per-thread CPU
 * of the bench's virtual case (4 warm runs, 3.2 M responses) was 397 ticks on the main thread + 45
 * on helpers by default, 359 + 10 with `--single-threaded-gc` (`--no-parallel-scavenge` alone 368 +
 * 14; `--no-concurrent-marking` was worse). Over 11 pairs of processes run alternately, responses
 * per CPU second were 1.06x the default's (geometric mean; pairs from 0.84x to 1.32x, as this VM's
 * speed drifts by a quarter within minutes). Live runs keep the default: their GC pauses are the
 * deadline's tail, and a single-threaded scavenge is a longer pause.
 */
export const VIRTUAL_NODE_FLAGS: readonly string[] = ['--single-threaded-gc'];

function entry(virtual: boolean): { file: URL; execArgv: string[] } {
  const ts = import.meta.url.endsWith('.ts');
  const file = new URL(`./worker.${ts ? 'ts' : 'js'}`, import.meta.url);
  return {
    file,
    execArgv: [...(virtual ? VIRTUAL_NODE_FLAGS : []), ...(ts ? ['--import', import.meta.resolve('tsx')] : [])],
  };
}

/** Run every job on `workers` processes; resolves with the runs in job order, rejects on the first failure. */
export function runCells(
  cells: readonly RunJob[],
  workers: number,
  onDone?: (done: number, total: number) => void,
): Promise<CellRun[]> {
  const { file, execArgv } = entry(cells.every((c) => c.scenario.mode === 'virtual'));
  const runs = new Array<CellRun | undefined>(cells.length);
  const children: ChildProcess[] = [];
  let nextCell = 0;
  let done = 0;
  let settled = false;
  /** Workers sent away because no cell was left: their exit is expected. */
  const retired = new Set<ChildProcess>();

  return new Promise((resolve, reject) => {
    const finish = (err: Error | null): void => {
      if (settled) return;
      settled = true;
      for (const c of children) {
        if (c.connected) c.disconnect();
        if (err !== null) c.kill('SIGKILL');
      }
      if (err !== null) reject(err);
      else resolve(runs as CellRun[]);
    };
    const feed = (child: ChildProcess): void => {
      if (nextCell >= cells.length) {
        retired.add(child);
        if (child.connected) child.disconnect();
        return;
      }
      const cell = cells[nextCell++]!;
      const cmd: WorkerCommand = { type: 'run', index: cell.index, scenario: cell.scenario };
      child.send(cmd);
    };
    const slot = new Map<number, number>(cells.map((c, i) => [c.index, i]));
    const count = Math.max(1, Math.min(workers, cells.length));
    for (let w = 0; w < count; w++) {
      const child = fork(file, [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      children.push(child);
      child.on('message', (msg: WorkerReply) => {
        if (msg.type === 'failed') {
          const job = cells[slot.get(msg.index)!];
          const which = job === undefined ? `run ${msg.index}` : `cell ${job.cell} (repeat ${job.repeat})`;
          return finish(new Error(`sweep ${which} failed: ${msg.message}`));
        }
        runs[slot.get(msg.index)!] = { index: msg.index, summary: msg.summary, errors: msg.errors };
        done++;
        onDone?.(done, cells.length);
        if (done === cells.length) finish(null);
        else feed(child);
      });
      child.once('exit', (code, signal) => {
        if (!settled && !retired.has(child)) {
          finish(
            new Error(
              `sweep worker ${signal !== null ? `killed by ${signal}` : `exited with status ${code}`} before the sweep finished`,
            ),
          );
        }
      });
      feed(child);
    }
  });
}
