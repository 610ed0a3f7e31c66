// The emulator driven over HTTP with undici: startup and options, both providers' APIs, rate limits and latency.
// (The CDN and control API: emulator-cdn.test.ts; faults and the core's HttpClient: emulator-faults.test.ts.)
// Time-dependent behaviour runs on a ManualClock: no waiting, no timed assertions.
import assert from 'node:assert/strict';
import { imgix } from '../../src/core/providers/imgix';
import {
  DEFAULT_IMAGEKIT_TEST_KEY,
  DEFAULT_IMGIX_TEST_KEY,
  isLoopbackBindHost,
  startEmulator,
  type ManualClock,
} from '../../src/emulator';
import {
  asset,
  basic,
  call,
  control,
  emulatorFixture,
  IK_AUTH,
  ikPurge,
  ikStatus,
  IX_AUTH,
  ixPurge,
  sleep,
} from './emulator-helpers';

describe('emulator', function () {
  this.timeout(30_000);
  const fx = emulatorFixture();
  const start = fx.start;
  let clock: ManualClock;
  beforeEach(() => {
    clock = fx.clock;
  });

  describe('startEmulator', () => {
    it('listens on 127.0.0.1 on a free port by default and answers GET /_emulator/info', async () => {
      const e = await start();
      assert.match(e.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.ok(e.port > 0);
      const res = await control(e.url, 'GET', 'info');
      assert.equal(res.status, 200);
      assert.equal(res.json.port, e.port);
      assert.equal(res.json.imagekit.purge, 'POST /v1/files/purge');
      assert.equal(res.json.imagekit.status, 'GET /v1/files/purge/{requestId}');
      assert.equal(res.json.imgix.purge, 'POST /api/v1/purge');
      assert.deepEqual(res.json.keys, { imagekit: 'default', imgix: 'default' });
      assert.equal(res.json.imagekit.testKey, DEFAULT_IMAGEKIT_TEST_KEY);
      assert.equal(res.json.imgix.testKey, DEFAULT_IMGIX_TEST_KEY);
      assert.equal(res.json.imagekit.quota.limit, 1000);
    });

    it('refuses to bind anything but loopback, with a clear error', async () => {
      for (const host of ['0.0.0.0', '::', '192.168.1.10', 'example.com']) {
        await assert.rejects(
          startEmulator({ host }),
          (e: Error) => /loopback only/.test(e.message) && e.message.includes(host),
        );
      }
      assert.ok(isLoopbackBindHost('::1') && isLoopbackBindHost('localhost') && isLoopbackBindHost('127.0.0.2'));
      assert.ok(!isLoopbackBindHost('127.example.com'));
    });

    it('refuses bad options, and never puts a key in the message', async () => {
      await assert.rejects(startEmulator({ quota: -1 }), /quota must be a whole number/);
      await assert.rejects(startEmulator({ rate: 1.5 }), /rate must be a whole number/);
      await assert.rejects(startEmulator({ imagekitEndpoints: ['not a url'] }), /ImageKit endpoint/);
      await assert.rejects(
        startEmulator({ imagekitKey: 'secret:with-colon' }),
        (e: Error) => /":"/.test(e.message) && !e.message.includes('secret'),
      );
      await assert.rejects(
        startEmulator({ imgixKey: 'has space' }),
        (e: Error) => /spaces/.test(e.message) && !e.message.includes('has space'),
      );
    });

    it('a port in use gives a clear error', async () => {
      const e = await start();
      await assert.rejects(startEmulator({ port: e.port }), /already in use/);
    });

    it('never shows a custom key in its info', async () => {
      const e = await start({ imagekitKey: 'ik_custom_secret_1234', imgixKey: 'ix_custom_secret_5678' });
      const res = await control(e.url, 'GET', 'info');
      assert.deepEqual(res.json.keys, { imagekit: 'custom', imgix: 'custom' });
      assert.equal(res.json.imagekit.testKey, undefined);
      assert.ok(!res.text.includes('custom_secret'), res.text);
    });

    it('close() drops connections, can be called twice, and the port stops answering', async () => {
      const e = await start();
      await control(e.url, 'GET', 'info');
      await e.close();
      await e.close();
      await assert.rejects(control(e.url, 'GET', 'info'), /ECONNREFUSED|other side closed|SocketError/);
    });

    it('refuses requests addressed to a non-loopback Host (DNS rebinding)', async () => {
      const e = await start();
      const res = await call(e.url, 'GET', '/_emulator/info', { headers: { host: 'evil.example.com' } });
      assert.equal(res.status, 403);
      assert.match(res.json.error, /loopback/);
    });

    it('unknown paths get 404 with the endpoints listed', async () => {
      const e = await start();
      const res = await call(e.url, 'GET', '/v2/nothing');
      assert.equal(res.status, 404);
      assert.match(res.json.error, /\/v1\/files\/purge/);
    });
  });

  describe('ImageKit API', () => {
    it('POST /v1/files/purge: 201 {requestId}, ids from a counter (24 hex digits)', async () => {
      const e = await start();
      const a = await ikPurge(e.url, 'https://ik.imagekit.io/demo/a.jpg');
      const b = await ikPurge(e.url, 'https://ik.imagekit.io/demo/b.jpg');
      assert.equal(a.status, 201);
      assert.deepEqual(a.json, { requestId: '000000000000000000000001' });
      assert.deepEqual(b.json, { requestId: '000000000000000000000002' });
      assert.match(String(a.headers['content-type']), /^application\/json/);
    });

    it('checks Basic base64(key + ":"): missing and wrong keys get 401 {message, help}', async () => {
      const e = await start();
      const url = 'https://ik.imagekit.io/demo/a.jpg';
      const missing = await ikPurge(e.url, url, null);
      assert.equal(missing.status, 401);
      assert.equal(missing.json.message, 'Your request does not contain private API key.');
      assert.equal(typeof missing.json.help, 'string');
      for (const bad of [
        basic('wrong_key'),
        `Bearer ${DEFAULT_IMAGEKIT_TEST_KEY}`,
        `Basic ${Buffer.from(DEFAULT_IMAGEKIT_TEST_KEY).toString('base64')}`,
        'Basic !!!',
      ]) {
        const res = await ikPurge(e.url, url, bad);
        assert.equal(res.status, 401, bad);
        assert.equal(res.json.message, 'Your account cannot be authenticated.');
        assert.equal(typeof res.json.help, 'string');
      }
      // The password part is ignored (the official SDK sends "key:do_not_set"), the user name must be the key.
      assert.equal((await ikPurge(e.url, url, basic(DEFAULT_IMAGEKIT_TEST_KEY, 'do_not_set'))).status, 201);
      assert.equal((await ikPurge(e.url, url, IK_AUTH)).status, 201);
    });

    it('accepts the key it was given, and then refuses the default test key', async () => {
      const e = await start({ imagekitKey: 'private_given_key_42' });
      assert.equal(
        (await ikPurge(e.url, 'https://ik.imagekit.io/demo/a.jpg', basic('private_given_key_42'))).status,
        201,
      );
      assert.equal((await ikPurge(e.url, 'https://ik.imagekit.io/demo/a.jpg', IK_AUTH)).status, 401);
    });

    it('400 {message, help} for a wrong Content-Type, a body that is not JSON, or no url', async () => {
      const e = await start();
      const post = (headers: Record<string, string>, body: string) =>
        call(e.url, 'POST', '/v1/files/purge', { headers: { authorization: IK_AUTH, ...headers }, body });
      const wrongType = await post({ 'content-type': 'text/plain' }, '{"url":"https://ik.imagekit.io/demo/a.jpg"}');
      assert.equal(wrongType.status, 400);
      assert.match(wrongType.json.message, /Content-Type must be application\/json/);
      const notJson = await post({ 'content-type': 'application/json' }, '{"url":');
      assert.equal(notJson.status, 400);
      assert.match(notJson.json.message, /not valid JSON/);
      const noUrl = await post({ 'content-type': 'application/json' }, '{"path":"/a.jpg"}');
      assert.equal(noUrl.status, 400);
      assert.match(noUrl.json.message, /Missing url/);
      for (const r of [wrongType, notJson, noUrl]) assert.equal(typeof r.json.help, 'string');
      // charset parameters are fine
      assert.equal(
        (
          await post(
            { 'content-type': 'application/json; charset=utf-8' },
            '{"url":"https://ik.imagekit.io/demo/a.jpg"}',
          )
        ).status,
        201,
      );
    });

    it("judges URLs as the seed's rules say: a literal table, not the core's checker", async () => {
      // Each row is the "Purge cache API" document's own example or rule: [url, expected status, expected code].
      const e = await start({ rate: 0 });
      const ID = 'https://ik.imagekit.io/your_imagekit_id';
      const table: Array<[string, 201 | 400, string | null]> = [
        [`${ID}/default-image.jpg`, 201, null], // the curl example
        [`${ID}/default-image.jpg?tr=w-300`, 201, null], // "the exact URL": transformations included
        [`${ID}/images/upload*`, 201, null], // "the path /images/upload* is valid"
        [`${ID}/images*`, 400, 'wildcard-too-broad'], // "but /images* is not"
        [`${ID}/LEVEL_1/LEVEL_2*`, 201, null], // two levels of nesting
        [`${ID}/LEVEL_1*`, 400, 'wildcard-too-broad'], // one level, 7 characters
        [`${ID}/FIFTEEN_CHARACTERS*`, 201, null], // at least 15 characters
        [`${ID}/abcdefghijklmno*`, 201, null], // exactly 15
        [`${ID}/abcdefghijklmn*`, 400, 'wildcard-too-broad'], // 14
        [`${ID}/sample.jpg*`, 201, null], // "/sample.jpg* is valid" (a complete file path)
        [`${ID}/FILE.EXT*`, 201, null], // the rule's own example
        [`${ID}/folder/*/sample.jpg`, 400, 'wildcard-not-at-end'], // "an invalid path"
        [`${ID}/media/catalog/*`, 400, 'wildcard-path-unsupported'], // "unconditionally not supported"
        [`${ID}/s/files/*`, 400, 'wildcard-path-unsupported'],
        [`${ID}/images/upload*?tr=w-100`, 400, 'wildcard-query'], // "the wildcard can only be appended at the end"
        [ID, 400, 'empty-path'], // not a file
        ['https://ik.imagekit.io/', 400, 'not-under-endpoint'], // no imagekitId
        ['https://images.example.com/a.jpg', 400, 'not-under-endpoint'], // not an ImageKit endpoint
        ['ftp://ik.imagekit.io/your_imagekit_id/a.jpg', 400, 'not-http'],
      ];
      for (const [url, status, code] of table) {
        const res = await ikPurge(e.url, url);
        assert.equal(res.status, status, `${url}: ${res.text}`);
        if (code) assert.match(res.json.help, new RegExp(`#${code}$`), url);
        else assert.match(res.json.requestId, /^[0-9a-f]{24}$/, url);
      }
      // "excluding your imagekitId and URL pattern": with a URL pattern, the levels are counted after it.
      const withPattern = await start({ rate: 0, imagekitEndpoints: [`${ID}/PATTERN`] });
      for (const [url, status] of [
        [`${ID}/PATTERN/LEVEL_1*`, 400],
        [`${ID}/PATTERN/LEVEL_1/LEVEL_2*`, 201],
        [`${ID}/PATTERN/FIFTEEN_CHARACTERS*`, 201],
        [`${ID}/PATTERN/FILE.EXT*`, 201],
      ] as const)
        assert.equal((await ikPurge(withPattern.url, url)).status, status, url);
    });

    it('uses the configured endpoints (custom domains) like the core does', async () => {
      const e = await start({ imagekitEndpoints: ['https://images.example.com'] });
      assert.equal((await ikPurge(e.url, 'https://images.example.com/products/a.jpg')).status, 201);
      const other = await ikPurge(e.url, 'https://other.example.com/a.jpg');
      assert.equal(other.status, 400);
      assert.match(other.json.message, /not under a configured ImageKit endpoint/);
    });

    it("a body over 1 MiB gets 413 in the provider's shape", async () => {
      const e = await start();
      const big = JSON.stringify({ url: `https://ik.imagekit.io/demo/${'a'.repeat(1024 * 1024)}.jpg` });
      const res = await call(e.url, 'POST', '/v1/files/purge', {
        headers: { authorization: IK_AUTH, 'content-type': 'application/json' },
        body: big,
      });
      assert.equal(res.status, 413);
      assert.match(res.json.message, /larger than 1 MiB/);
      assert.equal((await ikPurge(e.url, 'https://ik.imagekit.io/demo/a.jpg')).status, 201, 'the emulator carries on');
    });

    it('refuses a URL that is not percent-encoded, and says what to send', async () => {
      const e = await start();
      const res = await ikPurge(e.url, 'https://ik.imagekit.io/demo/my image.jpg');
      assert.equal(res.status, 400);
      assert.match(res.json.message, /https:\/\/ik\.imagekit\.io\/demo\/my%20image\.jpg/);
    });

    it('refuses what the core would have rewritten: no scheme, a #fragment', async () => {
      const e = await start();
      for (const url of ['ik.imagekit.io/demo/a.jpg', 'https://ik.imagekit.io/demo/a.jpg#top']) {
        const res = await ikPurge(e.url, url);
        assert.equal(res.status, 400, url);
        assert.match(res.json.message, /Send https:\/\/ik\.imagekit\.io\/demo\/a\.jpg\./, url);
      }
      assert.equal((await ikPurge(e.url, 'https://ik.imagekit.io/demo/a.jpg')).status, 201);
    });

    it('GET /v1/files/purge/{requestId}: Pending until the status delay has passed, then Completed', async () => {
      const e = await start({ statusDelayMs: 5000 });
      const { json } = await ikPurge(e.url, 'https://ik.imagekit.io/demo/a.jpg');
      const first = await ikStatus(e.url, json.requestId);
      assert.equal(first.status, 200);
      assert.deepEqual(first.json, { status: 'Pending' });
      clock.advance(4999);
      assert.deepEqual((await ikStatus(e.url, json.requestId)).json, { status: 'Pending' });
      clock.advance(1);
      assert.deepEqual((await ikStatus(e.url, json.requestId)).json, { status: 'Completed' });
    });

    it('status: unknown id 404, no key 401, wrong method 405', async () => {
      const e = await start();
      const unknown = await ikStatus(e.url, '0123456789abcdef01234567');
      assert.equal(unknown.status, 404);
      assert.equal(typeof unknown.json.message, 'string');
      assert.equal(typeof unknown.json.help, 'string');
      const { json } = await ikPurge(e.url, 'https://ik.imagekit.io/demo/a.jpg');
      assert.equal((await ikStatus(e.url, json.requestId, null)).status, 401);
      assert.equal((await ikStatus(e.url, json.requestId, basic('nope'))).status, 401);
      const post = await call(e.url, 'POST', `/v1/files/purge/${json.requestId}`, {
        headers: { authorization: IK_AUTH },
      });
      assert.equal(post.status, 405);
      assert.equal(post.headers.allow, 'GET');
      const get = await call(e.url, 'GET', '/v1/files/purge', { headers: { authorization: IK_AUTH } });
      assert.equal(get.status, 405);
    });

    it('quota: past N purges a month, 429 {message, help} whose X-RateLimit-* (ms, as documented) describe the month', async () => {
      const e = await start({ quota: 2 });
      assert.equal((await ikPurge(e.url, 'https://ik.imagekit.io/demo/1.jpg')).status, 201);
      assert.equal(
        (await ikPurge(e.url, 'https://ik.imagekit.io/demo/images*')).status,
        400,
        'a refused purge does not count',
      );
      assert.equal((await ikPurge(e.url, 'https://ik.imagekit.io/demo/2.jpg')).status, 201);
      const over = await ikPurge(e.url, 'https://ik.imagekit.io/demo/3.jpg');
      assert.equal(over.status, 429);
      assert.match(over.json.message, /Monthly purge limit reached.*all 2 purge requests of 2025-01/);
      assert.match(over.json.help, /at most 2 purge requests in a month/);
      const nextMonth = Date.UTC(2025, 1, 1);
      assert.equal(
        over.headers['x-ratelimit-reset'],
        String(nextMonth - clock.now()),
        'milliseconds to the next month',
      );
      assert.equal(over.headers['x-ratelimit-interval'], String(nextMonth - Date.UTC(2025, 0, 1)), 'the month, in ms');
      assert.equal(over.headers['x-ratelimit-limit'], '2');
      assert.equal(over.headers['retry-after'], undefined, 'ImageKit documents no Retry-After');
      assert.equal((await control(e.url, 'GET', 'info')).json.imagekit.quota.used, 2);
      clock.set(nextMonth);
      assert.equal((await ikPurge(e.url, 'https://ik.imagekit.io/demo/3.jpg')).status, 201, 'a new month, a new quota');
    });

    it('with a seed, ids are random-looking but reproducible; without one, a counter', async () => {
      const ids = async (seed?: number) => {
        const e = await start(seed === undefined ? {} : { seed });
        const out: string[] = [];
        for (let i = 0; i < 3; i++)
          out.push((await ikPurge(e.url, `https://ik.imagekit.io/demo/${i}.jpg`)).json.requestId);
        return out;
      };
      const a = await ids(42);
      const b = await ids(42);
      const c = await ids(43);
      assert.deepEqual(a, b);
      assert.notDeepEqual(a, c);
      for (const id of [...a, ...c]) assert.match(id, /^[0-9a-f]{24}$/);
      assert.equal(new Set(a).size, 3);
      assert.deepEqual(await ids(), [
        '000000000000000000000001',
        '000000000000000000000002',
        '000000000000000000000003',
      ]);
    });
  });

  describe('imgix API', () => {
    it('POST /api/v1/purge: 200 with the JSON:API purge document', async () => {
      const e = await start();
      const res = await ixPurge(e.url, 'https://assets.imgix.net/dogs.png');
      assert.equal(res.status, 200);
      assert.match(String(res.headers['content-type']), /^application\/vnd\.api\+json/);
      assert.deepEqual(res.json, {
        data: {
          type: 'purges',
          id: '000000000000000000000001',
          attributes: { url: 'https://assets.imgix.net/dogs.png' },
        },
        jsonapi: { version: '1.0' },
      });
    });

    it('checks Authorization: Bearer; missing or wrong gets 401 {errors:[{status,title,detail}]}', async () => {
      const e = await start();
      for (const auth of [null, 'Bearer wrong_key', basic(DEFAULT_IMGIX_TEST_KEY), DEFAULT_IMGIX_TEST_KEY]) {
        const res = await ixPurge(e.url, 'https://assets.imgix.net/dogs.png', {}, auth);
        assert.equal(res.status, 401, String(auth));
        assert.equal(res.json.errors.length, 1);
        assert.deepEqual(
          Object.keys(res.json.errors[0]).sort(),
          ['detail', 'id', 'status', 'title'],
          'JSON:API error objects with the documented id',
        );
        assert.equal(res.json.errors[0].status, '401');
        assert.equal(res.json.errors[0].title, 'Unauthorized');
      }
    });

    it('415 for a Content-Type other than application/vnd.api+json; 400 for a body that is not a purge document', async () => {
      const e = await start();
      const post = (contentType: string, body: string) =>
        call(e.url, 'POST', '/api/v1/purge', {
          headers: { authorization: IX_AUTH, 'content-type': contentType },
          body,
        });
      const good = JSON.stringify({
        data: { type: 'purges', attributes: { url: 'https://assets.imgix.net/dogs.png' } },
      });
      const json = await post('application/json', good);
      assert.equal(json.status, 415);
      assert.match(json.json.errors[0].detail, /application\/vnd\.api\+json/);
      for (const [body, pointer] of [
        ['{"data":', undefined],
        ['{"url":"https://assets.imgix.net/dogs.png"}', '/data'],
        ['{"data":{"type":"purge","attributes":{"url":"https://assets.imgix.net/dogs.png"}}}', '/data/type'],
        ['{"data":{"type":"purges"}}', '/data/attributes'],
        ['{"data":{"type":"purges","attributes":{"url":""}}}', '/data/attributes/url'],
      ] as const) {
        const res = await post('application/vnd.api+json', body);
        assert.equal(res.status, 400, body);
        assert.equal(res.json.errors[0].status, '400');
        if (pointer) assert.equal(res.json.errors[0].source.pointer, pointer);
      }
    });

    it("judges URLs as the seed's rules say: base path without parameters, percent-encoded, exact; a literal table", async () => {
      // Each row from "Purging Assets": [url, expected status, the code of the refusal].
      const e = await start({ rate: 0 });
      const table: Array<[string, 200 | 422, string | null]> = [
        ['https://assets.imgix.net/dogs.png', 200, null], // "removes the asset (e.g. https://assets.imgix.net/dogs.png)"
        ['https://assets.imgix.net/dogs.png?w=400', 422, 'imgix-query-dropped'], // "just the base path ... no parameters"
        ['https://assets.imgix.net/examples/couple.jpg', 200, null], // the Python example
        ['https://assets.imgix.net/image%20file.png', 200, null], // "should be changed to: ...image%20file.png"
        ['https://assets.imgix.net/image file.png', 422, 'url-encoded'], // "make sure to encode unsafe ASCII characters"
        ['https://assets.imgix.net/image+file.png', 200, null], // a different path, purged as it is ("exact path")
        ['https://assets.imgix.net/dogs.png#x', 422, 'imgix-query-dropped'], // no fragment either
        ['https://assets.imgix.net/dogs/*', 422, 'imgix-no-wildcard'], // our reading: no wildcard purge (README)
        ['https://assets.imgix.net/', 422, 'empty-path'],
        ['https://assets.imgix.net/clip.mp4', 200, null], // the Video API: answered like any other (not purged)
      ];
      for (const [url, status, code] of table) {
        const res = await ixPurge(e.url, url);
        assert.equal(res.status, status, `${url}: ${res.text}`);
        if (code)
          assert.ok(
            res.json.errors.some((x: { code: string }) => x.code === code),
            `${url}: ${res.text}`,
          );
        else assert.equal(res.json.data.attributes.url, url);
      }
      const q = await ixPurge(e.url, 'https://assets.imgix.net/dogs.png?w=400');
      assert.match(q.json.errors[0].detail, /Send https:\/\/assets\.imgix\.net\/dogs\.png\./);
    });

    it('sub-images: sub_image true needs a valid source_id (422), and is accepted with one', async () => {
      const e = await start();
      const no = await ixPurge(e.url, 'https://assets.imgix.net/mark.png', { sub_image: true });
      assert.equal(no.status, 422);
      assert.equal(no.json.errors[0].code, 'imgix-sub-image-needs-source-id');
      assert.equal(no.json.errors[0].source.pointer, '/data/attributes/sub_image');
      const bad = await ixPurge(e.url, 'https://assets.imgix.net/mark.png', { sub_image: true, source_id: 'xyz' });
      assert.equal(bad.status, 422);
      assert.equal(bad.json.errors[0].code, 'imgix-invalid-source-id');
      const notBool = await ixPurge(e.url, 'https://assets.imgix.net/mark.png', { sub_image: 'yes' });
      assert.equal(notBool.status, 422);
      const ok = await ixPurge(e.url, 'https://assets.imgix.net/mark.png', {
        sub_image: true,
        source_id: '5ebee107e9c05c0001d9c2d3',
      });
      assert.equal(ok.status, 200);
      assert.deepEqual(ok.json.data.attributes, {
        url: 'https://assets.imgix.net/mark.png',
        sub_image: true,
        source_id: '5ebee107e9c05c0001d9c2d3',
      });
    });

    it('the same URL again within 10 seconds gets 409; after the window, or another URL, 200', async () => {
      const e = await start();
      assert.equal((await ixPurge(e.url, 'https://assets.imgix.net/dogs.png')).status, 200);
      clock.advance(9_999);
      const dup = await ixPurge(e.url, 'https://assets.imgix.net/dogs.png');
      assert.equal(dup.status, 409);
      assert.equal(dup.json.errors[0].status, '409');
      assert.match(dup.json.errors[0].detail, /less than 10 seconds ago/);
      assert.equal((await ixPurge(e.url, 'https://assets.imgix.net/cats.png')).status, 200);
      clock.advance(1);
      assert.equal((await ixPurge(e.url, 'https://assets.imgix.net/dogs.png')).status, 200);
    });

    it('the core adapter reads the emulator answers: accepted with an id, 409 as duplicate, 401 as failed', async () => {
      const e = await start();
      const first = await ixPurge(e.url, 'https://assets.imgix.net/dogs.png');
      assert.equal(first.headers['content-type'], 'application/vnd.api+json');
      const ok = imgix.parsePurge(200, first.text, first.headers);
      assert.deepEqual([ok.ok, ok.status, ok.requestId], [true, 'accepted', '000000000000000000000001']);
      const again = await ixPurge(e.url, 'https://assets.imgix.net/dogs.png');
      const dup = imgix.parsePurge(409, again.text, again.headers);
      assert.equal(dup.status, 'duplicate');
      const refused = await ixPurge(e.url, 'https://assets.imgix.net/x.png', {}, 'Bearer nope');
      const denied = imgix.parsePurge(401, refused.text, refused.headers);
      assert.equal(denied.status, 'failed');
      assert.match(denied.message ?? '', /^Unauthorized: /);
    });
  });

  describe('rate limits as documented (--imagekit-rate, --imgix-rate, --rate)', () => {
    it('ImageKit: every answer (201, 200, 401, 404, 429) carries X-RateLimit-Limit, -Interval and -Reset in ms, and an x-ik-requestId', async () => {
      const e = await start({ imagekitRate: 3, imagekitRateIntervalMs: 2000 });
      clock.set(Date.UTC(2025, 0, 15, 12, 0, 0) + 500); // 500 ms into a 2000 ms window
      const answers = [
        await ikPurge(e.url, 'https://ik.imagekit.io/demo/1.jpg'),
        await ikPurge(e.url, 'https://ik.imagekit.io/demo/2.jpg', null),
        await ikPurge(e.url, 'https://ik.imagekit.io/demo/3.jpg'),
      ];
      const status = await ikStatus(e.url, answers[0].json.requestId);
      const missing = await ikStatus(e.url, 'ffffffffffffffffffffffff');
      const limited = await ikPurge(e.url, 'https://ik.imagekit.io/demo/4.jpg');
      assert.deepEqual(
        [...answers, status, missing, limited].map((r) => r.status),
        [201, 401, 201, 200, 404, 429],
      );
      const ids = new Set<string>();
      for (const r of [...answers, status, missing, limited]) {
        assert.equal(r.headers['x-ratelimit-limit'], '3');
        assert.equal(r.headers['x-ratelimit-interval'], '2000');
        assert.equal(r.headers['x-ratelimit-reset'], '1500', 'ms to the end of the window');
        assert.match(
          String(r.headers['x-ik-requestid']),
          /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
        );
        ids.add(String(r.headers['x-ik-requestid']));
      }
      assert.equal(ids.size, 6, 'one support id per answer');
      assert.equal(limited.headers['retry-after'], undefined, 'ImageKit documents X-RateLimit-Reset, not Retry-After');
      assert.match(limited.json.message, /Too many requests/);
      assert.equal(typeof limited.json.help, 'string');
      // the status endpoint has its own counter
      assert.equal(status.status, 200);
      clock.advance(1500);
      assert.equal((await ikPurge(e.url, 'https://ik.imagekit.io/demo/4.jpg')).status, 201, 'a new window');
    });

    it('imgix: 10 purges a second by default (documented), then 429 in JSON:API with an error id and no rate headers', async () => {
      const e = await start({ imagekitRate: 0 });
      for (let i = 0; i < 10; i++)
        assert.equal((await ixPurge(e.url, `https://assets.imgix.net/${i}.png`)).status, 200);
      const ix = await ixPurge(e.url, 'https://assets.imgix.net/10.png');
      assert.equal(ix.status, 429);
      assert.equal(ix.json.errors[0].status, '429');
      assert.match(ix.json.errors[0].id, /^[0-9a-f-]{36}$/);
      assert.equal(ix.headers['retry-after'], undefined);
      assert.equal(ix.headers['x-ratelimit-limit'], undefined);
      // ImageKit unlimited: no rate headers at all (no limit to describe)
      const ik = await ikPurge(e.url, 'https://ik.imagekit.io/demo/1.jpg');
      assert.equal(ik.headers['x-ratelimit-limit'], undefined);
      assert.ok(ik.headers['x-ik-requestid']);
      // the CDN and the control API are not limited
      assert.equal((await asset(e.url, 'https://ik.imagekit.io/demo/1.jpg')).status, 200);
      assert.equal((await control(e.url, 'GET', 'info')).status, 200);
      assert.deepEqual((await control(e.url, 'GET', 'info')).json.rate, {
        imagekit: { limit: 0, intervalMs: 1000 },
        imgix: { limit: 10, intervalMs: 1000 },
      });
      clock.advance(1000);
      assert.equal((await ixPurge(e.url, 'https://assets.imgix.net/10.png')).status, 200);
    });

    it('--rate sets both; 0 is unlimited', async () => {
      const e = await start({ rate: 0 });
      for (let i = 0; i < 15; i++)
        assert.equal((await ixPurge(e.url, `https://assets.imgix.net/${i}.png`)).status, 200);
      const two = await start({ rate: 2 });
      assert.equal((await ikPurge(two.url, 'https://ik.imagekit.io/demo/1.jpg')).headers['x-ratelimit-limit'], '2');
      await ixPurge(two.url, 'https://assets.imgix.net/a.png');
      await ixPurge(two.url, 'https://assets.imgix.net/b.png');
      assert.equal((await ixPurge(two.url, 'https://assets.imgix.net/c.png')).status, 429);
    });
  });

  describe('latency (--latency)', () => {
    it('many requests held at once share one listener on the closing signal (no MaxListenersExceededWarning)', async () => {
      const warnings: Error[] = [];
      const onWarning = (w: Error) => warnings.push(w);
      process.on('warning', onWarning);
      try {
        const e = await start({ latencyMs: 30, rate: 0 });
        const all = await Promise.all(
          Array.from({ length: 25 }, (_, i) => ikPurge(e.url, `https://ik.imagekit.io/demo/held-${i}.jpg`)),
        );
        assert.ok(all.every((r) => r.status === 201));
        await sleep(20);
        assert.deepEqual(
          warnings.filter((w) => w.name === 'MaxListenersExceededWarning').map((w) => w.message),
          [],
        );
      } finally {
        process.off('warning', onWarning);
      }
    });

    it('holds every API and CDN response (a short client timeout fires), not the control API', async () => {
      const e = await start({ latencyMs: 60_000 });
      await assert.rejects(
        call(e.url, 'POST', '/v1/files/purge', {
          headers: { authorization: IK_AUTH, 'content-type': 'application/json' },
          body: { url: 'https://ik.imagekit.io/demo/a.jpg' },
          headersTimeout: 300,
        }),
        /Headers Timeout|UND_ERR_HEADERS_TIMEOUT/,
      );
      await assert.rejects(
        call(e.url, 'GET', '/cdn/ik.imagekit.io/demo/a.jpg', { headersTimeout: 300 }),
        /Headers Timeout|UND_ERR_HEADERS_TIMEOUT/,
      );
      assert.equal((await control(e.url, 'GET', 'info')).json.latencyMs, 60_000);
    });
  });
});
