// Resume of a batch a reload interrupted, its bookkeeping in plain Node: the in-flight journal (src/host/inFlight.ts)
// records each dispatch before it happens and is read back only for an extension host that has ended; the history
// (src/host/history.ts) turns a batch stored mid-send into "never sent" (cancelled: what Resume sends) and "may have
// been received" (unknown: never sent again) from it, and keeps the results it has.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { install, ManualTimers, MemoryMemento, reset } from '../helpers/vscode-stub';
import { tmpDir } from '../helpers/tmp';
install();
/* eslint-disable @typescript-eslint/no-require-imports */
const { HistoryStore } = require('../../../src/host/history') as typeof import('../../../src/host/history');
const { InFlightJournal } = require('../../../src/host/inFlight') as typeof import('../../../src/host/inFlight');
const { StorageKey } = require('../../../src/host/ids') as typeof import('../../../src/host/ids');
type Request = import('../../../src/host/history').HistoryRequest;

const DEAD = 999_999_001;
const dead = (pid: number) => pid !== DEAD && pid === process.pid;

function requests(states: Request['state'][]): Request[] {
  return states.map((state, i) => ({
    id: `r${i}`,
    url: `https://ik.imagekit.io/demo/resume/${i}.jpg`,
    kind: 'exact',
    covers: [`https://ik.imagekit.io/demo/resume/${i}.jpg`],
    state,
    startedAt: 1,
    ...(state === 'accepted' ? { httpStatus: 201, requestId: `q${i}` } : {}),
  }));
}

describe('host: resume of an interrupted batch (plain Node)', () => {
  afterEach(() => reset());

  it('the journal: a dispatch line per request (once), read back only when its extension host has ended', () => {
    const dir = tmpDir();
    const writer = new InFlightJournal(dir, () => true, DEAD);
    const rec = writer.open('b1', ['r0', 'r1', 'r2', 'r3']);
    rec.sending(1);
    rec.sending(1); // a retry: the first attempt is what counts
    rec.sending(3);
    const text = fs.readFileSync(path.join(dir, 'b1.inflight'), 'utf8');
    assert.equal(text.split('\n').filter(Boolean).length, 3, text);
    // Another window (its extension host alive) leaves it alone; so does the window that writes it.
    assert.deepEqual(new InFlightJournal(dir, () => true).leftovers(), []);
    assert.deepEqual(new InFlightJournal(dir, dead, DEAD).leftovers(), []);
    const [left] = new InFlightJournal(dir, () => false).leftovers();
    assert.equal(left.batchId, 'b1');
    assert.deepEqual(left.requestIds, ['r0', 'r1', 'r2', 'r3']);
    assert.deepEqual([...left.dispatched].sort(), [1, 3]);
    rec.close();
    assert.deepEqual(fs.readdirSync(dir), [], 'a batch that ends leaves no record');
  });

  it('a cut or foreign file is not a batch; a folder that cannot be written still sends (a no-op record)', () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'x.inflight'), '{"v":1,"pid":');
    fs.writeFileSync(path.join(dir, 'y.inflight'), '{"v":1,"pid":"1","batch":3}\n0\n');
    assert.deepEqual(new InFlightJournal(dir, () => false).leftovers(), []);
    assert.deepEqual(fs.readdirSync(dir), []);
    const file = path.join(dir, 'not-a-dir');
    fs.writeFileSync(file, '');
    const errors: string[] = [];
    const rec = new InFlightJournal(path.join(file, 'in-flight')).open('b', ['r'], (e) => errors.push(e.message));
    rec.sending(0);
    rec.close();
    assert.equal(errors.length, 1);
  });

  it('a batch stored mid-send: never dispatched → not sent (cancelled), dispatched → unknown, answered kept', async () => {
    const m = new MemoryMemento();
    // As a reload leaves it: r0 answered, r1 and r2 dispatched (r2's answer came but was not stored yet), r3 and r4
    // never dispatched.
    await m.update(StorageKey.history, {
      version: 1,
      batches: [
        {
          id: 'b1',
          provider: 'imagekit',
          source: 'explorer',
          target: 'api.imagekit.io',
          createdAt: 1,
          requests: requests(['accepted', 'sending', 'sending', 'sending', 'sending']),
        },
      ],
    });
    const timers = new ManualTimers();
    const store = new HistoryStore(m, timers);
    // Until the journal is read, every request left sending reads as "may have been received".
    assert.deepEqual(
      store.all()[0].requests.map((r) => r.state),
      ['accepted', 'unknown', 'unknown', 'unknown', 'unknown'],
    );
    assert.deepEqual(store.resumable(), []);
    const found = store.recoverInterrupted('b1', ['r0', 'r1', 'r2', 'r3', 'r4'], new Set([0, 1, 2]));
    assert.ok(found);
    assert.equal(found.notSent, 2);
    assert.equal(found.mayHaveBeenReceived, 2);
    const b = store.all()[0];
    assert.deepEqual(
      b.requests.map((r) => r.state),
      ['accepted', 'unknown', 'unknown', 'cancelled', 'cancelled'],
    );
    assert.match(String(b.requests[3].message), /^Not sent: VS Code closed or reloaded before it was sent/);
    assert.match(String(b.requests[1].message), /may have been received/);
    assert.equal(b.requests[0].requestId, 'q0', 'the answered one keeps its result');
    assert.deepEqual(
      store.resumable().map((x) => x.id),
      ['b1'],
    );
    assert.equal(store.recoverInterrupted('b1', ['r0'], new Set()), undefined, 'found once');
    store.markResumed('b1', 'b2');
    assert.deepEqual(store.resumable(), []);
    await store.flush();
    const stored = m.get<{ batches: Array<{ interrupted?: { resumedBy?: string; notSent: number } }> }>(
      StorageKey.history,
    );
    assert.deepEqual(stored?.batches[0].interrupted?.resumedBy, 'b2');
    assert.equal(stored?.batches[0].interrupted?.notSent, 2);
    store.dispose();
  });

  it('a request the journal does not name is never taken as not sent', () => {
    const m = new MemoryMemento();
    const store = new HistoryStore(m, new ManualTimers());
    const b = store.add({
      provider: 'imagekit',
      source: 'palette',
      target: 'x',
      requests: requests(['sending', 'sending']),
    });
    const found = store.recoverInterrupted(b.id, ['r0'], new Set());
    assert.deepEqual(
      found?.batch.requests.map((r) => r.state),
      ['cancelled', 'unknown'],
    );
    store.dispose();
  });
});
