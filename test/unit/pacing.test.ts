// The lane (src/core/pacing.ts) on a fake clock: start spacing from a rate, probing, AIMD, pauses, stops, the retry
// budget, and one abort listener per signal. Time only moves when the test moves it, so every assertion is exact.
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import fc from 'fast-check';
import {
  clockTime,
  duration,
  Lane,
  LaneStopped,
  onAbort,
  RetryBudget,
  sleep,
  type Timers,
} from '../../src/core/pacing';

class FakeTimers implements Timers {
  t = 1_000_000;
  private seq = 0;
  private readonly pending = new Map<number, { at: number; fn: () => void }>();
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.pending.set(id, { at: this.t + Math.max(0, ms), fn });
    return id;
  }
  clearTimeout(h: unknown): void {
    this.pending.delete(h as number);
  }
  /** Moves time forward to `to`, firing due timers in order, letting promises settle after each. */
  async advanceTo(to: number): Promise<void> {
    for (;;) {
      await flush();
      const next = [...this.pending.entries()]
        .filter(([, p]) => p.at <= to)
        .sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
      if (!next) break;
      this.pending.delete(next[0]);
      this.t = Math.max(this.t, next[1].at);
      next[1].fn();
    }
    this.t = Math.max(this.t, to);
    await flush();
  }
  advance(ms: number): Promise<void> {
    return this.advanceTo(this.t + ms);
  }
}

/** Timers that fire late: the i-th timer set fires `lateness[i % lateness.length]` ms after it is due (a busy host). */
class LateTimers extends FakeTimers {
  private count = 0;
  constructor(private readonly lateness: readonly number[]) {
    super();
  }
  override setTimeout(fn: () => void, ms: number): unknown {
    const late = this.lateness.length ? this.lateness[this.count++ % this.lateness.length] : 0;
    return super.setTimeout(fn, ms + late);
  }
}

async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

/** Starts `n` acquisitions; records the fake time each one was granted (and releases at once unless `hold`). */
function starts(
  lane: Lane,
  timers: FakeTimers,
  n: number,
  hold = false,
): { times: number[]; done: Promise<unknown[]> } {
  const times: number[] = [];
  const done = Promise.allSettled(
    Array.from({ length: n }, async () => {
      await lane.acquire();
      times.push(timers.now());
      if (!hold) lane.release();
    }),
  );
  return { times, done };
}

