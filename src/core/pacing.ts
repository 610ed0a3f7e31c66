// Pacing, concurrency and budgets for the HTTP client, without any I/O (so tests drive it on a fake clock):
// - onAbort: one 'abort' listener per signal however many waits share it (no MaxListenersExceededWarning);
// - sleep: an abortable wait on injectable timers;
// - Lane: the requests to one API share one lane: a concurrency window that adapts (AIMD: halved on a 429 or 503,
//   +1 per window of successes), start spacing from a rate (a fixed one, or the one the provider's headers say),
//   pauses a 429 asks for, and a stop when the server asks for a wait longer than we sit through;
// - RetryBudget: retries allowed in one batch, so a server that refuses everything ends the batch early.

export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export function abortError(): Error {
  const e = new Error('The operation was aborted');
  e.name = 'AbortError';
  return e;
}

const callbacks = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Calls `cb` once when `signal` aborts (at once if it already has). Every caller on the same signal shares one
 * listener, so a batch of thousands of requests on one signal adds one listener, not thousands. Returns the
 * unsubscribe function.
 */
export function onAbort(signal: AbortSignal | undefined, cb: () => void): () => void {
  if (!signal) return () => {};
  if (signal.aborted) {
    queueMicrotask(cb);
    return () => {};
  }
  let set = callbacks.get(signal);
  if (!set) {
    const fresh = new Set<() => void>();
    callbacks.set(signal, fresh);
    set = fresh;
    signal.addEventListener(
      'abort',
      () => {
        callbacks.delete(signal);
        for (const f of [...fresh]) f();
      },
      { once: true },
    );
  }
  set.add(cb);
  const s = set;
  return () => {
    s.delete(cb);
  };
}

/** Resolves after `ms`, or rejects with an AbortError when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal, timers: Timers = realTimers): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const off = onAbort(signal, () => {
      timers.clearTimeout(t);
      reject(abortError());
    });
    const t = timers.setTimeout(
      () => {
        off();
        resolve();
      },
      Math.max(0, ms),
    );
  });
}

/** A lane that stopped sending: until when, and why (the message says the clock time to come back). */
export class LaneStopped extends Error {
  constructor(
    message: string,
    readonly until: number,
  ) {
    super(message);
    this.name = 'LaneStopped';
  }
}

/** "2025-02-01 00:00:00 UTC": the clock time a stopped lane opens again. */
export function clockTime(t: number): string {
  return `${new Date(t).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** "3 h 12 min", "45 s": a wait, for messages. */
export function duration(ms: number): string {
  const s = Math.ceil(ms / 1000);
  if (s < 120) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 120) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60} min`;
  return `${Math.round(h / 24)} days`;
}

export interface LaneOptions {
  /** Most requests in flight at once; the window adapts below it. */
  maxConcurrency: number;
  /** Where the window starts (default maxConcurrency: start fast). */
  initialConcurrency?: number;
  /** A fixed rate, requests a second (a documented limit or the user's setting); 0 or undefined: none. */
  ratePerSecond?: number;
  /** The first request goes alone, to learn the limit from its answer's headers before the others follow. */
  probeFirst?: boolean;
  /** Requests are paced this fraction under any known limit, so clock skew and jitter stay inside it. */
  safety?: number;
}

/** A rate as the lane keeps it: a spacing between request starts. */
function spacingMs(perSecond: number | undefined, safety: number): number {
  return perSecond && perSecond > 0 ? 1000 / (perSecond * safety) : 0;
}

export class Lane {
  private active = 0;
  private window: number;
  private readonly max: number;
  private readonly safety: number;
  private readonly waiters = new Set<() => void>();
  private readonly sleepers = new Set<() => void>();
  /** Start spacing from a fixed rate (documented or configured). */
  private fixedSpacing = 0;
  /** Start spacing from the provider's rate-limit headers. */
  private learnedSpacing = 0;
  /** Extra spacing from 429s when no limit is known (grows on refusals, shrinks on successes). */
  private adaptiveSpacing = 0;
  private nextStart = 0;
  private pausedUntil = 0;
  /** Bumped when a pause moves start times: waiters that reserved a time before it reserve again. */
  private generation = 0;
  private lastDecrease = -Infinity;
  private probing: boolean;
  private stop?: LaneStopped;
  /** What the provider's headers said last (for events and tests). */
  learned?: { limit: number; intervalMs: number };
  /** The fixed rate as a window: at most `limit` starts in any `intervalMs` (from ratePerSecond). */
  private fixedWindow?: { limit: number; intervalMs: number };
  /**
   * When the last starts actually happened (at most one window's worth). A timer that fires late makes the gap to
   * the next reserved start shorter than the spacing; the window check over actual starts keeps any interval of the
   * known limit from holding more starts than the limit, whatever the timers did.
   */
  private readonly recentStarts: number[] = [];

