// The emulator checked by clients we did not write: the official SDKs (imagekit 6, @imagekit/nodejs 7,
// imgix-management-js) run against it, each asserting that the SDK parses our answers as it would the real
// API's: the fields its types promise, the error class it picks for a status, the rate-limit numbers it reads.
// The SDKs with a hard-coded host are redirected to the emulator on loopback (imagekit 6: an axios request
// interceptor on the axios it loads; imgix-management-js: its fetch wrapper); nothing leaves 127.0.0.1.
import assert from 'node:assert/strict';
import path from 'node:path';
import ImageKitNode, { AuthenticationError, NotFoundError, RateLimitError } from '@imagekit/nodejs';
import { DEFAULT_IMAGEKIT_TEST_KEY, DEFAULT_IMGIX_TEST_KEY, type Emulator } from '../../src/emulator';
import { control, emulatorFixture } from './emulator-helpers';

/* eslint-disable @typescript-eslint/no-require-imports */
type V6Result = Record<string, unknown> & {
  $ResponseMetadata?: { statusCode: number; headers: Record<string, string> };
};
interface ImageKitV6 {
  purgeCache(url: string): Promise<V6Result>;
  getPurgeCacheStatus(requestId: string): Promise<V6Result>;
}
const ImageKitV6Class = require('imagekit') as new (o: {
  publicKey: string;
  privateKey: string;
  urlEndpoint: string;
}) => ImageKitV6;
// The axios instance imagekit 6 itself requires (resolved from its own folder).
const axios = require(require.resolve('axios', { paths: [path.dirname(require.resolve('imagekit'))] })) as {
  interceptors: { request: { use(f: (c: { url?: string }) => { url?: string }): number; eject(id: number): void } };
};

interface ImgixApiError extends Error {
  status: number | string;
  response: { errors?: Array<Record<string, string>> } | string | null;
}
const ImgixAPI = require('imgix-management-js') as new (o: { apiKey: string }) => {
  request(path: string, o?: { method?: string; body?: unknown }): Promise<Record<string, any>>;
};
const imgixFetch = require('imgix-management-js/src/fetch-wrapper') as {
  fetch: (url: string, init: unknown) => Promise<unknown>;
};

const IK_HOST = 'https://api.imagekit.io';
const IX_HOST = 'https://api.imgix.com';

async function rejection<T = unknown>(p: Promise<unknown>): Promise<T> {
  try {
    await p;
  } catch (e) {
    return e as T;
  }
  assert.fail('expected the SDK call to reject');
}

