// Injected faults (POST /_emulator/faults): queued answers for the next matching requests, consumed in the order
// they were queued. Kinds:
//   status     answer with `status` (default 500), `body` (a string, or JSON; default the provider's error shape)
//              and `headers`
//   delay      wait `delayMs`, then answer normally
//   drop       close the connection without answering
//   malformed  answer `status` (default 200) with a JSON content type and a body that is not JSON
//   huge       answer `status` (default 200) with a JSON body of `bytes` bytes (default 2 MiB)
//   portal     answer as a captive portal would in the provider's place: `status` (default 200), text/html, a
//              sign-in page (or `body`, a string), none of the provider's headers
// Any kind may have `delayMs` (waited first), `count` (how many requests it answers, default 1) and `match`
// ({method, path, provider}: path is a prefix of the request path). Control paths (/_emulator/...) never fault.

import { isRecord } from '../core/json';
import { withHeaders, type Reply, type Route } from './http';

export const FAULT_KINDS = ['status', 'delay', 'drop', 'malformed', 'huge', 'portal'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export const DEFAULT_HUGE_BYTES = 2 * 1024 * 1024;

/** The page the `portal` fault answers with: what a hotel's or a train's Wi-Fi sends to any request before sign-in. */
export const PORTAL_PAGE =
  '<!DOCTYPE html>\n<html><head><title>Sign in to Wi-Fi</title></head>\n<body><h1>Welcome!</h1><p>Please accept the terms to continue.</p><form method="post" action="/login"><button>Connect</button></form></body></html>\n';
const MAX_HUGE_BYTES = 64 * 1024 * 1024;
const MAX_DELAY_MS = 600_000;
const MAX_COUNT = 100_000;

export interface FaultMatch {
  method?: string;
  path?: string;
  /** An emulated provider's id, or "cdn". */
  provider?: Route;
}

/** How the one answering a request shapes an error, and what a cut-off body of its looks like. */
export interface ReplyShape {
  error(status: number, message: string, headers?: Record<string, string>): Reply;
  contentType: string;
  malformedBody: string;
}

export interface FaultSpec {
  kind: FaultKind;
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
  bytes?: number;
  count?: number;
  match?: FaultMatch;
}

export interface QueuedFault extends FaultSpec {
  id: number;
  /** Requests it will still answer. */
  remaining: number;
}

type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function intIn(v: unknown, name: string, min: number, max: number): Parsed<number | undefined> {
  if (v === undefined) return { ok: true, value: undefined };
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    return { ok: false, error: `${name} must be a whole number from ${min} to ${max}.` };
  return { ok: true, value: v };
}

function parseOne(raw: unknown, at: string, routes: readonly string[]): Parsed<FaultSpec> {
  if (!isRecord(raw)) return { ok: false, error: `${at} must be an object such as {"kind":"status","status":503}.` };
  const known = new Set(['kind', 'status', 'body', 'headers', 'delayMs', 'bytes', 'count', 'match']);
  const unknown = Object.keys(raw).filter((k) => !known.has(k));
  if (unknown.length)
    return {
      ok: false,
      error: `${at} has unknown field${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; the fields are ${[...known].join(', ')}.`,
    };
  const kind = raw.kind;
  if (typeof kind !== 'string' || !(FAULT_KINDS as readonly string[]).includes(kind)) {
    return { ok: false, error: `${at}.kind must be one of ${FAULT_KINDS.join(', ')}.` };
  }
  const spec: FaultSpec = { kind: kind as FaultKind };
  const status = intIn(raw.status, `${at}.status`, 200, 599);
  const delayMs = intIn(raw.delayMs, `${at}.delayMs`, 0, MAX_DELAY_MS);
  const bytes = intIn(raw.bytes, `${at}.bytes`, 1, MAX_HUGE_BYTES);
  const count = intIn(raw.count, `${at}.count`, 1, MAX_COUNT);
  for (const r of [status, delayMs, bytes, count]) if (!r.ok) return r;
  if (status.ok && status.value !== undefined) spec.status = status.value;
  if (delayMs.ok && delayMs.value !== undefined) spec.delayMs = delayMs.value;
  if (bytes.ok && bytes.value !== undefined) spec.bytes = bytes.value;
  if (count.ok && count.value !== undefined) spec.count = count.value;
  if (kind === 'delay' && spec.delayMs === undefined)
    return { ok: false, error: `${at}: a delay fault needs delayMs.` };
  if (raw.body !== undefined) spec.body = raw.body;
  if (raw.headers !== undefined) {
    if (!isRecord(raw.headers))
      return { ok: false, error: `${at}.headers must be an object of header names to string values.` };
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(raw.headers)) {
      if (!HEADER_NAME.test(name)) return { ok: false, error: `${at}.headers: "${name}" is not a valid header name.` };
      if (typeof value !== 'string' && typeof value !== 'number')
        return { ok: false, error: `${at}.headers.${name} must be a string.` };
      if (/[\r\n\0]/.test(String(value)))
        return { ok: false, error: `${at}.headers.${name} must not contain a line break or NUL.` };
      headers[name.toLowerCase()] = String(value);
    }
    spec.headers = headers;
  }
  if (raw.match !== undefined) {
    const m = raw.match;
    if (!isRecord(m)) return { ok: false, error: `${at}.match must be an object: {"method"?, "path"?, "provider"?}.` };
    const match: FaultMatch = {};
    if (m.method !== undefined) {
      if (typeof m.method !== 'string' || !/^[A-Za-z]+$/.test(m.method))
        return { ok: false, error: `${at}.match.method must be an HTTP method such as POST.` };
      match.method = m.method.toUpperCase();
    }
    if (m.path !== undefined) {
      if (typeof m.path !== 'string' || !m.path.startsWith('/'))
        return { ok: false, error: `${at}.match.path must be a path starting with "/", e.g. /v1/files/purge.` };
      match.path = m.path;
    }
    if (m.provider !== undefined) {
      if (typeof m.provider !== 'string' || !routes.includes(m.provider)) {
        return { ok: false, error: `${at}.match.provider must be one of ${routes.join(', ')}.` };
      }
      match.provider = m.provider;
    }
    spec.match = match;
  }
  return { ok: true, value: spec };
}

