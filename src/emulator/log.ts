// The request log behind GET /_emulator/requests. Authorization is recorded only as valid / invalid / missing:
// never the header, never a key. Paths and bodies pass through the core's redact() with every key the emulator
// knows and any credential the request presented, in case a client put one where it does not belong.

import { redact } from '../core/redact';
import type { AuthState, Route } from './http';

export interface LogEntry {
  /** 1, 2, 3... in arrival order; restarts after a reset. */
  seq: number;
  /** ISO time on the emulator's clock, when the request arrived. */
  time: string;
  method: string;
  /** Path and query as sent (keys redacted). */
  path: string;
  /** The emulated provider's id, or cdn, or unknown. */
  provider: Route;
  /** For the provider APIs only; null for the CDN and anything else. */
  auth: AuthState | null;
  contentType: string | null;
  /** The parsed JSON body, else the text (at most 2000 characters), else null. */
  body: unknown;
  /** null when the connection was dropped without a response. */
  status: number | null;
  /** The fault that answered this request, if one did. */
  fault?: string;
}

const MAX_TEXT = 2000;

/** The body as the log shows it, with secrets removed. */
export function loggedBody(body: Buffer, secrets: readonly string[]): unknown {
  if (body.length === 0) return null;
  const raw = body.subarray(0, 64 * 1024).toString('utf8');
  const clean = redact(raw, secrets);
  try {
    return JSON.parse(clean) as unknown;
  } catch {
    return clean.length > MAX_TEXT ? `${clean.slice(0, MAX_TEXT)}...` : clean;
  }
}

export interface LogFilter {
  provider?: string;
  /** Only entries with seq greater than this. */
  since?: number;
}

export class RequestLog {
  private entries: LogEntry[] = [];
  private seq = 0;

  constructor(private readonly max: number) {}

  /** Reserves the next sequence number (at arrival, so the log keeps arrival order). */
  nextSeq(): number {
    return ++this.seq;
  }

  add(entry: LogEntry): void {
    // Responses can finish out of order (latency, delays); keep the log in arrival order.
    let i = this.entries.length;
    while (i > 0 && this.entries[i - 1].seq > entry.seq) i--;
    this.entries.splice(i, 0, entry);
    if (this.entries.length > this.max) this.entries.splice(0, this.entries.length - this.max);
  }

  list(filter: LogFilter = {}): LogEntry[] {
    return this.entries.filter(
      (e) =>
        (filter.provider === undefined || e.provider === filter.provider) &&
        (filter.since === undefined || e.seq > filter.since),
    );
  }

  clear(): void {
    this.entries = [];
    this.seq = 0;
  }
}
