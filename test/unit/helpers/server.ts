// A loopback HTTP server for wire-format tests: records every request (method, path, headers, body), counts the
// requests in flight at once, and answers through a handler the test gives. Listens on 127.0.0.1, port 0.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sleep } from '../../../src/core/pacing';

export interface Recorded {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Order of arrival, 0-based. */
  index: number;
  /** Date.now() when the request arrived. */
  at: number;
}

export type Handler = (req: Recorded, res: http.ServerResponse, raw: http.IncomingMessage) => void | Promise<void>;

export interface TestServer {
  base: string;
  port: number;
  requests: Recorded[];
  inFlight: number;
  maxInFlight: number;
  /** Requests whose connection closed before the server answered. */
  abandoned: number;
  handler: Handler;
  close(): Promise<void>;
}

export function startServer(handler: Handler): Promise<TestServer> {
  const state: TestServer = {
    base: '',
    port: 0,
    requests: [],
    inFlight: 0,
    maxInFlight: 0,
    abandoned: 0,
    handler,
    close: async () => {},
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rec: Recorded = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        index: state.requests.length,
        at: Date.now(),
      };
      state.requests.push(rec);
      state.inFlight++;
      state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        state.inFlight--;
        if (!res.writableFinished) state.abandoned++;
      };
      res.on('close', finish);
      res.on('finish', finish);
      Promise.resolve()
        .then(() => state.handler(rec, res, req))
        .catch((e: unknown) => {
          if (!res.headersSent) {
            res.writeHead(599, { 'content-type': 'text/plain' });
            res.end(`test handler threw: ${String(e)}`);
          }
        });
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      state.port = port;
      state.base = `http://127.0.0.1:${port}`;
      state.close = () =>
        new Promise<void>((done) => {
          server.closeAllConnections();
          server.close(() => done());
        });
      resolve(state);
    });
  });
}

/** Answers with a JSON body (or a raw string) and extra headers. */
export function reply(
  res: http.ServerResponse,
  status: number,
  body?: unknown,
  headers: Record<string, string> = {},
): void {
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  const type = typeof body === 'string' ? 'text/plain' : 'application/json';
  res.writeHead(status, {
    ...(text ? { 'content-type': type } : {}),
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** Resolves after ms: the one sleep (src/core/pacing.ts). */
export { sleep as delay } from '../../../src/core/pacing';

/** Polls `cond` every few ms until it holds (or throws after `timeoutMs`). For "wait until the server saw it". */
export async function until(cond: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}
