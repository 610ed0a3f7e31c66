// The purge history store (src/host/history.ts) in plain Node: stored data that does not parse is kept aside,
// never dropped; writes are batched (one write for a burst of changes, on a manual clock); a request in flight when
// VS Code closes is stored as it was and reads back as "unknown: may have been received"; writes stay in order.
import assert from 'node:assert/strict';
import { install, ManualTimers, MemoryMemento, reset } from '../helpers/vscode-stub';
install();
/* eslint-disable @typescript-eslint/no-require-imports */
const { HistoryStore, CHANGE_DELAY_MS, MAX_BATCHES } =
  require('../../../src/host/history') as typeof import('../../../src/host/history');
const { StorageKey } = require('../../../src/host/ids') as typeof import('../../../src/host/ids');

type Store = InstanceType<typeof HistoryStore>;

type NewBatch = Parameters<Store['add']>[0];

function batch(provider = 'imagekit', state = 'accepted'): NewBatch {
  return {
    provider: provider,
    source: 'palette',
    target: 'api.imagekit.io',
    apiBase: 'https://api.imagekit.io',
    requests: [
      {
        id: `r${Math.random().toString(36).slice(2)}`,
        url: 'https://ik.imagekit.io/demo/a.jpg',
        kind: 'exact',
        covers: ['https://ik.imagekit.io/demo/a.jpg'],
        state: state as NewBatch['requests'][number]['state'],
        startedAt: 1,
      },
    ],
  };
}

function stored(m: MemoryMemento) {
  return m.get<{
    version: number;
    batches: Array<{ id: string; requests: Array<{ state: string; message?: string }> }>;
  }>(StorageKey.history);
}

