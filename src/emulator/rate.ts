// Rate limits as the providers document them, in fixed windows on the emulator's clock, one counter per provider
// endpoint (ImageKit purge, ImageKit status, imgix purge):
// - ImageKit ("Rate limits"): every answer carries X-RateLimit-Limit (requests per interval), X-RateLimit-Interval
//   (the interval, in ms) and X-RateLimit-Reset (ms before another request can be made: after a 429, the wait; on
//   other answers, which the document does not define, the time to the end of the current window). ImageKit gives
//   no figure for the purge endpoint: the default of 10 per 1000 ms is the emulator's choice (--imagekit-rate).
// - imgix ("API Rate Limits"): purge asset 10 per second, 429 past it. imgix documents no rate-limit headers and no
//   Retry-After, so the emulator sends none.
// A limit of 0 is no limit (and no ImageKit rate headers: there is no limit to describe).

import type { Clock } from './clock';

export interface RateLimit {
  /** Requests per interval; 0 = unlimited. */
  limit: number;
  intervalMs: number;
  /** Send ImageKit's X-RateLimit-* headers. */
  headers: boolean;
}

export interface RateDecision {
  ok: boolean;
  headers: Record<string, string>;
}

export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limits: Readonly<Record<string, RateLimit>>,
    private readonly clock: Clock,
  ) {}

  take(bucket: string): RateDecision {
    const l = this.limits[bucket];
    if (!l || l.limit <= 0) return { ok: true, headers: {} };
    const now = this.clock.now();
    const start = Math.floor(now / l.intervalMs) * l.intervalMs;
    let w = this.windows.get(bucket);
    if (!w || w.start !== start) {
      w = { start, count: 0 };
      this.windows.set(bucket, w);
    }
    const ok = w.count < l.limit;
    if (ok) w.count++;
    const resetMs = start + l.intervalMs - now;
    const headers: Record<string, string> = l.headers
      ? {
          'x-ratelimit-limit': String(l.limit),
          'x-ratelimit-interval': String(l.intervalMs),
          'x-ratelimit-reset': String(Math.max(0, resetMs)),
        }
      : {};
    return { ok, headers };
  }

  reset(): void {
    this.windows.clear();
  }
}