  constructor(
    options: LaneOptions,
    private readonly timers: Timers = realTimers,
  ) {
    this.max = Math.max(1, Math.floor(options.maxConcurrency));
    this.window = Math.min(this.max, Math.max(1, options.initialConcurrency ?? this.max));
    this.safety = options.safety ?? 0.95;
    this.setFixedRate(options.ratePerSecond);
    this.probing = options.probeFirst === true;
  }

  /** The spacing between starts in force (the slowest of what is known). */
  get spacing(): number {
    return Math.max(this.fixedSpacing, this.learnedSpacing, this.adaptiveSpacing);
  }

  get concurrency(): number {
    return this.probing ? 1 : Math.max(1, Math.floor(this.window));
  }

  get inFlight(): number {
    return this.active;
  }

  get stoppedUntil(): number | undefined {
    return this.stop && this.stop.until > this.timers.now() ? this.stop.until : undefined;
  }

  setFixedRate(perSecond: number | undefined): void {
    this.fixedSpacing = spacingMs(perSecond, this.safety);
    const limit = perSecond && perSecond > 0 ? Math.max(1, Math.floor(perSecond)) : 0;
    this.fixedWindow = limit ? { limit, intervalMs: (limit * 1000) / (perSecond as number) } : undefined;
  }

  /** The earliest time the next start keeps every known window within its limit (0: no window binds). */
  private windowFloor(): number {
    let floor = 0;
    for (const w of [this.fixedWindow, this.learned]) {
      if (!w) continue;
      const limit = Math.floor(w.limit);
      const n = this.recentStarts.length;
      if (limit >= 1 && n >= limit) floor = Math.max(floor, this.recentStarts[n - limit] + w.intervalMs / this.safety);
    }
    return floor;
  }

  private started(now: number): void {
    this.recentStarts.push(now);
    const keep = Math.max(this.fixedWindow?.limit ?? 0, this.learned?.limit ?? 0);
    const excess = this.recentStarts.length - Math.min(keep, 10_000);
    if (excess > 0) this.recentStarts.splice(0, excess);
  }

  /** Throws when the lane is stopped (until a time not yet reached). */
  checkStopped(): void {
    if (this.stop && this.stop.until > this.timers.now()) throw this.stop;
    this.stop = undefined;
  }

  /**
   * Waits for a concurrency slot and this lane's next start time. Rejects with an AbortError when `signal` aborts,
   * with LaneStopped when the lane stops, and with whatever `gate()` throws (a spent budget) before starting.
   */
  async acquire(signal?: AbortSignal, gate?: () => void): Promise<void> {
    for (;;) {
      try {
        if (signal?.aborted) throw abortError();
        this.checkStopped();
        gate?.();
      } catch (e) {
        // This waiter leaves without taking a slot: the wake-up it may have had goes to the next one.
        if (this.active < this.concurrency) this.wakeOne();
        throw e;
      }
      if (this.active >= this.concurrency) {
        await this.waitForChange(signal);
        continue;
      }
      const now = this.timers.now();
      const at = Math.max(now, this.nextStart, this.pausedUntil, this.windowFloor());
      if (at <= now) {
        this.active++;
        this.nextStart = now + this.spacing;
        this.started(now);
        return;
      }
      // Reserve the start time while waiting, so waiters take successive times rather than all the same one.
      this.active++;
      this.nextStart = at + this.spacing;
      const generation = this.generation;
      try {
        await this.sleepUnlessChanged(at - now, signal);
        // Earlier starts may have fired late: wait on until the window over actual starts allows this one.
        for (let floor = this.windowFloor(); generation === this.generation && floor > this.timers.now();) {
          await this.sleepUnlessChanged(floor - this.timers.now(), signal);
          floor = this.windowFloor();
        }
      } catch (e) {
        this.release();
        throw e;
      }
      if (generation === this.generation && !this.stop) {
        this.started(this.timers.now());
        return;
      }
      // A pause or a stop came while this one waited: give the slot back and queue again.
      this.release();
    }
  }

