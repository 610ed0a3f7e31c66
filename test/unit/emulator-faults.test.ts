// Injected faults (POST /_emulator/faults), over plain HTTP and through the core's HttpClient: retries on 5xx, 429
// and dropped connections, none on 400 and 401, a cut-off huge body, a malformed body, a timeout.
import assert from 'node:assert/strict';
import { imagekit } from '../../src/core/providers/imagekit';
import { HttpClient, HttpError } from '../../src/core/http';
import { DEFAULT_IMAGEKIT_TEST_KEY } from '../../src/emulator';
import { call, control, emulatorFixture, ikPurge, ixPurge } from './emulator-helpers';

describe('emulator faults', function () {
  this.timeout(30_000);
  const fx = emulatorFixture();

  describe('POST /_emulator/faults over HTTP', () => {
    it('status: any status, body and headers, for `count` matching requests, then normal answers', async () => {
      const e = await fx.start();
      const queued = await control(e.url, 'POST', 'faults', {
        kind: 'status',
        status: 503,
        body: { oops: true },
        headers: { 'x-test': 'yes' },
        count: 2,
      });
      assert.equal(queued.status, 201);
      assert.equal(queued.json.pending, 1);
      for (let i = 0; i < 2; i++) {
        const res = await ikPurge(e.url, 'https://ik.imagekit.io/demo/a.jpg');
        assert.equal(res.status, 503);
        assert.deepEqual(res.json, { oops: true });
        assert.equal(res.headers['x-test'], 'yes');
      }
      assert.equal((await ikPurge(e.url, 'https://ik.imagekit.io/demo/a.jpg')).status, 201);
      assert.deepEqual((await control(e.url, 'GET', 'faults')).json.faults, []);
    });

    it("without a body, a status fault answers in the provider's error shape", async () => {
      const e = await fx.start();
      await control(e.url, 'POST', 'faults', {
        faults: [
          { kind: 'status', status: 502 },
          { kind: 'status', status: 500 },
        ],
      });
      const ik = await ikPurge(e.url, 'https://ik.imagekit.io/demo/a.jpg');
      assert.equal(ik.status, 502);
      assert.match(ik.json.message, /Emulated fault: HTTP 502/);
      assert.equal(typeof ik.json.help, 'string');
      const ix = await ixPurge(e.url, 'https://assets.imgix.net/a.png');
      assert.equal(ix.status, 500);
      assert.deepEqual(Object.keys(ix.json.errors[0]).sort(), ['detail', 'id', 'status', 'title']);
      assert.equal(ix.json.errors[0].status, '500');
    });

    it('match by method, path and provider: other requests are not affected', async () => {
      const e = await fx.start();
      await control(e.url, 'POST', 'faults', {
        kind: 'status',
        status: 500,
        match: { method: 'post', path: '/api/v1/purge' },
      });
      assert.equal((await ikPurge(e.url, 'https://ik.imagekit.io/demo/a.jpg')).status, 201);
      assert.equal((await call(e.url, 'GET', '/api/v1/purge')).status, 405, 'GET does not match a POST fault');
      assert.equal((await ixPurge(e.url, 'https://assets.imgix.net/a.png')).status, 500);
      await control(e.url, 'POST', 'faults', { kind: 'status', status: 503, match: { provider: 'cdn' } });
      assert.equal((await ikPurge(e.url, 'https://ik.imagekit.io/demo/b.jpg')).status, 201);
      assert.equal((await call(e.url, 'GET', '/cdn/ik.imagekit.io/demo/b.jpg')).status, 503);
    });

    it('the control API is never faulted', async () => {
      const e = await fx.start();
      await control(e.url, 'POST', 'faults', { kind: 'status', status: 500 });
      assert.equal((await control(e.url, 'GET', 'info')).status, 200);
      assert.equal((await control(e.url, 'GET', 'faults')).json.faults.length, 1);
    });

    it('drop: the connection closes without a response', async () => {
      const e = await fx.start();
      await control(e.url, 'POST', 'faults', { kind: 'drop' });
      await assert.rejects(ikPurge(e.url, 'https://ik.imagekit.io/demo/a.jpg'), /other side closed|socket|ECONNRESET/i);
      const log = (await control(e.url, 'GET', 'requests')).json.requests;
      assert.equal(log.length, 1);
      assert.equal(log[0].status, null);
      assert.equal(log[0].fault, 'drop');
    });

    it('malformed: a JSON content type with a body that is not JSON', async () => {
      const e = await fx.start();
      await control(e.url, 'POST', 'faults', { kind: 'malformed', status: 201 });
      const res = await ikPurge(e.url, 'https://ik.imagekit.io/demo/a.jpg');
      assert.equal(res.status, 201);
      assert.match(String(res.headers['content-type']), /json/);
      assert.equal(res.json, undefined);
      assert.throws(() => JSON.parse(res.text));
    });

    it('huge: a body of the size asked for', async () => {
      const e = await fx.start();
      await control(e.url, 'POST', 'faults', { kind: 'huge', bytes: 300_000 });
      const res = await ikPurge(e.url, 'https://ik.imagekit.io/demo/a.jpg');
      assert.equal(res.status, 200);
      assert.equal(Buffer.byteLength(res.text), 300_000);
      assert.equal(res.headers['content-length'], '300000');
    });

    it('delay: the request is answered normally after the delay, and the log says so', async () => {
      const e = await fx.start();
      await control(e.url, 'POST', 'faults', { kind: 'delay', delayMs: 50 });
      const res = await ikPurge(e.url, 'https://ik.imagekit.io/demo/a.jpg');
      assert.equal(res.status, 201);
      const [entry] = (await control(e.url, 'GET', 'requests')).json.requests;
      assert.equal(entry.fault, 'delay');
      assert.equal(entry.status, 201);
    });

    it('refuses a fault it cannot understand, saying what is wrong; DELETE clears the queue', async () => {
      const e = await fx.start();
      const cases: Array<[unknown, RegExp]> = [
        [{ kind: 'explode' }, /kind must be one of status, delay, drop, malformed, huge/],
        [{ kind: 'delay' }, /needs delayMs/],
        [{ kind: 'status', status: 99 }, /status must be a whole number from 200 to 599/],
        [{ kind: 'status', count: 0 }, /count must be a whole number/],
        [{ kind: 'status', headers: { 'bad header': 'x' } }, /not a valid header name/],
        [{ kind: 'status', match: { path: 'no-slash' } }, /match.path/],
        [{ kind: 'status', colour: 'red' }, /unknown field colour/],
        [{ faults: [] }, /No fault given/],
      ];
      for (const [body, message] of cases) {
        const res = await control(e.url, 'POST', 'faults', body as object);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.match(res.json.error, message);
      }
      const bad = await call(e.url, 'POST', '/_emulator/faults', { body: '{not json' });
      assert.equal(bad.status, 400);
      await control(e.url, 'POST', 'faults', { kind: 'status', count: 5 });
      assert.equal((await control(e.url, 'DELETE', 'faults')).status, 200);
      assert.equal((await ikPurge(e.url, 'https://ik.imagekit.io/demo/a.jpg')).status, 201);
    });
  });

  describe('through the core HttpClient', () => {
    const target = imagekit.checker({}).check('https://ik.imagekit.io/demo/a.jpg');
    let client: HttpClient;
    const retries: string[] = [];

    beforeEach(() => {
      retries.length = 0;
      client = new HttpClient({
        retry: { maxRetries: 3, minDelayMs: 1, maxDelayMs: 5 },
        random: () => 0,
        onEvent: (ev) => {
          if (ev.type === 'retry') retries.push(ev.reason);
        },
      });
    });

    afterEach(async () => {
      await client.close();
    });

    function send(base: string, key = DEFAULT_IMAGEKIT_TEST_KEY) {
      return client.send(imagekit.purgeRequest(base, key, target), {
        lane: 'test',
        laneSettings: { readRateLimit: imagekit.traffic.readRateLimit },
      });
    }

    async function posts(base: string): Promise<number> {
      return (await control(base, 'GET', 'requests?provider=imagekit')).json.requests.length;
    }

    it('retries 5xx until the emulator answers 201', async () => {
      const e = await fx.start();
      await control(e.url, 'POST', 'faults', {
        faults: [
          { kind: 'status', status: 503, count: 1 },
          { kind: 'status', status: 502 },
        ],
      });
      const res = await send(e.url);
      assert.equal(res.status, 201);
      assert.equal(res.attempts, 3);
      assert.deepEqual(retries, ['HTTP 503', 'HTTP 502']);
      assert.equal(await posts(e.url), 3);
      assert.equal(imagekit.parsePurge(res.status, res.body, res.headers).requestId, '000000000000000000000001');
    });

    it('retries a 429 after its Retry-After', async () => {
      const e = await fx.start();
      await control(e.url, 'POST', 'faults', { kind: 'status', status: 429, headers: { 'retry-after': '0' } });
      const res = await send(e.url);
      assert.equal(res.status, 201);
      assert.equal(res.attempts, 2);
      assert.deepEqual(retries, ['HTTP 429']);
    });

    it('a connection dropped after the purge was sent: re-sent only when allowed (imgix-style), never by default', async () => {
      const e = await fx.start();
      await control(e.url, 'POST', 'faults', { kind: 'drop' });
      await assert.rejects(send(e.url), (err: HttpError) => err.mayHaveReached === true && err.attempts === 1);
      assert.equal(retries.length, 0);
      await control(e.url, 'POST', 'faults', { kind: 'drop' });
      const spec = imagekit.purgeRequest(e.url, DEFAULT_IMAGEKIT_TEST_KEY, target);
      const res = await client.send(spec, { lane: 'test', resendUncertain: 1 });
      assert.equal(res.status, 201);
      assert.equal(res.attempts, 2);
      assert.equal(res.earlierUncertain, true);
      assert.equal(retries.length, 1);
    });

    it('does not retry 400 or 401', async () => {
      const e = await fx.start();
      const spec = imagekit.purgeRequest(e.url, DEFAULT_IMAGEKIT_TEST_KEY, target);
      const invalid = await client.send(
        { ...spec, body: JSON.stringify({ url: 'https://ik.imagekit.io/demo/images*' }) },
        { lane: 'test' },
      );
      assert.equal(invalid.status, 400);
      assert.equal(invalid.attempts, 1);
      const denied = await send(e.url, 'not_the_key');
      assert.equal(denied.status, 401);
      assert.equal(denied.attempts, 1);
      assert.deepEqual(retries, []);
      assert.equal(await posts(e.url), 2);
      const outcome = imagekit.parsePurge(denied.status, denied.body, denied.headers);
      assert.equal(outcome.ok, false);
      assert.equal(outcome.message, 'Your account cannot be authenticated.');
    });

    it('gives up at once on the quota 429 (X-RateLimit-Reset until next month, in ms, is longer than it waits)', async () => {
      const e = await fx.start({ quota: 0 });
      const res = await send(e.url);
      assert.equal(res.status, 429);
      assert.equal(res.attempts, 1);
      assert.match(
        res.stopMessage ?? '',
        /asked to wait \d+ days .*nothing more is sent to it before \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/,
      );
      const outcome = imagekit.parsePurge(res.status, res.body, res.headers);
      assert.equal(outcome.ok, false);
      assert.match(outcome.hint ?? '', /1000 purge requests a month/);
    });

    it('cuts off a huge body with a too-large error', async () => {
      const e = await fx.start();
      await control(e.url, 'POST', 'faults', { kind: 'huge' });
      await assert.rejects(send(e.url), (err: unknown) => err instanceof HttpError && err.code === 'too-large');
    });

    it('a malformed body (JSON type, from ImageKit) is an unexpected answer: unknown (it may have been received)', async () => {
      const e = await fx.start();
      await control(e.url, 'POST', 'faults', { kind: 'malformed', status: 201 });
      const res = await send(e.url);
      const outcome = imagekit.parsePurge(res.status, res.body, res.headers);
      assert.deepEqual([outcome.ok, outcome.status, outcome.requestId], [false, 'unknown', undefined]);
      assert.equal(outcome.unexpected?.fromProvider, true);
      assert.match(outcome.supportId ?? '', /^[0-9a-f-]{36}$/, "ImageKit's own header came with it");
    });

    it("portal: a captive portal answers in ImageKit's place (200, text/html, no ImageKit header): not a success, unknown (it may have been passed on)", async () => {
      const e = await fx.start();
      await control(e.url, 'POST', 'faults', { kind: 'portal' });
      const res = await send(e.url);
      assert.equal(res.status, 200);
      assert.match(String(res.headers['content-type']), /^text\/html/);
      assert.equal(res.headers['x-ik-requestid'], undefined);
      assert.match(res.body, /Sign in to Wi-Fi/);
      const outcome = imagekit.parsePurge(res.status, res.body, res.headers);
      assert.deepEqual([outcome.ok, outcome.status, outcome.unexpected?.fromProvider], [false, 'unknown', false]);
      assert.match(outcome.message ?? '', /"<!DOCTYPE html> <html><head><title>Sign in to Wi-Fi/);
      // The next request is answered by the emulator again; the portal's status and body can be chosen.
      assert.equal((await send(e.url)).status, 201);
      await control(e.url, 'POST', 'faults', {
        kind: 'portal',
        status: 302,
        body: '',
        headers: { location: '/login' },
      });
      const redirect = await send(e.url);
      assert.deepEqual([redirect.status, redirect.headers.location], [302, '/login']);
      assert.equal(imagekit.parsePurge(redirect.status, redirect.body, redirect.headers).status, 'unknown');
    });

    it('a delay longer than the client timeout ends in a timeout error', async () => {
      const e = await fx.start();
      await control(e.url, 'POST', 'faults', { kind: 'delay', delayMs: 60_000 });
      const impatient = new HttpClient({ timeoutMs: 300, retry: { maxRetries: 0 } });
      try {
        await assert.rejects(
          impatient.send(imagekit.purgeRequest(e.url, DEFAULT_IMAGEKIT_TEST_KEY, target), { lane: 'test' }),
          (err: unknown) => err instanceof HttpError && err.code === 'timeout',
        );
      } finally {
        await impatient.close();
      }
    });
  });
});
