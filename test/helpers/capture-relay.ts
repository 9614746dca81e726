// A TCP relay that keeps what its clients send: listens on HOST:PORT, forwards each connection to
// TARGET_HOST:TARGET_PORT both ways, and records the client's bytes (up to 4 MiB a connection) and its
// address. Prints `relaying HOST:PORT` once listening; on SIGTERM writes the record to OUT as JSON,
// `[{ "remote": "10.200.1.1", "bytes": "<base64>" }]`, and exits. For tests that must see what went
// over a wire (test/netns.test.ts runs it inside a network namespace, in front of a bidder host).
//
//   node --import tsx test/helpers/capture-relay.ts HOST PORT TARGET_HOST TARGET_PORT OUT

import { writeFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';

const [host, port, targetHost, targetPort, out] = process.argv.slice(2);
if (host === undefined || port === undefined || targetHost === undefined || targetPort === undefined || !out) {
  process.stderr.write('usage: capture-relay.ts HOST PORT TARGET_HOST TARGET_PORT OUT\n');
  process.exit(2);
}

const MAX_BYTES = 4 * 1024 * 1024;

interface Capture {
  remote: string;
  chunks: Buffer[];
  size: number;
}

const captures: Capture[] = [];
const sockets = new Set<Socket>();

const server = createServer((client) => {
  const capture: Capture = { remote: client.remoteAddress ?? '', chunks: [], size: 0 };
  captures.push(capture);
  const upstream = connect(Number(targetPort), targetHost);
  sockets.add(client);
  sockets.add(upstream);
  client.on('data', (chunk: Buffer) => {
    if (capture.size < MAX_BYTES) {
      capture.chunks.push(chunk);
      capture.size += chunk.length;
    }
  });
  client.pipe(upstream);
  upstream.pipe(client);
  const end = (): void => {
    client.destroy();
    upstream.destroy();
    sockets.delete(client);
    sockets.delete(upstream);
  };
  client.on('error', end);
  upstream.on('error', end);
  client.on('close', end);
  upstream.on('close', end);
});

server.listen(Number(port), host, () => process.stdout.write(`relaying ${host}:${port}\n`));

process.on('SIGTERM', () => {
  const record = captures.map((c) => ({ remote: c.remote, bytes: Buffer.concat(c.chunks).toString('base64') }));
  writeFileSync(out, JSON.stringify(record));
  for (const s of sockets) s.destroy();
  server.close(() => process.exit(0));
});