describe('official SDKs against the emulator', function () {
  this.timeout(20_000);
  const fx = emulatorFixture();
  let emu: Emulator;
  let interceptor: number | undefined;
  const realFetch = imgixFetch.fetch;
  const redirectTo = (base: string) => {
    interceptor = axios.interceptors.request.use((c) => ({
      ...c,
      url: c.url?.startsWith(IK_HOST) ? base + c.url.slice(IK_HOST.length) : c.url,
    }));
    imgixFetch.fetch = (url, init) => {
      assert.ok(url.startsWith(IX_HOST), `imgix-management-js asked for ${url}`);
      return realFetch(base + url.slice(IX_HOST.length), init);
    };
  };
  afterEach(() => {
    if (interceptor !== undefined) axios.interceptors.request.eject(interceptor);
    interceptor = undefined;
    imgixFetch.fetch = realFetch;
  });

  describe('imagekit 6 (axios, host hard-coded)', () => {
    const sdk = (key = DEFAULT_IMAGEKIT_TEST_KEY) =>
      new ImageKitV6Class({
        publicKey: 'public_emulator',
        privateKey: key,
        urlEndpoint: 'https://ik.imagekit.io/demo',
      });

    it('purgeCache: 201 {requestId}; getPurgeCacheStatus: Pending, then Completed; headers reach $ResponseMetadata', async () => {
      emu = await fx.start({ statusDelayMs: 1000 });
      redirectTo(emu.url);
      const purge = await sdk().purgeCache('https://ik.imagekit.io/demo/sdk-v6.jpg');
      assert.equal(typeof purge.requestId, 'string');
      assert.equal(purge.$ResponseMetadata?.statusCode, 201);
      assert.match(purge.$ResponseMetadata?.headers['x-ik-requestid'] ?? '', /^[0-9a-f-]{36}$/);
      const pending = await sdk().getPurgeCacheStatus(String(purge.requestId));
      assert.equal(pending.status, 'Pending');
      fx.clock.advance(1000);
      const done = await sdk().getPurgeCacheStatus(String(purge.requestId));
      assert.equal(done.status, 'Completed');
      const log = (await control(emu.url, 'GET', 'requests?provider=imagekit')).json.requests;
      assert.ok(
        log.every((r: { auth: string }) => r.auth === 'valid'),
        'Basic base64(key + ":") as the SDK sends it',
      );
    });

    it('a wrong key: rejects with {message, help} and statusCode 401; an unknown id: 404', async () => {
      emu = await fx.start();
      redirectTo(emu.url);
      const e = await rejection<V6Result>(sdk('private_wrong').purgeCache('https://ik.imagekit.io/demo/a.jpg'));
      assert.equal(e.$ResponseMetadata?.statusCode, 401);
      assert.equal(typeof e.message, 'string');
      assert.equal(typeof e.help, 'string');
      const missing = await rejection<V6Result>(sdk().getPurgeCacheStatus('ffffffffffffffffffffffff'));
      assert.equal(missing.$ResponseMetadata?.statusCode, 404);
    });

    it('rate limited: the SDK reads X-RateLimit-Limit, -Reset and -Interval as numbers; Reset is milliseconds within the interval', async () => {
      emu = await fx.start({ imagekitRate: 2, imagekitRateIntervalMs: 1000 });
      redirectTo(emu.url);
      await sdk().purgeCache('https://ik.imagekit.io/demo/r1.jpg');
      await sdk().purgeCache('https://ik.imagekit.io/demo/r2.jpg');
      const e = await rejection<V6Result>(sdk().purgeCache('https://ik.imagekit.io/demo/r3.jpg'));
      assert.equal(e.$ResponseMetadata?.statusCode, 429);
      assert.equal(e['X-RateLimit-Limit'], 2);
      assert.equal(e['X-RateLimit-Interval'], 1000);
      const reset = e['X-RateLimit-Reset'] as number;
      assert.ok(
        Number.isInteger(reset) && reset >= 0 && reset <= 1000,
        `X-RateLimit-Reset ${reset} ms: never epoch seconds`,
      );
    });

    it('a wildcard the rules refuse: 400 with the message and help the SDK passes on', async () => {
      emu = await fx.start();
      redirectTo(emu.url);
      const e = await rejection<V6Result>(sdk().purgeCache('https://ik.imagekit.io/demo/images*'));
      assert.equal(e.$ResponseMetadata?.statusCode, 400);
      assert.match(String(e.message), /too broad/);
    });
  });

  describe('@imagekit/nodejs 7 (fetch, baseURL)', () => {
    const sdk = (key = DEFAULT_IMAGEKIT_TEST_KEY, maxRetries = 0) =>
      new ImageKitNode({ privateKey: key, baseURL: emu.url, maxRetries });

    it('sends Basic base64(key:do_not_set), which the emulator accepts as the real API does; create, then get until Completed', async () => {
      emu = await fx.start({ statusDelayMs: 1000 });
      const { data, response } = await sdk()
        .cache.invalidation.create({ url: 'https://ik.imagekit.io/demo/sdk-v7.jpg' })
        .withResponse();
      assert.equal(response.status, 201);
      assert.equal(typeof data.requestId, 'string');
      assert.match(response.headers.get('x-ik-requestid') ?? '', /^[0-9a-f-]{36}$/);
      assert.equal((await sdk().cache.invalidation.get(String(data.requestId))).status, 'Pending');
      fx.clock.advance(1000);
      assert.equal((await sdk().cache.invalidation.get(String(data.requestId))).status, 'Completed');
      const log = (await control(emu.url, 'GET', 'requests?provider=imagekit')).json.requests;
      assert.deepEqual(
        log.map((r: { auth: string }) => r.auth),
        ['valid', 'valid', 'valid'],
      );
    });

    it('a wrong key is an AuthenticationError (401) carrying {message, help}; an unknown id a NotFoundError', async () => {
      emu = await fx.start();
      const e = await rejection(
        sdk('private_wrong').cache.invalidation.create({ url: 'https://ik.imagekit.io/demo/a.jpg' }),
      );
      assert.ok(e instanceof AuthenticationError, String(e));
      assert.equal(e.status, 401);
      assert.equal(typeof (e.error as { message?: unknown }).message, 'string');
      assert.ok((await rejection(sdk().cache.invalidation.get('ffffffffffffffffffffffff'))) instanceof NotFoundError);
    });

    it('rate limited: a RateLimitError (429) whose headers give the limit and the wait in ms', async () => {
      emu = await fx.start({ imagekitRate: 1, imagekitRateIntervalMs: 1000 });
      await sdk().cache.invalidation.create({ url: 'https://ik.imagekit.io/demo/r1.jpg' });
      const e = await rejection(sdk().cache.invalidation.create({ url: 'https://ik.imagekit.io/demo/r2.jpg' }));
      assert.ok(e instanceof RateLimitError, String(e));
      assert.equal(e.headers?.get('x-ratelimit-limit'), '1');
      assert.equal(e.headers?.get('x-ratelimit-interval'), '1000');
      const reset = Number(e.headers?.get('x-ratelimit-reset'));
      assert.ok(reset >= 0 && reset <= 1000, `reset ${reset}`);
    });
  });

  describe('imgix-management-js (node-fetch, host hard-coded)', () => {
    const api = (key = DEFAULT_IMGIX_TEST_KEY) => new ImgixAPI({ apiKey: key });
    const purge = (url: string, extra: Record<string, unknown> = {}, key?: string) =>
      api(key).request('purge', { method: 'POST', body: { data: { attributes: { url, ...extra }, type: 'purges' } } });

    it('purge: 200, a JSON:API document the SDK parses ({data: {type, id, attributes}})', async () => {
      emu = await fx.start();
      redirectTo(emu.url);
      const res = await purge('https://assets.imgix.net/sdk.png');
      assert.equal(res.data.type, 'purges');
      assert.equal(typeof res.data.id, 'string');
      assert.equal(res.data.attributes.url, 'https://assets.imgix.net/sdk.png');
      assert.deepEqual(res.jsonapi, { version: '1.0' });
    });

    it('the same URL again within seconds: an APIError 409 whose error object has status, title, detail and the id', async () => {
      emu = await fx.start();
      redirectTo(emu.url);
      await purge('https://assets.imgix.net/dup.png');
      const e = await rejection<ImgixApiError>(purge('https://assets.imgix.net/dup.png'));
      assert.equal(e.name, 'APIError');
      assert.equal(e.status, 409);
      assert.ok(typeof e.response === 'object' && e.response !== null);
      const err = (e.response as { errors: Array<Record<string, string>> }).errors[0];
      assert.equal(err.status, '409');
      assert.equal(err.title, 'Conflict');
      assert.equal(typeof err.detail, 'string');
      assert.match(err.id, /^[0-9a-f-]{36}$/);
    });

    it('sub-images: sub_image with a source_id is accepted and echoed; without one, 422', async () => {
      emu = await fx.start();
      redirectTo(emu.url);
      const ok = await purge('https://assets.imgix.net/mark.png', {
        sub_image: true,
        source_id: '5ebee107e9c05c0001d9c2d3',
      });
      assert.deepEqual(ok.data.attributes, {
        url: 'https://assets.imgix.net/mark.png',
        sub_image: true,
        source_id: '5ebee107e9c05c0001d9c2d3',
      });
      const e = await rejection<ImgixApiError>(purge('https://assets.imgix.net/mark2.png', { sub_image: true }));
      assert.equal(e.status, 422);
    });

    it('a wrong key: APIError 401; past 10 purges a second: APIError 429 in JSON:API', async () => {
      emu = await fx.start();
      redirectTo(emu.url);
      const denied = await rejection<ImgixApiError>(purge('https://assets.imgix.net/a.png', {}, 'wrong'));
      assert.equal(denied.status, 401);
      fx.clock.advance(1000); // a new one-second window
      for (let i = 0; i < 10; i++) await purge(`https://assets.imgix.net/burst-${i}.png`);
      const limited = await rejection<ImgixApiError>(purge('https://assets.imgix.net/burst-10.png'));
      assert.equal(limited.status, 429);
      assert.equal((limited.response as { errors: Array<Record<string, string>> }).errors[0].status, '429');
    });
  });
});
