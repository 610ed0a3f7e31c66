// The emulator's CDN (stale until a purge takes effect, then the origin's new version) and its control API (request
// log without keys, reset, origin). Purge timing runs on a ManualClock.
import assert from 'node:assert/strict';
import { formsOf, WRONG_WITH_PASSWORD_BASIC } from './helpers/key-forms';
import {
  cdnUrlFromEmulatorPath,
  DEFAULT_IMAGEKIT_TEST_KEY,
  DEFAULT_IMGIX_TEST_KEY,
  emulatorAssetUrl,
} from '../../src/emulator';
import { asset, basic, call, control, emulatorFixture, ikPurge, ikStatus, ixPurge } from './emulator-helpers';

describe('emulator CDN and control API', function () {
  this.timeout(30_000);
  const fx = emulatorFixture();

  const update = (base: string, url: string) => control(base, 'POST', 'origin', { url, action: 'update' });
  const remove = (base: string, url: string) => control(base, 'POST', 'origin', { url, action: 'delete' });

  describe('asset URLs', () => {
    it('maps https://<host>/<path>?q to /cdn/<host>/<path>?q and back', () => {
      assert.equal(
        emulatorAssetUrl('http://127.0.0.1:8787/', 'https://ik.imagekit.io/demo/a.jpg'),
        'http://127.0.0.1:8787/cdn/ik.imagekit.io/demo/a.jpg',
      );
      assert.equal(
        emulatorAssetUrl('http://127.0.0.1:8787', 'https://Assets.imgix.net/dogs.png?w=400'),
        'http://127.0.0.1:8787/cdn/assets.imgix.net/dogs.png?w=400',
      );
      assert.equal(
        emulatorAssetUrl('http://127.0.0.1:1', 'https://assets.imgix.net/image file.png#x'),
        'http://127.0.0.1:1/cdn/assets.imgix.net/image%20file.png',
      );
      assert.equal(
        cdnUrlFromEmulatorPath('/cdn/assets.imgix.net/dogs.png?w=400'),
        'https://assets.imgix.net/dogs.png?w=400',
      );
      assert.equal(cdnUrlFromEmulatorPath('/cdn/ik.imagekit.io'), 'https://ik.imagekit.io/');
      assert.equal(cdnUrlFromEmulatorPath('/cdn/'), undefined);
      assert.equal(cdnUrlFromEmulatorPath('/other/x'), undefined);
      assert.throws(() => emulatorAssetUrl('http://127.0.0.1:1', 'not a url'), /not an http\(s\) URL/);
    });
  });

  describe('serving assets', () => {
    it('a small SVG image with ETag, Cache-Control, X-Cache MISS then HIT; 304 on If-None-Match; HEAD', async () => {
      const e = await fx.start();
      const first = await asset(e.url, 'https://ik.imagekit.io/demo/a.jpg');
      assert.equal(first.status, 200);
      assert.equal(first.headers['content-type'], 'image/svg+xml');
      assert.match(first.text, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      assert.match(first.etag ?? '', /^"[0-9a-f]{32}"$/);
      assert.equal(first.headers['cache-control'], 'public, max-age=0, must-revalidate');
      assert.equal(first.headers['x-cache'], 'MISS');
      assert.equal(first.version, 1);
      const second = await asset(e.url, 'https://ik.imagekit.io/demo/a.jpg');
      assert.equal(second.headers['x-cache'], 'HIT');
      assert.equal(second.etag, first.etag);
      assert.equal(second.text, first.text);
      const other = await asset(e.url, 'https://ik.imagekit.io/demo/b.jpg');
      assert.notEqual(other.etag, first.etag, 'bytes depend on the URL');
      const notModified = await asset(e.url, 'https://ik.imagekit.io/demo/a.jpg', { 'if-none-match': first.etag! });
      assert.equal(notModified.status, 304);
      assert.equal(notModified.text, '');
      const head = await call(e.url, 'HEAD', '/cdn/ik.imagekit.io/demo/a.jpg');
      assert.equal(head.status, 200);
      assert.equal(head.headers.etag, first.etag);
      assert.equal(head.text, '');
      assert.equal((await call(e.url, 'POST', '/cdn/ik.imagekit.io/demo/a.jpg')).status, 405);
    });

    it('the first fetch after an origin change gets the new version: nothing was cached yet', async () => {
      const e = await fx.start();
      await update(e.url, 'https://ik.imagekit.io/demo/fresh.jpg');
      const res = await asset(e.url, 'https://ik.imagekit.io/demo/fresh.jpg');
      assert.equal(res.version, 2);
      assert.equal(res.headers['x-cache'], 'MISS');
    });
  });

  describe('stale until the purge takes effect, then fresh', () => {
    it('ImageKit exact purge: stale while Pending, the new version once Completed', async () => {
      const e = await fx.start({ statusDelayMs: 3000 });
      const url = 'https://ik.imagekit.io/demo/products/shoe.jpg';
      const before = await asset(e.url, url);
      const changed = await update(e.url, url);
      assert.equal(changed.json.version, 2);
      assert.equal(changed.json.cached[0].stale, true);
      const stale = await asset(e.url, url);
      assert.equal(stale.version, 1);
      assert.equal(stale.etag, before.etag);
      const { json } = await ikPurge(e.url, url);
      assert.equal((await asset(e.url, url)).version, 1, 'still stale right after the 201');
      fx.clock.advance(2999);
      assert.equal((await ikStatus(e.url, json.requestId)).json.status, 'Pending');
      assert.equal((await asset(e.url, url)).version, 1, 'still stale while Pending');
      fx.clock.advance(1);
      assert.equal((await ikStatus(e.url, json.requestId)).json.status, 'Completed');
      const fresh = await asset(e.url, url);
      assert.equal(fresh.version, 2);
      assert.equal(fresh.headers['x-cache'], 'MISS');
      assert.notEqual(fresh.etag, before.etag);
      assert.equal((await asset(e.url, url)).headers['x-cache'], 'HIT');
    });

    it('ImageKit exact purge covers that URL only; a wildcard covers every URL under its prefix, transformations too', async () => {
      const e = await fx.start({ statusDelayMs: 0 });
      const urls = {
        base: 'https://ik.imagekit.io/demo/images/upload/a.jpg',
        variant: 'https://ik.imagekit.io/demo/images/upload/a.jpg?tr=w-300',
        sibling: 'https://ik.imagekit.io/demo/images/upload/b.jpg',
        outside: 'https://ik.imagekit.io/demo/images/other/c.jpg',
      };
      for (const u of Object.values(urls)) await asset(e.url, u);
      for (const u of [urls.base, urls.sibling, urls.outside]) await update(e.url, u);
      assert.equal((await ikPurge(e.url, urls.base)).status, 201);
      assert.equal((await asset(e.url, urls.base)).version, 2);
      assert.equal((await asset(e.url, urls.variant)).version, 1, 'an exact purge does not reach ?tr= variants');
      assert.equal((await asset(e.url, urls.sibling)).version, 1);
      assert.equal((await ikPurge(e.url, 'https://ik.imagekit.io/demo/images/upload*')).status, 201);
      assert.equal((await asset(e.url, urls.variant)).version, 2);
      assert.equal((await asset(e.url, urls.sibling)).version, 2);
      assert.equal((await asset(e.url, urls.outside)).version, 1, 'outside the wildcard stays stale');
    });

    it('imgix: a purge of the base path reaches every derivative, imgixPurgeDelayMs after the 200', async () => {
      const e = await fx.start({ imgixPurgeDelayMs: 2000 });
      const base = 'https://assets.imgix.net/dogs.png';
      const derivative = 'https://assets.imgix.net/dogs.png?w=400';
      await asset(e.url, base);
      await asset(e.url, derivative);
      await update(e.url, derivative); // the origin object is the base path, whatever the parameters
      assert.equal((await asset(e.url, derivative)).version, 1);
      assert.equal((await ixPurge(e.url, base)).status, 200);
      fx.clock.advance(1999);
      assert.equal((await asset(e.url, base)).version, 1, 'a 200 does not mean done');
      fx.clock.advance(1);
      assert.equal((await asset(e.url, base)).version, 2);
      assert.equal((await asset(e.url, derivative)).version, 2);
    });

    it('imgix: an asset deleted from the origin is served until the purge, then 404', async () => {
      const e = await fx.start({ imgixPurgeDelayMs: 0 });
      const url = 'https://assets.imgix.net/dmca.jpg';
      assert.equal((await asset(e.url, url)).status, 200);
      const gone = await remove(e.url, url);
      assert.equal(gone.json.deleted, true);
      assert.equal((await asset(e.url, url)).status, 200, 'the CDN still serves its copy');
      await ixPurge(e.url, url);
      assert.equal((await asset(e.url, url)).status, 404);
      assert.equal((await asset(e.url, `${url}?w=10`)).status, 404);
      await update(e.url, url);
      assert.equal((await asset(e.url, url)).version, 2, 'uploaded again');
    });

    it('imgix: exact paths: a purge of image%20file.png does not purge image+file.png', async () => {
      const e = await fx.start({ imgixPurgeDelayMs: 0 });
      const spaced = 'https://assets.imgix.net/image%20file.png';
      const plus = 'https://assets.imgix.net/image+file.png';
      await asset(e.url, spaced);
      await asset(e.url, plus);
      await update(e.url, spaced);
      await update(e.url, plus);
      await ixPurge(e.url, spaced);
      assert.equal((await asset(e.url, spaced)).version, 2);
      assert.equal((await asset(e.url, plus)).version, 1);
    });

    it('imgix: a purge of a Video API asset is answered 200 but never reaches the served video', async () => {
      const e = await fx.start({ imgixPurgeDelayMs: 0 });
      const url = 'https://assets.imgix.net/clip.mp4';
      await asset(e.url, url);
      await update(e.url, url);
      assert.equal((await ixPurge(e.url, url)).status, 200);
      fx.clock.advance(60_000);
      assert.equal((await asset(e.url, url)).version, 1);
    });

    it('GET /_emulator/origin shows the version, the cached copies and whether they are stale', async () => {
      const e = await fx.start();
      const url = 'https://ik.imagekit.io/demo/a.jpg';
      await asset(e.url, url);
      await update(e.url, url);
      const view = await control(e.url, 'GET', `origin?url=${encodeURIComponent(url)}`);
      assert.equal(view.status, 200);
      assert.equal(view.json.version, 2);
      assert.deepEqual(
        view.json.cached.map((c: { url: string; version: number; stale: boolean }) => [c.url, c.version, c.stale]),
        [[url, 1, true]],
      );
      assert.equal((await control(e.url, 'POST', 'origin', { url, action: 'explode' })).status, 400);
      assert.equal((await control(e.url, 'GET', 'origin')).status, 400);
    });
  });

  describe('control API', () => {
    it('GET /_emulator/requests: method, path, provider, auth as valid/invalid/missing, content type, body, status', async () => {
      const e = await fx.start();
      await ikPurge(e.url, 'https://ik.imagekit.io/demo/a.jpg');
      await ikPurge(e.url, 'https://ik.imagekit.io/demo/a.jpg', basic('wrong_key_123'));
      await ixPurge(e.url, 'https://assets.imgix.net/a.png', {}, null);
      await asset(e.url, 'https://ik.imagekit.io/demo/a.jpg');
      const log = (await control(e.url, 'GET', 'requests')).json.requests;
      assert.deepEqual(
        log.map((r: Record<string, unknown>) => [r.seq, r.method, r.path, r.provider, r.auth, r.status]),
        [
          [1, 'POST', '/v1/files/purge', 'imagekit', 'valid', 201],
          [2, 'POST', '/v1/files/purge', 'imagekit', 'invalid', 401],
          [3, 'POST', '/api/v1/purge', 'imgix', 'missing', 401],
          [4, 'GET', '/cdn/ik.imagekit.io/demo/a.jpg', 'cdn', null, 200],
        ],
      );
      assert.equal(log[0].contentType, 'application/json');
      assert.deepEqual(log[0].body, { url: 'https://ik.imagekit.io/demo/a.jpg' });
      assert.equal(log[2].contentType, 'application/vnd.api+json');
      assert.equal(log[0].time, '2025-01-15T12:00:00.000Z');
      const imgixOnly = (await control(e.url, 'GET', 'requests?provider=imgix')).json.requests;
      assert.deepEqual(
        imgixOnly.map((r: { seq: number }) => r.seq),
        [3],
      );
      const since = (await control(e.url, 'GET', 'requests?since=2')).json.requests;
      assert.deepEqual(
        since.map((r: { seq: number }) => r.seq),
        [3, 4],
      );
      assert.equal((await control(e.url, 'GET', 'requests?since=x')).status, 400);
    });

    it('the request log never contains a key, in any form, wherever a client put it', async () => {
      const custom = { ik: 'private_custom_ik_key_7781', ix: 'custom_imgix_key_5521' };
      const e = await fx.start({ imagekitKey: custom.ik, imgixKey: custom.ix });
      const wrong = 'wrong_private_key_9931';
      await ikPurge(e.url, 'https://ik.imagekit.io/demo/a.jpg', basic(custom.ik));
      await ikPurge(e.url, 'https://ik.imagekit.io/demo/a.jpg', basic(wrong, 'pw_secret_x'));
      await ixPurge(e.url, 'https://assets.imgix.net/a.png', {}, `Bearer ${custom.ix}`);
      await ixPurge(e.url, 'https://assets.imgix.net/b.png', { note: custom.ix }, `Bearer ${wrong}`);
      await call(e.url, 'POST', `/v1/files/purge?key=${custom.ik}`, {
        headers: { authorization: basic(custom.ik), 'content-type': 'application/json' },
        body: { url: 'https://ik.imagekit.io/demo/b.jpg', key: custom.ik, auth: basic(custom.ik) },
      });
      const raw = (await control(e.url, 'GET', 'requests')).text;
      assert.equal(JSON.parse(raw).requests.length, 5);
      for (const secret of [
        custom.ik,
        custom.ix,
        wrong,
        'pw_secret_x',
        DEFAULT_IMAGEKIT_TEST_KEY,
        DEFAULT_IMGIX_TEST_KEY,
      ]) {
        for (const form of formsOf(secret))
          assert.ok(!raw.includes(form), `the log contains a form of ${secret.slice(0, 6)}...`);
      }
      assert.ok(!raw.includes(WRONG_WITH_PASSWORD_BASIC), 'the Basic token of a key with a password');
      assert.ok(!/authorization/i.test(raw), 'no Authorization header in the log');
      assert.match(raw, /"auth":"valid"/);
      assert.match(raw, /"auth":"invalid"/);
    });

    it('POST /_emulator/reset forgets purges, quota, duplicates, cache, origin, faults and the log', async () => {
      const e = await fx.start({ quota: 1 });
      const url = 'https://ik.imagekit.io/demo/a.jpg';
      const { json } = await ikPurge(e.url, url);
      await ixPurge(e.url, 'https://assets.imgix.net/a.png');
      await asset(e.url, url);
      await update(e.url, url);
      await control(e.url, 'POST', 'faults', { kind: 'status', status: 500, match: { provider: 'cdn' } });
      assert.equal((await ikPurge(e.url, url)).status, 429);
      const reset = await control(e.url, 'POST', 'reset');
      assert.equal(reset.status, 200);
      assert.deepEqual((await control(e.url, 'GET', 'requests')).json.requests, []);
      assert.deepEqual((await control(e.url, 'GET', 'faults')).json.faults, []);
      assert.equal((await ikStatus(e.url, json.requestId)).status, 404);
      const again = await ikPurge(e.url, url);
      assert.equal(again.status, 201, 'quota restored');
      assert.equal(again.json.requestId, '000000000000000000000001', 'ids start again');
      assert.equal((await ixPurge(e.url, 'https://assets.imgix.net/a.png')).status, 200, 'no duplicate after a reset');
      const served = await asset(e.url, url);
      assert.equal(served.status, 200);
      assert.equal(served.version, 1, 'the origin is back to version 1');
      assert.equal((await control(e.url, 'GET', 'reset')).status, 405);
    });

    it('unknown control endpoints get 404 with the list; wrong methods 405', async () => {
      const e = await fx.start();
      const res = await control(e.url, 'GET', 'nothing');
      assert.equal(res.status, 404);
      assert.match(res.json.error, /GET \/_emulator\/info/);
      const wrong = await control(e.url, 'POST', 'info');
      assert.equal(wrong.status, 405);
      assert.equal(wrong.headers.allow, 'GET');
    });
  });
});
