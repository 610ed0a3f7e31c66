// The emulator's notion of time. Everything time-dependent in its behaviour (ImageKit status delay, imgix duplicate
// window and purge delay, rate windows, the monthly quota, the log's timestamps) reads this clock, so a test can
// pass a ManualClock and move time by hand instead of waiting. Latency and fault delays use real timers.

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that moves only when told to. Starts at 2025-01-15T12:00:00Z unless given a start. */
export class ManualClock implements Clock {
  private t: number;

  constructor(start: number | Date = Date.UTC(2025, 0, 15, 12, 0, 0)) {
    this.t = typeof start === 'number' ? start : start.getTime();
  }

  now(): number {
    return this.t;
  }

  advance(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0)
      throw new RangeError(`ManualClock.advance needs a duration of 0 ms or more, not ${ms}.`);
    this.t += ms;
    return this.t;
  }

  set(t: number | Date): void {
    const next = typeof t === 'number' ? t : t.getTime();
    if (next < this.t) throw new RangeError('ManualClock.set cannot move time backwards.');
    this.t = next;
  }
}

/** The first instant of the UTC month after `t`. */
export function nextUtcMonth(t: number): number {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}
