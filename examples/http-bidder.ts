// A complete OpenRTB bidder over HTTP/1.1 in plain node:http (docs/protocol.md): it bids on every
// impression at twice its floor, answers 204 when it has nothing to bid, reads and writes gzip when
// asked, checks a bearer token if given one, and counts the win and loss notices the exchange
// fetches from the URLs its bids carry.
//
//   npx tsx examples/http-bidder.ts [--port 9200] [--token T]
//   then a scenario bidder: { "name": "mine", "url": "http://127.0.0.1:9200/bid", "token": "T" }
//
// It prints `listening on <port>` when ready, and `wins <n> losses <n>` when stopped (SIGTERM).

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync, gzipSync } from 'node:zlib';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? undefined : args[i + 1];
};
const port = Number(flag('port') ?? 0);
const token = flag('token');
let wins = 0;
let losses = 0;

interface Imp {
  id: string;
  bidfloor: number;
}

function reply(res: ServerResponse, status: number, body?: string, gzip = false): void {
  if (body === undefined) return void res.writeHead(status, { 'content-length': 0 }).end();
  const bytes = gzip ? gzipSync(body) : Buffer.from(body);
  const headers: Record<string, string | number> = {
    'content-type': 'application/json',
    'content-length': bytes.length,
  };
  if (gzip) headers['content-encoding'] = 'gzip';
  res.writeHead(status, headers).end(bytes);
}

function onBidRequest(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
  let request: { id?: unknown; imp?: Imp[] };
  try {
    const text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body).toString();
    request = JSON.parse(text) as typeof request;
  } catch {
    return reply(res, 400);
  }
  if (typeof request.id !== 'string' || !Array.isArray(request.imp)) return reply(res, 400);
  const bids = request.imp
    .filter((imp) => imp.bidfloor < 5)
    .map((imp, i) => ({
      id: `${request.id as string}-${i}`,
      impid: imp.id,
      price: Math.max(0.01, imp.bidfloor * 2),
      // Notices come back to this server; the exchange fetches them only on the bid's own origin.
      nurl: `http://${req.headers.host}/win?price=\${AUCTION_PRICE}&imp=\${AUCTION_IMP_ID}`,
      lurl: `http://${req.headers.host}/loss?reason=\${AUCTION_LOSS}`,
    }));
  if (bids.length === 0) return reply(res, 204); // the cheapest no-bid
  const gzip = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
  reply(res, 200, JSON.stringify({ id: request.id, seatbid: [{ seat: 'example', bid: bids }], cur: 'USD' }), gzip);
}

const server = createServer((req, res) => {
  if (token !== undefined && req.headers.authorization !== `Bearer ${token}`) return reply(res, 401);
  const path = (req.url ?? '/').split('?')[0];
  if (req.method === 'GET' && path === '/win') {
    wins++;
    return reply(res, 204);
  }
  if (req.method === 'GET' && path === '/loss') {
    losses++;
    return reply(res, 204);
  }
  if (req.method !== 'POST') return reply(res, 405);
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => onBidRequest(req, res, Buffer.concat(chunks)));
});

server.listen(port, '127.0.0.1', () => {
  console.log(`listening on ${(server.address() as AddressInfo).port}`);
});
process.on('SIGTERM', () => {
  console.log(`wins ${wins} losses ${losses}`);
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
