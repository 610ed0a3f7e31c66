// Small HTTP helpers shared by the emulator's modules: the request as the handlers see it, the reply they return
// (the server writes it), and body reading with a size limit.

import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

/** Who answers a request: an emulated provider (its id), the CDN, the control API, or nobody. */
export type Route = string;
export type AuthState = 'valid' | 'invalid' | 'missing';

export interface EmuRequest {
  method: string;
  /** The request target's path as sent (not decoded). */
  path: string;
  /** The query as sent, without "?"; undefined when there is none. */
  query: string | undefined;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export type Reply =
  | { kind: 'respond'; status: number; headers: Record<string, string>; body: string | Buffer }
  /** Close the connection without any response. */
  | { kind: 'drop' };

export const JSON_TYPE = 'application/json; charset=utf-8';
export const MAX_REQUEST_BODY_BYTES = 1024 * 1024;

export function json(
  status: number,
  value: unknown,
  contentType = JSON_TYPE,
  headers: Record<string, string> = {},
): Reply {
  return { kind: 'respond', status, headers: { 'content-type': contentType, ...headers }, body: JSON.stringify(value) };
}

export function text(status: number, body: string, headers: Record<string, string> = {}): Reply {
  return { kind: 'respond', status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers }, body };
}

export function withHeaders(reply: Reply, headers: Record<string, string>): Reply {
  return reply.kind === 'respond' ? { ...reply, headers: { ...reply.headers, ...headers } } : reply;
}

export function header(req: EmuRequest, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** The media type of a Content-Type header, lower case, without parameters. */
export function mediaType(contentType: string | undefined): string | undefined {
  const t = contentType?.split(';')[0]?.trim().toLowerCase();
  return t ? t : undefined;
}

/** Compares two secrets in constant time (on their digests, so lengths do not leak either). */
export function safeEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a, 'utf8').digest();
  const db = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(da, db);
}

/** Reads the body; `undefined` when it is larger than `limit` (the rest is not read). */
export function readBody(req: IncomingMessage, limit = MAX_REQUEST_BODY_BYTES): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        req.pause();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!done) {
        done = true;
        resolve(Buffer.concat(chunks));
      }
    });
    req.on('error', (e) => {
      if (!done) {
        done = true;
        reject(e);
      }
    });
  });
}

/** Splits a raw request target into path and query, without decoding either. */
export function splitTarget(target: string): { path: string; query: string | undefined } {
  const q = target.indexOf('?');
  return q < 0
    ? { path: target || '/', query: undefined }
    : { path: target.slice(0, q) || '/', query: target.slice(q + 1) };
}
