// The status poller (src/host/statusPoller.ts) in plain Node on a manual clock: its backoff (2 s, then x1.5 a
// round up to 30 s, back to 2 s on a new purge), one timer at a time, stopping when nothing is pending, giving up
// after an hour, and what each answer does to the history (Completed, 404 → Unknown, errors kept Pending).
import assert from 'node:assert/strict';
import { install, ManualTimers, MemoryMemento, reset } from '../helpers/vscode-stub';
install();
/* eslint-disable @typescript-eslint/no-require-imports */
const poller = require('../../../src/host/statusPoller') as typeof import('../../../src/host/statusPoller');
const { HistoryStore, CHANGE_DELAY_MS } =
  require('../../../src/host/history') as typeof import('../../../src/host/history');

const { StatusPoller, FIRST_DELAY_MS, MAX_DELAY_MS, GIVE_UP_MS } = poller;

interface Sent {
  url: string;
}

/** A transport whose status answers the test decides: one JSON body (or status) per request id. */
function transport(answer: (requestId: string) => { status: number; body: unknown }) {
  const sent: Sent[] = [];
  const client = {
    send: async (spec: { url: string }) => {
      sent.push({ url: spec.url });
      const id = spec.url.split('/').pop()!;
      const a = answer(id);
      return {
        status: a.status,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(a.body),
        ms: 1,
        attempts: 1,
      };
    },
  };
  return {
    sent,
    service: { http: async () => client as never, storedKey: async () => 'private_test_key' },
  };
}

const log = { info: () => {}, warn: () => {}, error: () => {} };

function pendingBatch(history: InstanceType<typeof HistoryStore>, requestId: string, startedAt: number) {
  const b = history.add({
    provider: 'imagekit',
    source: 'palette',
    target: 'api.imagekit.io',
    apiBase: 'https://api.imagekit.io',
    requests: [
      {
        id: history.newId('r'),
        url: 'https://ik.imagekit.io/demo/a.jpg',
        kind: 'exact',
        covers: [],
        state: 'accepted',
        requestId,
        live: 'Pending',
        startedAt,
      },
    ],
  });
  return b.requests[0];
}

describe('host: StatusPoller backoff (manual clock)', () => {
  afterEach(() => reset());

  it('polls 2 s after a purge, then 1.5 times slower each round up to 30 s, and back to 2 s on the next purge', async () => {
    const timers = new ManualTimers();
    const history = new HistoryStore(new MemoryMemento(), timers);
    pendingBatch(history, 'aaaaaaaaaaaaaaaaaaaaaaaa', timers.now());
    const t = transport(() => ({ status: 200, body: { status: 'Pending' } }));
    const p = new StatusPoller(history, t.service, log, timers);
    p.kick();
    assert.equal(p.nextDelay, FIRST_DELAY_MS);
    const delays: number[] = [];
    for (let i = 0; i < 10; i++) {
      await p.round();
      delays.push(p.nextDelay);
    }
    assert.deepEqual(delays, [3000, 4500, 6750, 10125, 15188, 22782, 30000, 30000, 30000, 30000]);
    assert.ok(delays.every((d) => d <= MAX_DELAY_MS));
    assert.equal(t.sent.length, 10, 'one status request a round');
    assert.match(t.sent[0].url, /\/v1\/files\/purge\/aaaaaaaaaaaaaaaaaaaaaaaa$/);
    p.kick();
    assert.equal(p.nextDelay, FIRST_DELAY_MS, 'a new purge starts the backoff again');
    p.kick(true);
    assert.equal(p.nextDelay, 0, '"now" for the pending purges found at activation');
    const pollTimers = () => timers.waiting.filter((ms) => ms !== CHANGE_DELAY_MS);
    assert.deepEqual(pollTimers(), [0], 'one timer at a time: each kick replaces the last');
    p.dispose();
    assert.deepEqual(pollTimers(), [], 'dispose clears it');
  });

  it('the timer runs the rounds by itself: the request turns Completed with no manual refresh, then polling stops', async () => {
    const timers = new ManualTimers();
    const history = new HistoryStore(new MemoryMemento(), timers);
    const r = pendingBatch(history, 'bbbbbbbbbbbbbbbbbbbbbbbb', timers.now());
    let rounds = 0;
    const t = transport(() => ({ status: 200, body: { status: ++rounds >= 3 ? 'Completed' : 'Pending' } }));
    const p = new StatusPoller(history, t.service, log, timers);
    p.kick();
    for (const ms of [FIRST_DELAY_MS, 3000, 4500]) {
      assert.equal(p.nextDelay, ms);
      timers.advance(ms);
      // The round's HTTP request is a promise: let it finish.
      for (let i = 0; i < 20 && p.nextDelay === undefined && history.pending().length; i++)
        await new Promise((res) => setImmediate(res));
    }
    assert.equal(history.find(r.id)?.request.live, 'Completed');
    assert.equal(t.sent.length, 3);
    assert.equal(p.nextDelay, undefined, 'nothing pending: no timer left');
    assert.deepEqual(
      timers.waiting.filter((ms) => ms !== CHANGE_DELAY_MS),
      [],
      'only the history write timer may wait',
    );
    p.dispose();
  });

  it('stops asking after an hour: the request is marked Unknown with a hint, without a request', async () => {
    const timers = new ManualTimers();
    const history = new HistoryStore(new MemoryMemento(), timers);
    const r = pendingBatch(history, 'cccccccccccccccccccccccc', timers.now() - GIVE_UP_MS - 1);
    const t = transport(() => ({ status: 200, body: { status: 'Pending' } }));
    const p = new StatusPoller(history, t.service, log, timers);
    assert.equal(await p.round(), 0);
    const got = history.find(r.id)?.request;
    assert.equal(got?.live, 'Unknown');
    assert.match(got?.hint ?? '', /Still Pending after an hour/);
    assert.equal(t.sent.length, 0);
    assert.equal(p.nextDelay, undefined);
    p.dispose();
  });

  it('a 404 (the API does not know the id) ends as Unknown; a 500 leaves it Pending and keeps polling', async () => {
    const timers = new ManualTimers();
    const history = new HistoryStore(new MemoryMemento(), timers);
    const gone = pendingBatch(history, 'dddddddddddddddddddddddd', timers.now());
    const flaky = pendingBatch(history, 'eeeeeeeeeeeeeeeeeeeeeeee', timers.now());
    const t = transport((id) =>
      id.startsWith('d')
        ? { status: 404, body: { message: 'No request found' } }
        : { status: 500, body: { message: 'oops' } },
    );
    const p = new StatusPoller(history, t.service, log, timers);
    assert.equal(await p.round(), 1);
    assert.equal(history.find(gone.id)?.request.live, 'Unknown');
    assert.equal(history.find(flaky.id)?.request.live, 'Pending');
    assert.equal(p.nextDelay, 3000, 'still one pending: the next round is scheduled');
    p.dispose();
  });

  it('no key stored: nothing is sent and the request stays Pending', async () => {
    const timers = new ManualTimers();
    const history = new HistoryStore(new MemoryMemento(), timers);
    const r = pendingBatch(history, 'ffffffffffffffffffffffff', timers.now());
    const t = transport(() => ({ status: 200, body: { status: 'Completed' } }));
    const p = new StatusPoller(history, { ...t.service, storedKey: async () => undefined }, log, timers);
    await p.round();
    assert.equal(t.sent.length, 0);
    assert.equal(history.find(r.id)?.request.live, 'Pending');
    p.dispose();
  });
});
