// ImageKit's 1000 purge requests a month: a counter per account and calendar month (UTC) in an injected store,
// checked before a batch. Plus the CLI's JSON file store and where it lives.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { JsonFileQuotaStore, stateDir } from '../../src/cli/state';
import { imagekit } from '../../src/core/providers/imagekit';
import { countByAccount, MemoryQuotaStore, monthKey, Quota, type QuotaStore } from '../../src/core/quota';
import { tmpDir } from './helpers/tmp';

/** A clock the test moves. */
function clock(iso: string): { now: () => Date; set: (iso: string) => void } {
  let t = new Date(iso);
  return { now: () => t, set: (s) => (t = new Date(s)) };
}

describe('quota: ImageKit 1000 purges a month', () => {
  it('months are calendar months in UTC, whatever the local time zone', () => {
    const tz = process.env.TZ;
    try {
      for (const zone of ['UTC', 'America/New_York', 'Asia/Tokyo']) {
        process.env.TZ = zone; // Node applies a changed TZ to later Date calls
        assert.equal(monthKey(new Date('2025-01-31T23:30:00-05:00')), '2025-02', zone);
        assert.equal(monthKey(new Date('2025-02-01T00:30:00+02:00')), '2025-01', zone);
        assert.equal(monthKey(new Date('2024-12-31T23:59:59.999Z')), '2024-12', zone);
        assert.equal(monthKey(new Date('2025-01-01T00:00:00Z')), '2025-01', zone);
      }
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });

  it('counts per month: the count starts again when the month rolls over, and the old month keeps its count', async () => {
    const c = clock('2025-01-31T23:59:00Z');
    const q = new Quota(new MemoryQuotaStore(), imagekit, { limit: 1000, now: c.now });
    await q.record('demo', 3);
    await q.record('demo', 2);
    assert.equal(await q.used('demo'), 5);
    c.set('2025-02-01T00:00:30Z');
    assert.equal(await q.used('demo'), 0);
    await q.record('demo', 1);
    assert.equal(await q.used('demo'), 1);
    c.set('2025-01-15T00:00:00Z');
    assert.equal(await q.used('demo'), 5);
  });

  it('counts per account', async () => {
    const q = new Quota(new MemoryQuotaStore(), imagekit, { limit: 1000, now: () => new Date('2025-03-10T00:00:00Z') });
    await q.record('demo', 7);
    await q.record('images.example.com', 2);
    assert.equal(await q.used('demo'), 7);
    assert.equal(await q.used('images.example.com'), 2);
    assert.equal(await q.used('acme'), 0);
  });

  it("the limit is the provider's monthlyQuota: ImageKit's 1000", async () => {
    const q = new Quota(new MemoryQuotaStore(), imagekit, { now: () => new Date('2025-03-10T00:00:00Z') });
    const r = await q.check('demo', 1000);
    assert.equal(r.limit, 1000);
    assert.equal(r.ok, true);
    assert.equal((await q.check('demo', 1001)).ok, false);
  });

  it('checks a batch before it is sent: within the limit, exactly at it, over it', async () => {
    const q = new Quota(new MemoryQuotaStore(), imagekit, { limit: 1000, now: () => new Date('2025-03-10T00:00:00Z') });
    await q.record('demo', 998);
    const two = await q.check('demo', 2);
    assert.deepEqual(
      [two.ok, two.used, two.remaining, two.requested, two.month, two.account],
      [true, 998, 2, 2, '2025-03', 'demo'],
    );
    assert.match(two.message, /0 of 1000 left in 2025-03/);
    const three = await q.check('demo', 3);
    assert.equal(three.ok, false);
    assert.match(
      three.message,
      /3 purge requests for demo would go over ImageKit's limit of 1000 a month: 998 used in 2025-03, 2 left/,
    );
    assert.match(three.message, /Coalesce them into wildcards/);
    assert.doesNotMatch(three.message, /--/, 'core messages name no CLI flag');
    assert.match(three.message, /support@imagekit\.io/);
    assert.equal(await q.used('demo'), 998, 'checking does not count');
  });

  it('a batch counts each request against its own account, and records only what was accepted', async () => {
    const reqs = (...accounts: Array<string | undefined>) => accounts.map((account) => ({ target: { account } }));
    assert.deepEqual(
      [...countByAccount(reqs('demo', 'shop', 'demo', undefined), 'emulator:')],
      [
        ['emulator:demo', 2],
        ['emulator:shop', 1],
        ['emulator:default', 1],
      ],
    );
    const q = new Quota(new MemoryQuotaStore(), imagekit, { limit: 3 });
    await q.record('shop', 2);
    // demo has room for 3, shop only for 1: a batch with 2 shop requests is refused, naming shop.
    const over = await q.checkBatch(reqs('demo', 'demo', 'shop', 'shop'));
    assert.equal(over?.account, 'shop');
    assert.equal(over?.requested, 2);
    assert.equal(await q.checkBatch(reqs('demo', 'demo', 'demo', 'shop')), undefined);
    await q.recordBatch(reqs('demo', 'demo', 'shop'), [true, false, true]);
    assert.deepEqual([await q.used('demo'), await q.used('shop')], [1, 3]);
    // A prefix keeps another counter (the local emulator's) apart.
    await q.recordBatch(reqs('demo'), [true], 'emulator:');
    assert.deepEqual([await q.used('demo'), await q.used('emulator:demo')], [1, 1]);
  });

  it('remaining never goes below zero', async () => {
    const q = new Quota(new MemoryQuotaStore(), imagekit, { limit: 10, now: () => new Date('2025-03-10T00:00:00Z') });
    await q.record('demo', 15);
    const r = await q.check('demo', 1);
    assert.deepEqual([r.ok, r.remaining, r.used], [false, 0, 15]);
  });

  it('works with an asynchronous store', async () => {
    const data = new Map<string, number>();
    const store: QuotaStore = {
      get: async (k) => data.get(k),
      set: async (k, v) => {
        data.set(k, v);
      },
    };
    const q = new Quota(store, imagekit, { limit: 1000, now: () => new Date('2025-06-01T00:00:00Z') });
    assert.equal(await q.record('demo', 4), 4);
    assert.equal(await q.record('demo', 4), 8);
    assert.deepEqual([...data.keys()], ['quota:imagekit:demo:2025-06']);
  });
});

describe('quota: the CLI keeps it in a JSON file under the state directory', () => {
  it('stateDir: CDN_PURGE_STATE_DIR, else $XDG_STATE_HOME/cdn-purge, else ~/.local/state/cdn-purge', () => {
    assert.equal(stateDir({ CDN_PURGE_STATE_DIR: '/s', XDG_STATE_HOME: '/x', HOME: '/h' }), '/s');
    assert.equal(stateDir({ XDG_STATE_HOME: '/x', HOME: '/h' }), path.join('/x', 'cdn-purge'));
    assert.equal(stateDir({ HOME: '/h' }), path.join('/h', '.local', 'state', 'cdn-purge'));
  });

  it('persists counts across store instances, creating the directory', async () => {
    const file = path.join(tmpDir(), 'deep', 'state', 'quota.json');
    const now = () => new Date('2025-04-02T00:00:00Z');
    await new Quota(new JsonFileQuotaStore(file), imagekit, { limit: 1000, now }).record('demo', 3);
    await new Quota(new JsonFileQuotaStore(file), imagekit, { limit: 1000, now }).record('demo', 4);
    assert.equal(await new Quota(new JsonFileQuotaStore(file), imagekit, { limit: 1000, now }).used('demo'), 7);
    assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), { 'quota:imagekit:demo:2025-04': 7 });
  });

  it('a missing or corrupt file counts as empty (and is rewritten cleanly)', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'quota.json');
    assert.equal(new JsonFileQuotaStore(file).get('k'), undefined);
    fs.writeFileSync(file, '{not json');
    const store = new JsonFileQuotaStore(file);
    assert.equal(store.get('k'), undefined);
    store.set('k', 2);
    assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), { k: 2 });
    fs.writeFileSync(file, JSON.stringify({ k: 'three' }));
    assert.equal(new JsonFileQuotaStore(file).get('k'), undefined);
    assert.deepEqual(
      fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')),
      [],
      'no temporary file left behind',
    );
  });
});
