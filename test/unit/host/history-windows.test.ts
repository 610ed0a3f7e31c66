// The purge history as issue 12 asks: a batch row that agrees with its request rows (an imgix batch says
// "received", cancelled ones are counted and never get a green check), writes bounded in frequency for a huge batch,
// and two windows (two stores over one globalState) that merge by id instead of losing each other's entries.
import assert from 'node:assert/strict';
import { install, ManualTimers, MemoryMemento, reset } from '../helpers/vscode-stub';
install();
/* eslint-disable @typescript-eslint/no-require-imports */
const { HistoryStore, WRITE_INTERVAL_MS, CHANGE_DELAY_MS } =
  require('../../../src/host/history') as typeof import('../../../src/host/history');
const { batchSummary, describeRequest } =
  require('../../../src/host/historyTree') as typeof import('../../../src/host/historyTree');
const { StorageKey } = require('../../../src/host/ids') as typeof import('../../../src/host/ids');

type Store = InstanceType<typeof HistoryStore>;
type NewBatch = Parameters<Store['add']>[0];
type Req = NewBatch['requests'][number];

let seq = 0;
function req(state: Req['state'], extra: Partial<Req> = {}): Req {
  const url = `https://assets.imgix.net/${seq}.png`;
  return { id: `r${seq++}`, url, kind: 'exact', covers: [url], state, startedAt: 1, ...extra };
}
function batch(requests: Req[], provider = 'imgix'): NewBatch {
  return { provider, source: 'palette', target: 'api.imgix.com', requests };
}
function storedIds(m: MemoryMemento): string[] {
  return (m.get<{ batches: Array<{ id: string }> }>(StorageKey.history)?.batches ?? []).map((b) => b.id);
}

describe('host: history rows, writes and windows (issue 12)', () => {
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

  describe('a batch row agrees with its request rows', () => {
    const icon = (s: { icon: unknown }) => (s.icon as { id: string }).id;

    it('an imgix batch of 200s says "received (verify to be sure)", as its rows do, with no green check', () => {
      const s = batchSummary({
        id: 'b',
        provider: 'imgix',
        source: 'x',
        target: 't',
        createdAt: 1,
        requests: [req('accepted'), req('accepted')],
      });
      assert.equal(s.text, '2 received (verify to be sure)');
      assert.equal(icon(s), 'check');
    });

    it('cancelled requests are counted, and a batch with one is never a green check', () => {
      const all = batchSummary({
        id: 'b',
        provider: 'imagekit',
        source: 'x',
        target: 't',
        createdAt: 1,
        requests: Array.from({ length: 7 }, () => req('cancelled')),
      });
      assert.equal(all.text, '7 cancelled');
      assert.equal(icon(all), 'circle-slash');
      const some = batchSummary({
        id: 'b',
        provider: 'imagekit',
        source: 'x',
        target: 't',
        createdAt: 1,
        requests: [
          req('accepted', { live: 'Completed' }),
          req('accepted', { live: 'Completed' }),
          req('cancelled'),
          req('unknown'),
        ],
      });
      assert.equal(some.text, '2 done, 1 unknown, 1 cancelled');
      assert.equal(icon(some), 'question');
    });

    it('a verify that found the same version as before says "cannot tell", not a warning (the origin may not have changed)', () => {
      const same = req('accepted', { verify: { state: 'unchanged', detail: 'same ETag', at: 1 } });
      assert.equal(describeRequest(same), 'cannot tell (same version as before)');
      const s = batchSummary({ id: 'b', provider: 'imgix', source: 'x', target: 't', createdAt: 1, requests: [same] });
      assert.equal(s.text, '1 cannot tell');
      assert.equal(icon(s), 'check');
    });

    it('the green check only when every request is done', () => {
      const s = batchSummary({
        id: 'b',
        provider: 'imagekit',
        source: 'x',
        target: 't',
        createdAt: 1,
        requests: [req('accepted', { live: 'Completed' }), req('duplicate')],
      });
      assert.equal(s.text, '2 done');
      assert.equal(icon(s), 'pass');
    });
  });

  describe('writes bounded in frequency', () => {
    it('a 20,000-request batch answered over 10 s is stored a few times, not every 100 ms; the tree still redraws', async () => {
      const m = new MemoryMemento();
      const timers = new ManualTimers();
      const s = open(m, timers);
      let events = 0;
      s.onDidChange(() => events++);
      const b = s.add(batch(Array.from({ length: 20_000 }, () => req('sending'))));
      for (let i = 0; i < 20_000; i++) {
        s.update(b.requests[i].id, { state: 'accepted', httpStatus: 200 });
        if (i % 40 === 39) timers.advance(20); // 2,000 answers a second, for 10 s
      }
      await s.flush();
      const writes = m.writes.filter((w) => w.key === StorageKey.history).length;
      assert.ok(writes <= 10_000 / WRITE_INTERVAL_MS + 2, `${writes} writes`);
      assert.ok(events >= 10_000 / CHANGE_DELAY_MS / 2, `${events} redraws`);
      const last = m.get<{ batches: Array<{ requests: Array<{ state: string }> }> }>(StorageKey.history)!;
      assert.ok(
        last.batches[0].requests.every((r) => r.state === 'accepted'),
        'the last state is stored',
      );
    });
  });

  describe('several windows over one globalState', () => {
    it('two windows adding batches keep both (merge by id), not the last writer only', async () => {
      const m = new MemoryMemento();
      const a = open(m);
      const b = open(m);
      const ba = a.add(batch([req('accepted')]));
      await a.flush();
      const bb = b.add(batch([req('accepted')]));
      await b.flush();
      assert.deepEqual(new Set(storedIds(m)), new Set([ba.id, bb.id]));
      a.update(ba.requests[0].id, { httpStatus: 200 });
      await a.flush();
      assert.deepEqual(
        new Set(storedIds(m)),
        new Set([ba.id, bb.id]),
        'a later write of the first window keeps the other one',
      );
      assert.ok(a.batch(bb.id), 'and the first window now shows it');
    });

    it('a batch removed in one window stays removed when the other writes; a clear clears both', async () => {
      const m = new MemoryMemento();
      const a = open(m);
      const b = open(m);
      const b1 = a.add(batch([req('accepted')]));
      const b2 = a.add(batch([req('accepted'), req('failed')]));
      await a.flush();
      b.update(b1.requests[0].id, {}); // b knows nothing yet: nothing to update
      assert.equal(b.remove({ batches: [b1.id] }), 0, 'b had not read it');
      a.remove({ batches: [b1.id], requests: [b2.requests[1].id] });
      await a.flush();
      b.add(batch([req('accepted')]));
      await b.flush();
      assert.ok(!storedIds(m).includes(b1.id), 'the removed batch did not come back');
      assert.equal(b.batch(b2.id)?.requests.length, 1, 'nor the removed request');
      b.clear();
      await b.flush();
      a.add(batch([req('accepted')]));
      await a.flush();
      assert.equal(storedIds(m).length, 1, 'only the batch made after the clear');
    });
  });
});
