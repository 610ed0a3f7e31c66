// `--rate N`: at most N admitted provider API requests per one-second window (fixed windows on the emulator's clock,
// one counter per provider). Past it: 429 with Retry-After (seconds to the next window), X-RateLimit-Limit,
// X-RateLimit-Remaining and X-RateLimit-Reset (epoch seconds of the next window). Admitted responses carry the
// X-RateLimit-* headers too, as ImageKit's do.

import type { Clock } from './clock';

export interface RateDecision {
  ok: boolean;
  headers: Record<string, string>;
}

export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly clock: Clock,
  ) {}

  get enabled(): boolean {
    return this.limit > 0;
  }

  take(bucket: string): RateDecision {
    if (!this.enabled) return { ok: true, headers: {} };
    const now = this.clock.now();
    const start = Math.floor(now / 1000) * 1000;
    let w = this.windows.get(bucket);
    if (!w || w.start !== start) {
      w = { start, count: 0 };
      this.windows.set(bucket, w);
    }
    const reset = start + 1000;
    const ok = w.count < this.limit;
    if (ok) w.count++;
    const headers: Record<string, string> = {
      'x-ratelimit-limit': String(this.limit),
      'x-ratelimit-remaining': String(Math.max(0, this.limit - w.count)),
      'x-ratelimit-reset': String(Math.ceil(reset / 1000)),
    };
    if (!ok) headers['retry-after'] = String(Math.max(1, Math.ceil((reset - now) / 1000)));
    return { ok, headers };
  }

  reset(): void {
    this.windows.clear();
  }
}
