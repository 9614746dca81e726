// The floor's leaves: bare `ws`, no project code. One WebSocket server in this child process serves
// `leaves` paths; each leaf parses the request (JSON.parse) and answers at once with a BidResponse of
// the same shape and size the project's leaves send, built and serialised per request.
//   parent → { type: 'start' }   child → { type: 'ready', port }; exits when the parent goes away.

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

interface Imp {
  id: string;
}

function serve(name: string, ws: WebSocket): void {
  const crid = `${name}-creative`;
  const adomain = [`${name}.example`];
  let counter = 0;
  ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    const req = JSON.parse(data.toString()) as { id: string; imp?: Imp[]; notice?: string };
    if (req.notice !== undefined || req.imp === undefined) return;
    const imps = req.imp;
    const bid = new Array<object>(imps.length);
    for (let i = 0; i < imps.length; i++) {
      const price = Math.max(1, Math.round((0.5 + Math.random() * 2.5) * 1e4)) / 1e4;
      bid[i] = { id: String(++counter), impid: imps[i]!.id, price, crid, adomain };
    }
    ws.send(JSON.stringify({ id: req.id, seatbid: [{ seat: name, bid }], cur: 'USD' }));
  });
}

const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 64 * 1024 });
const http = createServer();
http.on('upgrade', (req, socket, head) => {
  const name = decodeURIComponent((req.url ?? '/').slice(1));
  wss.handleUpgrade(req, socket, head, (ws) => serve(name, ws));
});

process.on('message', (msg: { type: string }) => {
  if (msg.type !== 'start') return;
  http.listen(0, '127.0.0.1', () => process.send?.({ type: 'ready', port: (http.address() as AddressInfo).port }));
});
process.on('disconnect', () => process.exit(0));
