// A plain node:http server on 127.0.0.1:0 whose paths run a script the test gives: answer now, later,
// 204, 500, gzip, reset. It records each POSTed request (headers and body, gunzipped when sent so) and
// each notice GET.

import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import type { BidRequest } from '../../src/protocol/openrtb.js';

export type HttpScript = (req: BidRequest, res: ServerResponse, nth: number, raw: IncomingMessage) => void;

export interface HttpLeafRecord {
  requests: BidRequest[];
  headers: IncomingHttpHeaders[];
  /** The paths and queries of notice GETs, as received. */
  notices: string[];
  /** Requests whose connection closed before the script answered (the exchange aborted them). */
  aborted: number;
}

export class HttpBidders {
  readonly leaves = new Map<string, HttpLeafRecord>();
  private readonly server: Server;
  port = 0;

  constructor(scripts: Record<string, HttpScript>) {
    for (const name of Object.keys(scripts))
      this.leaves.set(name, { requests: [], headers: [], notices: [], aborted: 0 });
    this.server = createServer((req, res) => {
      const [path] = (req.url ?? '/').split('?');
      const name = path!.split('/')[1] ?? '';
      const leaf = this.leaves.get(name);
      const script = scripts[name];
      if (leaf === undefined || script === undefined) return void res.writeHead(404).end();
      if (req.method === 'GET') {
        leaf.notices.push(req.url ?? '');
        return void res.writeHead(200, { 'content-length': 0 }).end();
      }
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        let body = Buffer.concat(chunks);
        if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
        const request = JSON.parse(body.toString()) as BidRequest;
        leaf.requests.push(request);
        leaf.headers.push(req.headers);
        res.on('close', () => {
          if (!res.writableFinished) leaf.aborted++;
        });
        script(request, res, leaf.requests.length, req);
      });
    });
    this.server.keepAliveTimeout = 10_000;
  }

  async listen(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  url(name: string): string {
    return `http://127.0.0.1:${this.port}/${name}`;
  }

  leaf(name: string): HttpLeafRecord {
    const l = this.leaves.get(name);
    if (l === undefined) throw new Error(`no leaf ${name}`);
    return l;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

/** Answer with `body` as JSON, status 200. */
export function json(res: ServerResponse, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}
