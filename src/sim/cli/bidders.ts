// `npm run bidders -- --scenario FILE [flags]`
// Serves a scenario's simulated leaves at ws://host:port/<leaf> until SIGINT or SIGTERM, so the
// exchange (`npm run sim -- FILE --bidders ws://host:port`) or another tool can call them, from
// this machine or another. Listens on 127.0.0.1 unless --host says otherwise.
// Its flags are BIDDERS_SPEC (specs.ts), its exit statuses EXIT_CODES (exit-codes.ts): `--help` prints both.

import { BidderHost } from '../../bidders/host.js';
import { formatIssues, loadScenarioFile } from '../scenario/scenario.js';
import { expandLeaves } from '../scenario/bidder-groups.js';
import { watchLauncher } from './launcher-watch.js';
import { fail, onStopSignals } from './common.js';
import { parseCommand } from './command-spec.js';
import { EXIT } from './exit-codes.js';
import { BIDDERS_SPEC } from './specs.js';
import { numberFlag } from './number-flag.js';
import { shellWord, withLocalToken } from './bidder-host-flags.js';

/** Closes the host once it listens; until then there is nothing to close. */
let stopHost: ((sig: NodeJS.Signals) => void) | null = null;

async function main(): Promise<void> {
  // Killing npm alone would leave the host serving with nobody to stop it: close as on SIGTERM.
  // Watched from the start, so that a launcher gone while the host starts is seen too.
  watchLauncher(() => (stopHost === null ? process.exit(EXIT.sigterm) : stopHost('SIGTERM')));
  const { values } = parseCommand(BIDDERS_SPEC);
  const port = numberFlag('port', values.port, { integer: true, min: 0, max: 65535 });
  // A host serves the leaves and runs no auctions: a run too large for one exchange process is served alike.
  const loaded = loadScenarioFile(values.scenario, { exchange: false });
  if (!loaded.ok) fail(EXIT.badInput, `${values.scenario}: invalid scenario\n${formatIssues(loaded.issues)}`);
  const seed =
    values.seed === undefined
      ? loaded.scenario.seed
      : numberFlag('seed', values.seed, { integer: true, min: 0, max: 2 ** 32 - 1 });
  // The token the host will ask for, checked as a scenario's `token` is (and never echoed when wrong).
  const scenario =
    values.token === undefined ? loaded.scenario : withLocalToken(loaded.scenario, values.token, { exchange: false });
  const leaves = expandLeaves(scenario).flatMap((l) => (l.kind === 'local' ? [l.config] : []));
  if (leaves.length === 0)
    fail(EXIT.badInput, `${values.scenario}: no simulated bidders to serve (every group has a url)`);

  const host = new BidderHost(leaves, seed, {
    port,
    host: values.host,
    ...(values.token !== undefined ? { token: values.token } : {}),
  });
  let bound: number;
  try {
    bound = await host.listen();
  } catch (err) {
    fail(
      EXIT.runFailed,
      `cannot listen on ${values.host}:${port}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  const base = `ws://${values.host.includes(':') ? `[${values.host}]` : values.host}:${bound}`;
  process.stdout.write(
    `serving ${leaves.length} leaves of ${loaded.scenario.name} at ${base}/<leaf>${values.token !== undefined ? ' (token required)' : ''}\n`,
  );
  process.stdout.write(`  ${leaves.map((l) => l.name).join(' ')}\n`);
  // The command that works against this host: with --token, the exchange must send the same one.
  const token = values.token === undefined ? '' : ` --token ${shellWord(values.token)}`;
  process.stdout.write(
    `run the exchange against them: npm run sim -- ${shellWord(values.scenario)} --bidders ${base}${token}\n`,
  );

  const stop = (sig: NodeJS.Signals): void => {
    const stats = host.stats();
    const requests = stats.reduce((t, s) => t + s.requests, 0);
    const wins = stats.reduce((t, s) => t + s.wins, 0);
    process.stdout.write(`${sig}: served ${requests} requests, ${wins} wins; closing\n`);
    void host.close().then(() => process.exit(EXIT.ok));
  };
  onStopSignals(stop);
  stopHost = stop;
}

void main();