  /** Sleeps `ms`, or less when a pause or a stop changes the start times (then the caller reserves again). */
  private sleepUnlessChanged(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        this.timers.clearTimeout(t);
        off();
        this.sleepers.delete(early);
      };
      const early = () => {
        cleanup();
        resolve();
      };
      const off = onAbort(signal, () => {
        cleanup();
        reject(abortError());
      });
      const t = this.timers.setTimeout(early, Math.max(0, ms));
      this.sleepers.add(early);
    });
  }

  private wakeSleepers(): void {
    for (const s of [...this.sleepers]) s();
  }

  release(): void {
    this.active = Math.max(0, this.active - 1);
    // One slot came free: wake the first waiter only (waking all of them costs O(waiters) per answer).
    this.wakeOne();
  }

  private wakeOne(): void {
    const first = this.waiters.values().next();
    if (!first.done) {
      this.waiters.delete(first.value);
      first.value();
    }
  }

  /** Something other than one slot changed (a probe answered, a stop): every waiter looks again. */
  private notify(): void {
    const ws = [...this.waiters];
    this.waiters.clear();
    for (const w of ws) w();
  }

  private waitForChange(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const go = () => {
        off();
        resolve();
      };
      const off = onAbort(signal, () => {
        this.waiters.delete(go);
        reject(abortError());
      });
      this.waiters.add(go);
    });
  }

  /** The first answer came (with or without rate-limit headers): the others may follow. */
  probed(): void {
    if (!this.probing) return;
    this.probing = false;
    this.notify();
  }

  /** The provider's headers say `limit` requests per `intervalMs`: pace to that from now on. */
  learn(limit: number, intervalMs: number): void {
    if (!(limit >= 1) || !(intervalMs >= 1)) return;
    this.learned = { limit, intervalMs };
    this.learnedSpacing = intervalMs / limit / this.safety;
    this.adaptiveSpacing = 0;
  }

  /** A successful answer: the window grows by one per window of successes; adaptive spacing shrinks. */
  success(): void {
    if (this.window < this.max) this.window = Math.min(this.max, this.window + 1 / this.window);
    if (this.adaptiveSpacing > 0)
      this.adaptiveSpacing = this.adaptiveSpacing * 0.95 < 5 ? 0 : this.adaptiveSpacing * 0.95;
  }

  /**
   * A refusal (429) or overload (503) for a request that started at `startedAt`: halve the window (once per round
   * trip: answers to requests sent before the last decrease do not count again). With no limit known and the window
   * already at 1, space starts out instead.
   */
  congestion(startedAt: number): void {
    if (startedAt < this.lastDecrease) return;
    this.lastDecrease = this.timers.now();
    if (this.window > 1) this.window = Math.max(1, this.window / 2);
    else if (this.fixedSpacing === 0 && this.learnedSpacing === 0)
      this.adaptiveSpacing = Math.min(10_000, Math.max(50, this.adaptiveSpacing * 2));
    else if (this.learnedSpacing > 0) this.learnedSpacing *= 1.25;
    else this.fixedSpacing *= 1.25;
  }

  /** No request starts before `t` (a 429's wait); start times reserved before are taken again after it. */
  pauseUntil(t: number): void {
    if (t <= this.pausedUntil) return;
    this.pausedUntil = t;
    this.nextStart = t;
    this.generation++;
    this.wakeSleepers();
  }

  /** Nothing more is sent in this lane until `until` (the server asked for a wait longer than we sit through). */
  stopUntil(until: number, message: string): LaneStopped {
    if (!this.stop || this.stop.until < until) this.stop = new LaneStopped(message, until);
    this.generation++;
    this.notify();
    this.wakeSleepers();
    return this.stop;
  }
}

/** Retries allowed in one batch: spent one per retry by every request of the batch; none left, no more retries. */
export class RetryBudget {
  private used = 0;

  constructor(readonly limit: number) {}

  /** The budget for a batch of `n` requests: a quarter of them, at least 10. */
  static forBatch(n: number): RetryBudget {
    return new RetryBudget(Math.max(10, Math.ceil(n / 4)));
  }

  take(): boolean {
    if (this.used >= this.limit) return false;
    this.used++;
    return true;
  }

  get spent(): number {
    return this.used;
  }

  get exhausted(): boolean {
    return this.used >= this.limit;
  }
}
