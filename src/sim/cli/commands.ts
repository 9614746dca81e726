// The commands of the single entry point (rtb-sim.ts, the container image's ENTRYPOINT): each name,
// the module that runs it and the spec its flags are parsed with, so the Kubernetes manifests' args
// can be checked with the parser that will read them (test/deploy-manifests.test.ts).

import type { CommandSpec } from './command-spec.js';
import { BIDDERS_SPEC, CAPACITY_SPEC, COMPARE_SPEC, MERGE_SPEC, SIM_SPEC, SOAK_SPEC, SWEEP_SPEC } from './specs.js';

export interface EntryCommand {
  /** The module under src/sim/cli, without its extension. */
  readonly module: string;
  readonly spec: CommandSpec;
}

export const ENTRY_COMMANDS: Readonly<Record<string, EntryCommand>> = {
  sim: { module: 'sim', spec: SIM_SPEC },
  sweep: { module: 'sweep', spec: SWEEP_SPEC },
  bidders: { module: 'bidders', spec: BIDDERS_SPEC },
  merge: { module: 'merge', spec: MERGE_SPEC },
  compare: { module: 'compare', spec: COMPARE_SPEC },
  capacity: { module: 'capacity', spec: CAPACITY_SPEC },
  soak: { module: 'soak', spec: SOAK_SPEC },
};