describe('pacing: Lane on a fake clock', () => {
  it('a fixed rate spaces starts 1000 / (rate × 0.95) ms apart, from the first at once', async () => {
    const timers = new FakeTimers();
    const lane = new Lane({ maxConcurrency: 16, ratePerSecond: 10 }, timers);
    const t0 = timers.now();
    const { times, done } = starts(lane, timers, 5);
    await timers.advance(1000);
    await done;
    const gap = 1000 / (10 * 0.95);
    assert.deepEqual(
      times.map((t) => Math.round((t - t0) * 100) / 100),
      [0, 1, 2, 3, 4].map((i) => Math.round(i * gap * 100) / 100),
    );
  });

  it('property: any rate and count, no 1-second window holds more starts than the rate', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 120 }), async (rate, n) => {
        const timers = new FakeTimers();
        const lane = new Lane({ maxConcurrency: 8, ratePerSecond: rate }, timers);
        const { times, done } = starts(lane, timers, n);
        await timers.advance(Math.ceil((n / rate) * 1100) + 1000);
        await done;
        assert.equal(times.length, n);
        for (let i = 0; i < times.length; i++) {
          const inWindow = times.filter((t) => t >= times[i] && t < times[i] + 1000).length;
          assert.ok(inWindow <= rate, `${inWindow} starts in a second at rate ${rate}`);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('property: timers that fire late never put more starts in a window than the limit (fixed or learned)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 80 }),
        fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 12 }),
        fc.boolean(),
        async (rate, n, lateness, learned) => {
          const timers = new LateTimers(lateness);
          const lane = new Lane({ maxConcurrency: 8, ratePerSecond: learned ? undefined : rate }, timers);
          if (learned) lane.learn(rate, 1000);
          const { times, done } = starts(lane, timers, n);
          await timers.advance(Math.ceil((n / rate) * 1100) + n * 400 + 1000);
          await done;
          assert.equal(times.length, n);
          for (let i = 0; i + rate < times.length; i++)
            assert.ok(times[i + rate] - times[i] >= 1000, `${rate + 1} starts within ${times[i + rate] - times[i]} ms`);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('without any rate, starts are not spaced: the window (max concurrency) is the only bound', async () => {
    const timers = new FakeTimers();
    const lane = new Lane({ maxConcurrency: 4 }, timers);
    const { times } = starts(lane, timers, 6, true);
    await timers.advance(0);
    assert.equal(times.length, 4, 'four at once, the rest wait for a slot');
    lane.release();
    await timers.advance(0);
    assert.equal(times.length, 5);
    assert.ok(times.every((t) => t === times[0]));
  });

  it('probeFirst: one request until probed(); learn(limit, interval) then paces the others', async () => {
    const timers = new FakeTimers();
    const lane = new Lane({ maxConcurrency: 16, probeFirst: true }, timers);
    const { times } = starts(lane, timers, 4, true);
    await timers.advance(500);
    assert.equal(times.length, 1);
    lane.learn(5, 1000);
    lane.release();
    lane.probed();
    await timers.advance(2000);
    assert.equal(times.length, 4);
    const gaps = times.slice(2).map((t, i) => t - times[i + 1]);
    for (const g of gaps) assert.ok(Math.abs(g - 1000 / 5 / 0.95) < 1e-6, `gap ${g}`);
  });

  it('AIMD: a refusal halves the window once per round trip; successes grow it back by one per window', () => {
    const timers = new FakeTimers();
    const lane = new Lane({ maxConcurrency: 16 }, timers);
    assert.equal(lane.concurrency, 16);
    const sentAt = timers.now();
    timers.t += 10;
    lane.congestion(sentAt);
    assert.equal(lane.concurrency, 8);
    lane.congestion(sentAt); // a second 429 for a request sent before the decrease
    assert.equal(lane.concurrency, 8);
    lane.congestion(timers.now());
    assert.equal(lane.concurrency, 4);
    for (let i = 0; i < 4; i++) lane.success();
    assert.equal(lane.concurrency, 4, 'about one window of successes (4.9...)');
    lane.success();
    assert.equal(lane.concurrency, 5);
    for (let i = 0; i < 200; i++) lane.success();
    assert.equal(lane.concurrency, 16, 'never above the maximum');
  });

  it('with no limit known and the window at 1, refusals space starts out (50 ms, doubling), successes bring it back', () => {
    const timers = new FakeTimers();
    const lane = new Lane({ maxConcurrency: 1 }, timers);
    assert.equal(lane.spacing, 0);
    lane.congestion(timers.now());
    assert.equal(lane.spacing, 50);
    timers.t += 1;
    lane.congestion(timers.now());
    assert.equal(lane.spacing, 100);
    for (let i = 0; i < 100; i++) lane.success();
    assert.equal(lane.spacing, 0);
  });

  it('pauseUntil: nothing starts before the pause ends, even a start already reserved', async () => {
    const timers = new FakeTimers();
    const lane = new Lane({ maxConcurrency: 4, ratePerSecond: 10 }, timers);
    const t0 = timers.now();
    const { times, done } = starts(lane, timers, 3);
    await timers.advance(0);
    assert.equal(times.length, 1);
    lane.pauseUntil(t0 + 5000);
    await timers.advance(10_000);
    await done;
    assert.equal(times.length, 3);
    assert.ok(times[1] >= t0 + 5000 && times[2] > times[1], times.map((t) => t - t0).join(','));
  });

  it('stopUntil: waiting and later acquisitions reject with LaneStopped (its message), until the time passes', async () => {
    const timers = new FakeTimers();
    const lane = new Lane({ maxConcurrency: 1 }, timers);
    await lane.acquire();
    const waiting = lane.acquire();
    const until = timers.now() + 3_600_000;
    lane.stopUntil(until, `ImageKit asked to wait; come back at ${clockTime(until)}`);
    await assert.rejects(
      waiting,
      (e: unknown) => e instanceof LaneStopped && e.until === until && /come back at/.test(e.message),
    );
    await assert.rejects(lane.acquire(), LaneStopped);
    lane.release();
    timers.t = until + 1;
    await lane.acquire();
    lane.release();
  });

  it('an abort rejects a waiting acquisition and gives back the reserved slot', async () => {
    const timers = new FakeTimers();
    const lane = new Lane({ maxConcurrency: 1, ratePerSecond: 1 }, timers);
    await lane.acquire();
    lane.release();
    const ac = new AbortController();
    const p = lane.acquire(ac.signal); // reserved one second ahead
    await flush();
    assert.equal(lane.inFlight, 1);
    ac.abort();
    await assert.rejects(p, { name: 'AbortError' });
    assert.equal(lane.inFlight, 0);
  });
});

describe('pacing: RetryBudget, onAbort, sleep, clock times', () => {
  it('a budget allows exactly its limit of retries; forBatch is a quarter of the batch, at least 10', () => {
    const b = new RetryBudget(3);
    assert.deepEqual([b.take(), b.take(), b.take(), b.take()], [true, true, true, false]);
    assert.equal(b.exhausted, true);
    assert.equal(RetryBudget.forBatch(4).limit, 10);
    assert.equal(RetryBudget.forBatch(200).limit, 50);
  });

  it('onAbort: a thousand waits on one signal share one listener, all are called, unsubscribed ones are not', async () => {
    const ac = new AbortController();
    let called = 0;
    const offs = Array.from({ length: 1000 }, () => onAbort(ac.signal, () => called++));
    assert.equal(getEventListeners(ac.signal, 'abort').length, 1);
    offs[0]();
    ac.abort();
    assert.equal(called, 999);
    let late = 0;
    onAbort(ac.signal, () => late++);
    await flush();
    assert.equal(late, 1, 'an already aborted signal calls back at once');
  });

  it('sleep on fake timers resolves when time passes and rejects on abort', async () => {
    const timers = new FakeTimers();
    let done = false;
    const p = sleep(1000, undefined, timers).then(() => (done = true));
    await timers.advance(999);
    assert.equal(done, false);
    await timers.advance(1);
    await p;
    assert.equal(done, true);
    const ac = new AbortController();
    const q = sleep(1000, ac.signal, timers);
    ac.abort();
    await assert.rejects(q, { name: 'AbortError' });
  });

  it('clockTime and duration say when and how long in words', () => {
    assert.equal(clockTime(Date.UTC(2025, 1, 1, 0, 0, 0)), '2025-02-01 00:00:00 UTC');
    assert.equal(duration(45_000), '45 s');
    assert.equal(duration(3_600_000), '60 min');
    assert.equal(duration(5 * 3_600_000 + 12 * 60_000), '5 h 12 min');
    assert.equal(duration(10 * 86_400_000), '10 days');
  });
});