/** Accepts one fault, an array of faults, or {"faults": [...]}; `routes` are what match.provider may name. */
export function parseFaults(body: unknown, routes: readonly string[]): Parsed<FaultSpec[]> {
  const list = Array.isArray(body) ? body : isRecord(body) && Array.isArray(body.faults) ? body.faults : [body];
  if (list.length === 0)
    return { ok: false, error: 'No fault given: send {"kind":"status","status":503} or {"faults":[...]}.' };
  const out: FaultSpec[] = [];
  for (let i = 0; i < list.length; i++) {
    const r = parseOne(
      list[i],
      list.length === 1 && !Array.isArray(body) && !(isRecord(body) && 'faults' in body) ? 'the fault' : `faults[${i}]`,
      routes,
    );
    if (!r.ok) return r;
    out.push(r.value);
  }
  return { ok: true, value: out };
}

export class FaultQueue {
  private queue: QueuedFault[] = [];
  private nextId = 1;

  add(specs: readonly FaultSpec[]): QueuedFault[] {
    const added = specs.map((s) => ({ ...s, id: this.nextId++, remaining: s.count ?? 1 }));
    this.queue.push(...added);
    return added;
  }

  /** The first queued fault matching this request, consumed once; undefined when none. */
  take(method: string, path: string, provider: Route): QueuedFault | undefined {
    const f = this.queue.find(
      (q) =>
        (q.match?.method === undefined || q.match.method === method) &&
        (q.match?.path === undefined || path.startsWith(q.match.path)) &&
        (q.match?.provider === undefined || q.match.provider === provider),
    );
    if (!f) return undefined;
    f.remaining--;
    if (f.remaining <= 0) this.queue = this.queue.filter((q) => q !== f);
    return { ...f };
  }

  list(): QueuedFault[] {
    return this.queue.map((q) => ({ ...q }));
  }

  clear(): void {
    this.queue = [];
    this.nextId = 1;
  }
}

/** The reply a fault gives, or undefined for `delay` (the request is then handled normally). */
export function faultReply(f: FaultSpec, shape: ReplyShape): Reply | undefined {
  const contentType = shape.contentType;
  const headers = f.headers ?? {};
  switch (f.kind) {
    case 'delay':
      return undefined;
    case 'drop':
      return { kind: 'drop' };
    case 'status': {
      const status = f.status ?? 500;
      if (f.body === undefined) return withHeaders(shape.error(status, `Emulated fault: HTTP ${status}.`), headers);
      const body = typeof f.body === 'string' ? f.body : JSON.stringify(f.body);
      return {
        kind: 'respond',
        status,
        headers: { 'content-type': typeof f.body === 'string' ? 'text/plain; charset=utf-8' : contentType, ...headers },
        body,
      };
    }
    case 'malformed': {
      const body = shape.malformedBody;
      return { kind: 'respond', status: f.status ?? 200, headers: { 'content-type': contentType, ...headers }, body };
    }
    case 'portal': {
      const body = typeof f.body === 'string' ? f.body : PORTAL_PAGE;
      return {
        kind: 'respond',
        status: f.status ?? 200,
        headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers },
        body,
      };
    }
    case 'huge': {
      const bytes = f.bytes ?? DEFAULT_HUGE_BYTES;
      const head = '{"padding":"';
      const tail = '"}';
      const fill = Math.max(0, bytes - head.length - tail.length);
      const body = Buffer.alloc(Math.max(bytes, head.length + tail.length), 'x');
      body.write(head, 0);
      body.write(tail, head.length + fill);
      return { kind: 'respond', status: f.status ?? 200, headers: { 'content-type': contentType, ...headers }, body };
    }
  }
}
