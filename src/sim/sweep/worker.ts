// A sweep worker process: runs the cells it is sent, one at a time, and sends each summary back.
//   parent → { type: 'run', index, scenario }    child → { type: 'done', index, summary, errors }
//                                                 child → { type: 'failed', index, message }
// It exits when the parent disconnects, so no worker outlives a sweep.

import { runScenario } from '../run/run-scenario.js';
import { expandLeaves } from '../scenario/bidder-groups.js';
import type { Scenario } from '../scenario/schema.js';
import { accountingErrors, type Summary } from '../metrics/summary.js';

export type WorkerCommand = { type: 'run'; index: number; scenario: Scenario };
export type WorkerReply =
  | { type: 'done'; index: number; summary: Summary; errors: string[] }
  | { type: 'failed'; index: number; message: string };

function reply(msg: WorkerReply): void {
  process.send?.(msg);
}

async function run(cmd: WorkerCommand): Promise<void> {
  try {
    const result = await runScenario(cmd.scenario);
    const errors = [
      ...accountingErrors(result.summary, expandLeaves(cmd.scenario).length),
      ...result.invariantViolations,
    ];
    reply({ type: 'done', index: cmd.index, summary: result.summary, errors });
  } catch (err) {
    reply({ type: 'failed', index: cmd.index, message: err instanceof Error ? err.message : String(err) });
  }
}

process.on('message', (msg: WorkerCommand) => void run(msg));
process.on('disconnect', () => process.exit(0));
