// A WebSocket server on 127.0.0.1:0 whose leaves (by path) run a script the test gives: answer
// now, answer later, never, garbage, drop. It records what each leaf received, notices included.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { BidRequest, BidResponse, Notice } from '../../src/protocol/openrtb.js';

export type Script = (req: BidRequest, ws: WebSocket, nth: number) => void;

export interface ScriptedLeaf {
  requests: BidRequest[];
  notices: Notice[];
  connections: number;
}

export class ScriptedBidders {
  readonly leaves = new Map<string, ScriptedLeaf>();
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  port = 0;

  constructor(scripts: Record<string, Script>) {
    for (const name of Object.keys(scripts)) this.leaves.set(name, { requests: [], notices: [], connections: 0 });
    this.http = createServer();
    this.wss = new WebSocketServer({ server: this.http, perMessageDeflate: false });
    this.wss.on('connection', (ws, req) => {
      const name = (req.url ?? '/').slice(1);
      const leaf = this.leaves.get(name);
      const script = scripts[name];
      if (leaf === undefined || script === undefined) return ws.close(4404, 'no such leaf');
      leaf.connections++;
      ws.on('message', (data) => {
        const msg = JSON.parse(data.toString()) as BidRequest | Notice;
        if ('notice' in msg) leaf.notices.push(msg);
        else {
          leaf.requests.push(msg);
          script(msg, ws, leaf.requests.length);
        }
      });
    });
  }

  async listen(): Promise<this> {
    await new Promise<void>((r) => this.http.listen(0, '127.0.0.1', () => r()));
    this.port = (this.http.address() as AddressInfo).port;
    return this;
  }

  url(name: string): string {
    return `ws://127.0.0.1:${this.port}/${name}`;
  }

  leaf(name: string): ScriptedLeaf {
    const l = this.leaves.get(name);
    if (l === undefined) throw new Error(`no leaf ${name}`);
    return l;
  }

  async close(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((r) => this.wss.close(() => r()));
    this.http.closeAllConnections();
    await new Promise<void>((r) => this.http.close(() => r()));
  }
}

/** A bid on every impression at `price`. */
export function bidOn(req: BidRequest, price: number, seat = 'seat'): BidResponse {
  return {
    id: req.id,
    seatbid: [{ seat, bid: req.imp.map((imp, i) => ({ id: `${seat}-${i}`, impid: imp.id, price })) }],
    cur: 'USD',
  };
}

export function send(ws: WebSocket, msg: unknown): void {
  ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
}

/** Poll until `cond` holds, or fail after `timeoutMs` (bounded, never hangs a test). */
export async function waitFor(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
