// A complete OpenRTB bidder over WebSocket with plain `ws` (docs/protocol.md): one text frame per
// request, one per answer. It bids on every impression at twice its floor, sends an explicit no-bid
// (the request's id and an `nbr`) when it has nothing to bid, checks a bearer token on the upgrade if
// given one, and counts the win and loss notices the exchange sends as frames.
//
//   npx tsx examples/ws-bidder.ts [--port 9300] [--token T]
//   then a scenario bidder: { "name": "mine", "url": "ws://127.0.0.1:9300/bid", "token": "T" }
//
// It prints `listening on <port>` when ready, and `wins <n> losses <n>` when stopped (SIGTERM).

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

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

const server = createServer((_req, res) => void res.writeHead(426).end());
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
server.on('upgrade', (req, socket, head) => {
  if (token !== undefined && req.headers.authorization !== `Bearer ${token}`) {
    return void socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n');
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      let msg: { id?: unknown; imp?: Imp[]; notice?: string };
      try {
        msg = JSON.parse(data.toString()) as typeof msg;
      } catch {
        return; // a request we cannot read has no id to answer
      }
      if (msg.notice === 'win') return void wins++;
      if (msg.notice === 'loss') return void losses++;
      if (typeof msg.id !== 'string' || !Array.isArray(msg.imp)) return;
      const bids = msg.imp
        .filter((imp) => imp.bidfloor < 5)
        .map((imp, i) => ({ id: `${msg.id as string}-${i}`, impid: imp.id, price: Math.max(0.01, imp.bidfloor * 2) }));
      // No HTTP 204 on a WebSocket: a no-bid is the request's id with a reason (8: unmatched user).
      const answer =
        bids.length === 0 ? { id: msg.id, nbr: 8 } : { id: msg.id, seatbid: [{ seat: 'example', bid: bids }] };
      ws.send(JSON.stringify(answer));
    });
  });
});

server.listen(port, '127.0.0.1', () => {
  console.log(`listening on ${(server.address() as AddressInfo).port}`);
});
process.on('SIGTERM', () => {
  console.log(`wins ${wins} losses ${losses}`);
  for (const ws of wss.clients) ws.terminate();
  server.close(() => process.exit(0));
});
