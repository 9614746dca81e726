// `rtb-sim COMMAND [args]`: one entry point for every command (the container image's ENTRYPOINT),
// `rtb-sim sweep FILE --shards 4` being `npm run sweep -- FILE --shards 4`. It loads the command's
// module (commands.ts) as if node had been asked to run it, so the command reads the same argv,
// prints the same --help and exits with the same statuses.

import { fileURLToPath, pathToFileURL } from 'node:url';
import { suggest } from '../../lib/issues.js';
import { ENTRY_COMMANDS } from './commands.js';
import { fail } from './common.js';
import { EXIT } from './exit-codes.js';

const names = Object.keys(ENTRY_COMMANDS);
const usage = `usage: rtb-sim COMMAND [args]   (COMMAND: ${names.join(', ')}; rtb-sim COMMAND --help for its flags)`;

const [name, ...rest] = process.argv.slice(2);
if (name === undefined || name === '--help' || name === '-h') {
  process.stdout.write(`${usage}\n`);
  process.exit(name === undefined ? EXIT.badInput : EXIT.ok);
}
const command = Object.hasOwn(ENTRY_COMMANDS, name) ? ENTRY_COMMANDS[name] : undefined;
if (command === undefined) {
  const guess = suggest(name, names);
  fail(EXIT.badInput, `${name}: unknown command${guess !== undefined ? ` (did you mean ${guess}?)` : ''}\n${usage}`);
}
const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
const file = fileURLToPath(new URL(`./${command.module}.${ext}`, import.meta.url));
process.argv = [process.argv[0]!, file, ...rest];
await import(pathToFileURL(file).href);