describe('host: HistoryStore (plain Node, vscode stand-in)', () => {
  const stores: Store[] = [];
  afterEach(() => {
    for (const s of stores.splice(0)) s.dispose();
    reset();
  });
  function open(m: MemoryMemento, timers = new ManualTimers()): Store {
    const s = new HistoryStore(m, timers);
    stores.push(s);
    return s;
  }

  describe('stored data that does not parse', () => {
    for (const [what, value] of [
      ['a string', 'garbage'],
      ['a number', 42],
      ['an array', [1, 2]],
      ['another version', { version: 2, batches: [] }],
      ['batches that are not a list', { version: 1, batches: {} }],
    ] as const) {
      it(`keeps ${what} aside under ${StorageKey.historyUnreadable} and starts a new history`, async () => {
        const m = new MemoryMemento();
        await m.update(StorageKey.history, value);
        const s = open(m);
        assert.equal(s.all().length, 0);
        assert.deepEqual(m.get(StorageKey.historyUnreadable), value, 'the unreadable value is kept as it was');
        assert.match(
          s.loadWarnings.join('\n'),
          /could not be read; it was kept aside under "cdnPurge\.history\.unreadable"/,
        );
      });
    }

    it('keeps the readable batches and puts only the unreadable ones aside', async () => {
      const m = new MemoryMemento();
      const good = { ...batch('imgix'), id: 'b1', createdAt: 1 };
      const bad = [{ nonsense: true }, { id: 'b2', provider: 'imagekit', createdAt: 'yesterday', requests: [] }, null];
      await m.update(StorageKey.history, { version: 1, batches: [bad[0], good, bad[1], bad[2]] });
      const s = open(m);
      assert.deepEqual(
        s.all().map((b) => b.id),
        ['b1'],
      );
      assert.deepEqual(m.get(StorageKey.historyUnreadable), bad);
      assert.match(s.loadWarnings.join('\n'), /3 unreadable history entries were kept aside/);
    });

    it('a batch with a request that is not one is unreadable', async () => {
      const m = new MemoryMemento();
      const broken = { ...batch(), id: 'b1', createdAt: 1, requests: [{ url: 'https://x' }] };
      await m.update(StorageKey.history, { version: 1, batches: [broken] });
      const s = open(m);
      assert.equal(s.all().length, 0);
      assert.deepEqual(m.get(StorageKey.historyUnreadable), [broken]);
      assert.match(s.loadWarnings.join('\n'), /1 unreadable history entry was kept aside/);
    });

    it('nothing stored is a new history with no warning and no write', () => {
      const m = new MemoryMemento();
      const s = open(m);
      assert.equal(s.all().length, 0);
      assert.deepEqual(s.loadWarnings, []);
      assert.deepEqual(m.writes, []);
    });
  });

  describe('writes are batched', () => {
    it('a burst of changes is one write, CHANGE_DELAY_MS after the first, and one change event', async () => {
      const m = new MemoryMemento();
      const timers = new ManualTimers();
      const s = open(m, timers);
      let events = 0;
      s.onDidChange(() => events++);
      const b = s.add(batch());
      for (let i = 0; i < 1000; i++) s.update(b.requests[0].id, { ms: i });
      assert.deepEqual(m.writes, [], 'nothing is written at once');
      assert.equal(events, 0);
      assert.deepEqual(timers.waiting, [CHANGE_DELAY_MS], 'one timer for the whole burst');
      timers.advance(CHANGE_DELAY_MS - 1);
      assert.deepEqual(m.writes, []);
      timers.advance(1);
      await s.flush();
      assert.equal(m.writes.length, 1, 'one write');
      assert.equal(events, 1, 'one change event');
      assert.equal((stored(m)?.batches[0].requests[0] as { ms?: number }).ms, 999, 'the last value is written');
    });

    it('flush writes what is pending at once and resolves when it is stored', async () => {
      const m = new MemoryMemento();
      const timers = new ManualTimers();
      const s = open(m, timers);
      s.add(batch());
      await s.flush();
      assert.equal(m.writes.length, 1);
      assert.deepEqual(timers.waiting, [], 'the timer was cancelled');
      timers.advance(CHANGE_DELAY_MS * 10);
      await s.flush();
      assert.equal(m.writes.length, 1, 'no second write for the same change');
    });

    it('keeps the newest MAX_BATCHES batches', async () => {
      const m = new MemoryMemento();
      const s = open(m);
      for (let i = 0; i < MAX_BATCHES + 5; i++) s.add(batch());
      await s.flush();
      assert.equal(stored(m)?.batches.length, MAX_BATCHES);
      assert.equal(s.all().length, MAX_BATCHES);
    });

    it('writes stay in order when a write is slow: the last state wins', async () => {
      const m = new MemoryMemento();
      const gates: Array<() => void> = [];
      const slow = {
        get: m.get.bind(m),
        keys: m.keys.bind(m),
        update: (k: string, v: unknown) =>
          new Promise<void>((resolve) => {
            gates.push(() => {
              void m.update(k, JSON.parse(JSON.stringify(v)) as unknown).then(resolve);
            });
          }),
      };
      const s = new HistoryStore(slow, new ManualTimers());
      stores.push(s);
      const b = s.add(batch());
      const first = s.flush();
      s.update(b.requests[0].id, { state: 'failed', httpStatus: 500 });
      const second = s.flush();
      // Wait until the first write reached the memento; the second must not start before it ends.
      await new Promise((r) => setImmediate(r));
      assert.equal(gates.length, 1, 'the second write waits for the first');
      gates[0]();
      await first;
      await new Promise((r) => setImmediate(r));
      assert.equal(gates.length, 2);
      gates[1]();
      await second;
      assert.equal(stored(m)?.batches[0].requests[0].state, 'failed');
    });

    it('a failed write is reported, and later writes still happen', async () => {
      const m = new MemoryMemento();
      let fail = true;
      const flaky = {
        get: m.get.bind(m),
        keys: m.keys.bind(m),
        update: async (k: string, v: unknown) => {
          if (fail) throw new Error('disk full');
          await m.update(k, v);
        },
      };
      const s = new HistoryStore(flaky, new ManualTimers());
      stores.push(s);
      const errors: string[] = [];
      s.onWriteError = (e) => errors.push(e.message);
      s.add(batch());
      await s.flush();
      assert.deepEqual(errors, ['disk full']);
      fail = false;
      s.add(batch('imgix'));
      await s.flush();
      assert.equal(stored(m)?.batches.length, 2);
    });
  });

  describe('a request in flight when VS Code closes', () => {
    it('is written as it was (flush at shutdown) and reads back as unknown, may have been received', async () => {
      const m = new MemoryMemento();
      const timers = new ManualTimers();
      const s = open(m, timers);
      const b = s.add(batch('imagekit', 'sending'));
      // VS Code closes before the batching timer fires: deactivate() awaits flush().
      await s.flush();
      assert.equal(stored(m)?.batches[0].requests[0].state, 'sending', 'stored as it was: no answer yet');

      const next = open(m);
      const r = next.find(b.requests[0].id)?.request;
      assert.equal(r?.state, 'unknown', 'never "failed" or "not sent": it may have reached the provider');
      assert.match(r?.message ?? '', /VS Code closed before the answer came: it may have been received/);
      assert.match(
        next.loadWarnings.join('\n'),
        /1 purge request was in flight when VS Code closed; marked as unknown/,
      );
      await next.flush();
      assert.equal(stored(m)?.batches[0].requests[0].state, 'unknown', 'the change is stored');
    });

    it('dispose alone (no deactivate) still writes the pending change', async () => {
      const m = new MemoryMemento();
      const s = new HistoryStore(m, new ManualTimers());
      s.add(batch('imagekit', 'sending'));
      s.dispose();
      await new Promise((r) => setImmediate(r));
      assert.equal(stored(m)?.batches[0].requests[0].state, 'sending');
    });

    it('requests that had an answer are left as they were', async () => {
      const m = new MemoryMemento();
      const s = open(m);
      s.add(batch('imagekit', 'accepted'));
      await s.flush();
      const writes = m.writes.length;
      const next = open(m);
      assert.equal(next.all()[0].requests[0].state, 'accepted');
      assert.deepEqual(next.loadWarnings, []);
      assert.equal(m.writes.length, writes, 'nothing to write back');
    });
  });
});
