// ImageKit's 1000 purge requests a month: a counter per account and calendar month (UTC) in an injected store,
// checked before a batch. Plus the CLI's JSON file store and where it lives.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { JsonFileQuotaStore, quotaFile, stateDir } from '../../src/cli/state';
import { imagekit } from '../../src/core/providers/imagekit';
import {
  countByAccount,
  MemoryQuotaStore,
  monthKey,
  Quota,
  type QuotaData,
  type QuotaStore,
} from '../../src/core/quota';
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

  it('a missing file is empty; a corrupt one is kept aside with a loud warning, never silently reset', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'quota.json');
    const now = () => new Date('2025-04-02T00:00:00Z');
    const warnings: string[] = [];
    const store = () => new JsonFileQuotaStore(file, { warn: (m) => warnings.push(m) });
    assert.equal(store().get('quota:imagekit:demo:2025-04'), undefined);
    for (const garbage of ['{not json', JSON.stringify({ 'quota:imagekit:demo:2025-04': 'three' }), '', '[1,2]']) {
      for (const f of fs.readdirSync(dir)) fs.rmSync(path.join(dir, f));
      warnings.length = 0;
      fs.writeFileSync(file, garbage);
      await new Quota(store(), imagekit, { limit: 1000, now }).record('demo', 2);
      const aside = fs.readdirSync(dir).filter((f) => f.startsWith('quota.json.corrupt-'));
      assert.equal(aside.length, 1, `kept aside: ${JSON.stringify(garbage)}`);
      assert.equal(fs.readFileSync(path.join(dir, aside[0]), 'utf8'), garbage, 'the corrupt file is kept as it was');
      assert.equal(warnings.length, 1);
      assert.match(warnings[0], /is not quota data/);
      assert.ok(warnings[0].includes(aside[0]), 'the warning names where it was kept');
      assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), { 'quota:imagekit:demo:2025-04': 2 });
    }
    assert.deepEqual(
      fs.readdirSync(dir).filter((f) => f.endsWith('.tmp') || f.endsWith('.lock')),
      [],
      'no temporary file or lock left behind',
    );
  });

  it('quotaFile: --quota-file, else CDN_PURGE_QUOTA_FILE, else quota.json in the state directory', () => {
    assert.equal(quotaFile({ CDN_PURGE_QUOTA_FILE: 'e.json' }, '/w', 'f.json'), path.resolve('/w', 'f.json'));
    assert.equal(
      quotaFile({ CDN_PURGE_QUOTA_FILE: 'e.json', CDN_PURGE_STATE_DIR: '/s' }, '/w'),
      path.resolve('/w', 'e.json'),
    );
    assert.equal(quotaFile({ CDN_PURGE_STATE_DIR: '/s' }, '/w'), path.join('/s', 'quota.json'));
  });

  it('concurrent changes under the lock lose no update (200 records from 8 stores at once)', async () => {
    const file = path.join(tmpDir(), 'quota.json');
    const now = () => new Date('2025-04-02T00:00:00Z');
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        const q = new Quota(new JsonFileQuotaStore(file), imagekit, { limit: 1000, now });
        for (let i = 0; i < 25; i++) await q.record('demo', 1);
      }),
    );
    assert.equal(new JsonFileQuotaStore(file).get('quota:imagekit:demo:2025-04'), 200);
  });

  it('group commit: 1,990 spends 8 at a time write the store far fewer times, each counted before it resolves, exactly', async () => {
    const now = () => new Date('2025-04-02T00:00:00Z');
    /** A store with a lock (as the CLI's file) that counts its transactions. */
    class CountingStore implements QuotaStore {
      data: QuotaData = { counts: {}, reservations: {} };
      transactions = 0;
      get(): undefined {
        return undefined;
      }
      set(): void {}
      transact<T>(change: (data: QuotaData) => T): Promise<T> {
        this.transactions++;
        const copy = structuredClone(this.data);
        const r = change(copy);
        this.data = copy;
        return Promise.resolve(r);
      }
    }
    const store = new CountingStore();
    const quota = new Quota(store, imagekit, { limit: 1_000_000, now });
    const batch = Array.from({ length: 2000 }, () => ({ target: { account: 'demo' } }));
    const r = await quota.reserve(batch);
    assert.ok(r.ok);
    const key = 'quota:imagekit:demo:2025-04';
    // 8 at a time, as the pipeline sends; every spend resolves with its count already in the store.
    let started = 0;
    let spent = 0;
    const lanes = Array.from({ length: 8 }, async () => {
      while (started < 1990) {
        started++;
        await r.reservation.spend('demo');
        spent++;
        assert.ok((store.data.counts[key] ?? 0) >= spent, 'counted before it is sent');
      }
    });
    await Promise.all(lanes);
    assert.ok(store.transactions < 1990 / 3, `${store.transactions} writes for 1,990 spends`);
    // A kill here (no release) leaves exactly what was sent counted.
    assert.equal(store.data.counts[key], spent);
    // Two were refused: their counts go back; release frees the reservation.
    await r.reservation.refund('demo');
    await r.reservation.refund('demo');
    await r.reservation.release();
    assert.equal(store.data.counts[key], spent - 2);
    assert.deepEqual(store.data.reservations, {});
  });

  it("check-and-reserve: parallel batches cannot pass the limit together; a dead owner's reservation is released", async () => {
    const file = path.join(tmpDir(), 'quota.json');
    const now = () => new Date('2025-04-02T00:00:00Z');
    fs.writeFileSync(file, JSON.stringify({ 'quota:imagekit:demo:2025-04': 990 }));
    const batch = Array.from({ length: 6 }, () => ({ target: { account: 'demo' } }));
    const results = await Promise.all(
      [1, 2, 3].map(() => new Quota(new JsonFileQuotaStore(file), imagekit, { limit: 1000, now }).reserve(batch)),
    );
    assert.deepEqual(
      results.map((r) => r.ok).sort(),
      [false, false, true],
      'one batch of 6 fits in the 10 left; the others do not',
    );
    const refused = results.find((r) => !r.ok);
    assert.ok(refused && !refused.ok);
    assert.match(refused.check.message, /990 used in 2025-04, 6 reserved by runs in progress, 4 left/);
    // A reservation whose process has ended is released by the next check (what it sent was counted already).
    const dead = {
      pid: 424242,
      host: 'this-host',
      alive: () => false,
      now: () => Date.now(),
    };
    const other = new Quota(new JsonFileQuotaStore(file), imagekit, { limit: 1000, now, owner: dead });
    assert.equal((await other.check('demo', 10)).ok, false, 'the live reservation still holds');
    const winner = results.find((r) => r.ok);
    assert.ok(winner && winner.ok);
    await winner.reservation.spend('demo');
    await winner.reservation.release();
    const after = await new Quota(new JsonFileQuotaStore(file), imagekit, { limit: 1000, now }).check('demo', 9);
    assert.equal(after.ok, true, '991 used, nothing reserved: 9 fit');
    assert.equal(after.used, 991);
  });
});
