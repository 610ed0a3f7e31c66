// The HTTP client (src/core/http.ts) against a loopback server: what goes on the wire, retries and no-retries,
// Retry-After / X-RateLimit-Reset, timeouts, cancellation, concurrency, pacing, body limits, jitter, and an
// injected undici MockAgent. No timed assertions: counts, order and values computed by the client.
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { Agent, MockAgent } from 'undici';
import {
  backoffMs,
  DEFAULT_RETRY,
  HttpClient,
  HttpError,
  RetryBudget,
  RETRY_STATUS,
  retryAfterMs,
  serverDelayMs,
  sleep,
  type HttpClientOptions,
  type HttpEvent,
} from '../../src/core/http';
import { IMAGEKIT_TRAFFIC } from '../../src/core/providers/imagekit';
import type { HttpRequestSpec } from '../../src/core/providers/types';
import { delay, reply, startServer, until, type TestServer } from './helpers/server';

const FAST = { minDelayMs: 5, maxDelayMs: 40, maxWaitMs: 5_000 };

function post(
  base: string,
  path = '/v1/files/purge',
  body: unknown = { url: 'https://ik.imagekit.io/demo/a.jpg' },
): HttpRequestSpec {
  return {
    method: 'POST',
    url: `${base}${path}`,
    headers: { 'content-type': 'application/json', authorization: 'Basic dGVzdDo=' },
    body: JSON.stringify(body),
  };
}

async function rejectsWith(p: Promise<unknown>, code: HttpError['code']): Promise<HttpError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof HttpError, `expected an HttpError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail(`expected the request to fail with ${code}`);
}

describe('http: retryAfterMs and serverDelayMs (how long the server asked us to wait)', () => {
  const now = Date.parse('2025-03-01T12:00:00Z');
  it('reads Retry-After in seconds (integer and decimal)', () => {
    assert.equal(retryAfterMs({ 'retry-after': '3' }, now), 3000);
    assert.equal(retryAfterMs({ 'retry-after': '0' }, now), 0);
    assert.equal(retryAfterMs({ 'retry-after': ' 1.5 ' }, now), 1500);
  });
  it('reads Retry-After as an HTTP date, relative to now; a past date means no wait', () => {
    assert.equal(retryAfterMs({ 'retry-after': 'Sat, 01 Mar 2025 12:00:07 GMT' }, now), 7000);
    assert.equal(retryAfterMs({ 'retry-after': 'Sat, 01 Mar 2025 11:59:00 GMT' }, now), 0);
  });
  it('X-RateLimit-Reset is not read by the generic client: only a provider rule does (ImageKit: ms)', () => {
    assert.equal(serverDelayMs({ 'x-ratelimit-reset': '500' }, undefined, now), undefined);
    assert.equal(
      serverDelayMs(
        { 'x-ratelimit-reset': '500' },
        IMAGEKIT_TRAFFIC.readRateLimit({ 'x-ratelimit-reset': '500' }, 429),
        now,
      ),
      500,
    );
  });
  it('takes the longer of Retry-After and the provider hint when both are present', () => {
    assert.equal(serverDelayMs({ 'retry-after': '2' }, { waitMs: 5000 }, now), 5000);
    assert.equal(serverDelayMs({ 'retry-after': '9' }, { waitMs: 5000 }, now), 9000);
  });
  it('ignores garbage and absent headers; takes the first of repeated values', () => {
    assert.equal(retryAfterMs({ 'retry-after': 'soon' }, now), undefined);
    assert.equal(serverDelayMs({}, undefined, now), undefined);
    assert.equal(serverDelayMs(undefined, undefined, now), undefined);
    assert.equal(retryAfterMs({ 'retry-after': ['4', '8'] }, now), 4000);
  });
});

describe('http: backoffMs (exponential, capped, equal jitter)', () => {
  const policy = { ...DEFAULT_RETRY, minDelayMs: 100, maxDelayMs: 1000 };
  it('doubles per attempt, half fixed and half random', () => {
    assert.deepEqual(
      [1, 2, 3, 4].map((a) => backoffMs(a, policy, () => 0)),
      [50, 100, 200, 400],
    );
    assert.deepEqual(
      [1, 2, 3, 4].map((a) => backoffMs(a, policy, () => 1)),
      [100, 200, 400, 800],
    );
    assert.deepEqual(
      [1, 2].map((a) => backoffMs(a, policy, () => 0.5)),
      [75, 150],
    );
  });
  it('is capped at maxDelayMs', () => {
    assert.equal(
      backoffMs(10, policy, () => 1),
      1000,
    );
    assert.equal(
      backoffMs(30, policy, () => 0),
      500,
    );
  });
  it('stays within [exp/2, exp] for any random value', () => {
    for (let i = 0; i < 200; i++) {
      const r = i / 199;
      for (const attempt of [1, 3, 6]) {
        const exp = Math.min(1000, 100 * 2 ** (attempt - 1));
        const d = backoffMs(attempt, policy, () => r);
        assert.ok(d >= exp / 2 && d <= exp, `attempt ${attempt}, random ${r}: ${d}`);
      }
    }
  });
});

describe('http: sleep', () => {
  it('resolves, and rejects with an AbortError when aborted before or during the wait', async () => {
    await sleep(1);
    const before = new AbortController();
    before.abort();
    await assert.rejects(sleep(10, before.signal), { name: 'AbortError' });
    const during = new AbortController();
    const p = sleep(60_000, during.signal);
    during.abort();
    await assert.rejects(p, { name: 'AbortError' });
  });
});

describe('http: HttpClient on a loopback server', function () {
  this.timeout(20_000);
  let server: TestServer;
  const clients: HttpClient[] = [];
  const client = (opts: HttpClientOptions = {}) => {
    const c = new HttpClient({ retry: FAST, timeoutMs: 5_000, ...opts });
    clients.push(c);
    return c;
  };

  beforeEach(async () => {
    server = await startServer((_req, res) => reply(res, 201, { requestId: 'r1' }));
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await server.close();
  });

  it('sends the method, path, headers and body as given and returns status, headers and body', async () => {
    server.handler = (_req, res) => reply(res, 201, { requestId: 'abc' }, { 'x-extra': 'yes' });
    const res = await client().send(post(server.base, '/v1/files/purge?x=1'), { lane: 't' });
    assert.equal(server.requests.length, 1);
    const [r] = server.requests;
    assert.equal(r.method, 'POST');
    assert.equal(r.url, '/v1/files/purge?x=1');
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal(r.headers.authorization, 'Basic dGVzdDo=');
    assert.deepEqual(JSON.parse(r.body), { url: 'https://ik.imagekit.io/demo/a.jpg' });
    assert.equal(res.status, 201);
    assert.equal(res.headers['x-extra'], 'yes');
    assert.deepEqual(JSON.parse(res.body), { requestId: 'abc' });
    assert.equal(res.attempts, 1);
    assert.ok(res.ms >= 0);
  });

  it('sends a GET without a body', async () => {
    server.handler = (_req, res) => reply(res, 200, { status: 'Pending' });
    const res = await client().send(
      { method: 'GET', url: `${server.base}/v1/files/purge/abc`, headers: { accept: 'application/json' } },
      { lane: 't' },
    );
    assert.equal(server.requests[0].method, 'GET');
    assert.equal(server.requests[0].body, '');
    assert.equal(res.status, 200);
  });

  it('retries 429 with Retry-After: 0, then succeeds (attempts 2, a retry event saying why)', async () => {
    server.handler = (req, res) =>
      req.index === 0
        ? reply(res, 429, { message: 'slow down' }, { 'retry-after': '0' })
        : reply(res, 201, { requestId: 'r' });
    const events: HttpEvent[] = [];
    const res = await client({ onEvent: (e) => events.push(e) }).send(post(server.base), { lane: 't' });
    assert.equal(res.status, 201);
    assert.equal(res.attempts, 2);
    assert.equal(server.requests.length, 2);
    assert.equal(server.requests[1].body, server.requests[0].body, 'the retry sends the same body');
    const retries = events.filter((e) => e.type === 'retry');
    assert.equal(retries.length, 1);
    assert.equal(retries[0].type === 'retry' && retries[0].reason, 'HTTP 429');
  });

  it('honours Retry-After in seconds: waits what the server asked (plus jitter) before retrying', async () => {
    server.handler = (req, res) =>
      req.index === 0 ? reply(res, 429, {}, { 'retry-after': '1' }) : reply(res, 201, { requestId: 'r' });
    const events: HttpEvent[] = [];
    const res = await client({ random: () => 1, onEvent: (e) => events.push(e) }).send(post(server.base), {
      lane: 't',
    });
    assert.equal(res.status, 201);
    const retry = events.find((e) => e.type === 'retry');
    // 1 s asked + jitter of at most 10 % (random() = 1 → exactly 100 ms).
    assert.equal(retry?.type === 'retry' && retry.delayMs, 1100);
    // The server saw the retry no sooner than the second asked for (a lower bound only: noise makes it later).
    assert.ok(
      server.requests[1].at - server.requests[0].at >= 950,
      `retried after ${server.requests[1].at - server.requests[0].at} ms`,
    );
  });

  it('honours Retry-After as an HTTP date: a past date retries at once, a far date is longer than maxWaitMs and gives up', async () => {
    const past = new Date(Date.now() - 60_000).toUTCString();
    server.handler = (req, res) =>
      req.index === 0 ? reply(res, 429, {}, { 'retry-after': past }) : reply(res, 201, { requestId: 'r' });
    const ok = await client().send(post(server.base), { lane: 't' });
    assert.equal(ok.status, 201);
    assert.equal(ok.attempts, 2);

    const far = new Date(Date.now() + 3_600_000).toUTCString();
    const seen = server.requests.length;
    server.handler = (_req, res) => reply(res, 429, { message: 'Too many requests' }, { 'retry-after': far });
    const events: HttpEvent[] = [];
    const res = await client({ onEvent: (e) => events.push(e) }).send(post(server.base), { lane: 't' });
    assert.equal(res.status, 429, 'the 429 comes back to the caller');
    assert.equal(res.attempts, 1);
    assert.equal(server.requests.length - seen, 1, 'no retry');
    assert.deepEqual(JSON.parse(res.body), { message: 'Too many requests' });
    assert.equal(events.filter((e) => e.type === 'retry').length, 0);
  });

  it("honours ImageKit's X-RateLimit-Reset in milliseconds (as documented): 500 waits half a second, not 500 s", async () => {
    const ik = { readRateLimit: IMAGEKIT_TRAFFIC.readRateLimit };
    server.handler = (req, res) =>
      req.index === 0 ? reply(res, 429, {}, { 'x-ratelimit-reset': '500' }) : reply(res, 201, {});
    const events: HttpEvent[] = [];
    const res = await client({ random: () => 0, onEvent: (e) => events.push(e) }).send(post(server.base), {
      lane: 't',
      laneSettings: ik,
    });
    assert.equal(res.status, 201);
    assert.equal(res.attempts, 2);
    const retry = events.find((e) => e.type === 'retry');
    assert.equal(retry?.type === 'retry' && retry.delayMs, 500);
  });

  it('an X-RateLimit-Reset of an hour (ms) is longer than maxWaitMs: no retry, and the whole lane stops with the time to come back', async () => {
    const ik = { readRateLimit: IMAGEKIT_TRAFFIC.readRateLimit, label: 'ImageKit' };
    server.handler = (_req, res) =>
      reply(
        res,
        429,
        {},
        {
          'x-ratelimit-reset': String(3_600_000),
          'x-ratelimit-limit': '1000',
          'x-ratelimit-interval': String(3_600_000),
        },
      );
    const events: HttpEvent[] = [];
    const c = client({ onEvent: (e) => events.push(e) });
    const res = await c.send(post(server.base), { lane: 'ik', laneSettings: ik });
    assert.equal(res.status, 429);
    assert.equal(server.requests.length, 1);
    assert.ok(res.stoppedUntil && res.stoppedUntil - Date.now() > 3_500_000);
    assert.match(res.stopMessage ?? '', /ImageKit asked to wait 60 min .*before \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
    // The monthly-style limit in the headers is not taken as a pace.
    assert.equal(c.laneState('ik')?.learned, undefined);
    const next = await rejectsWith(c.send(post(server.base), { lane: 'ik', laneSettings: ik }), 'stopped');
    assert.match(next.message, /^Not sent: ImageKit asked to wait/);
    assert.equal(next.mayHaveReached, false);
    assert.equal(server.requests.length, 1, 'nothing more was sent in the stopped lane');
    assert.equal((await c.send(post(server.base), { lane: 'other' })).status, 429, 'other lanes go on');
    assert.equal(events.filter((e) => e.type === 'stopped').length, 1);
  });

  it('gives up at once when Retry-After (seconds) is longer than maxWaitMs', async () => {
    server.handler = (_req, res) => reply(res, 429, {}, { 'retry-after': '120' });
    const res = await client({ retry: { ...FAST, maxWaitMs: 60_000 } }).send(post(server.base), { lane: 't' });
    assert.equal(res.status, 429);
    assert.equal(server.requests.length, 1);
  });

  for (const status of [500, 502, 503, 504]) {
    it(`retries ${status}, then returns the success`, async () => {
      server.handler = (req, res) =>
        req.index === 0 ? reply(res, status, 'upstream trouble') : reply(res, 201, { requestId: 'ok' });
      const res = await client().send(post(server.base), { lane: 't' });
      assert.equal(res.status, 201);
      assert.equal(res.attempts, 2);
      assert.equal(server.requests.length, 2);
    });
  }

  it('retries exactly the statuses 429, 500, 502, 503, 504', () => {
    assert.deepEqual([...RETRY_STATUS].sort(), [429, 500, 502, 503, 504]);
  });

  for (const status of [400, 401, 403, 404]) {
    it(`never retries ${status}: one request, and the response comes back as it is`, async () => {
      server.handler = (_req, res) => reply(res, status, { message: `no (${status})`, help: 'help text' });
      const events: HttpEvent[] = [];
      const res = await client({ onEvent: (e) => events.push(e) }).send(post(server.base), { lane: 't' });
      assert.equal(res.status, status);
      assert.equal(res.attempts, 1);
      assert.equal(server.requests.length, 1);
      assert.deepEqual(JSON.parse(res.body), { message: `no (${status})`, help: 'help text' });
      assert.equal(events.filter((e) => e.type === 'retry').length, 0);
    });
  }

  it('honours maxRetries: maxRetries + 1 attempts in all, then the last response', async () => {
    server.handler = (_req, res) => reply(res, 503, { message: 'down' });
    const res = await client({ retry: { ...FAST, maxRetries: 2 } }).send(post(server.base), { lane: 't' });
    assert.equal(res.status, 503);
    assert.equal(res.attempts, 3);
    assert.equal(server.requests.length, 3);
    assert.deepEqual(JSON.parse(res.body), { message: 'down' });
  });

  it('maxRetries 0 sends once', async () => {
    server.handler = (_req, res) => reply(res, 500, {});
    const res = await client({ retry: { ...FAST, maxRetries: 0 } }).send(post(server.base), { lane: 't' });
    assert.equal(res.status, 500);
    assert.equal(server.requests.length, 1);
  });

  it('a POST reset after it was sent is not re-sent by default: it may have been received (mayHaveReached)', async () => {
    server.handler = (req, res, raw) => {
      if (req.index === 0) raw.socket.destroy();
      else reply(res, 201, { requestId: 'after-reset' });
    };
    const e = await rejectsWith(client().send(post(server.base), { lane: 't' }), 'network');
    assert.equal(e.mayHaveReached, true);
    assert.equal(e.attempts, 1);
    assert.equal(server.requests.length, 1);
    assert.match(e.message, /may have been received/);
  });

  it('a POST reset after it was sent is re-sent as many times as resendUncertain allows (imgix: once)', async () => {
    server.handler = (req, res, raw) => {
      if (req.index === 0) raw.socket.destroy();
      else reply(res, 201, { requestId: 'after-reset' });
    };
    const res = await client().send(post(server.base), { lane: 't', resendUncertain: 1 });
    assert.equal(res.status, 201);
    assert.equal(res.attempts, 2);
    assert.equal(res.earlierUncertain, true);
    assert.equal(JSON.parse(res.body).requestId, 'after-reset');
    assert.equal(server.requests[1].headers.range, undefined, 'no stray Range header on the resend');
    assert.equal(server.requests[1].body, server.requests[0].body);
  });

  it('a GET reset by the server is tried again (idempotent), then succeeds', async () => {
    server.handler = (req, res, raw) => {
      if (req.index === 0) raw.socket.destroy();
      else reply(res, 200, { status: 'Completed' });
    };
    const res = await client().send(
      { method: 'GET', url: `${server.base}/v1/files/purge/x`, headers: {} },
      { lane: 't' },
    );
    assert.equal(res.status, 200);
    assert.equal(res.attempts, 2);
  });

  it('a GET whose connection is dropped every time ends in a network error after maxRetries + 1 attempts', async () => {
    server.handler = (_req, _res, raw) => {
      raw.socket.destroy();
    };
    const events: HttpEvent[] = [];
    const get: HttpRequestSpec = { method: 'GET', url: `${server.base}/v1/files/purge/x`, headers: {} };
    const e = await rejectsWith(
      client({ retry: { ...FAST, maxRetries: 2 }, onEvent: (ev) => events.push(ev) }).send(get, { lane: 't' }),
      'network',
    );
    assert.equal(server.requests.length, 3);
    assert.equal(e.attempts, 3);
    assert.match(e.message, /Could not reach 127\.0\.0\.1:\d+/);
    assert.equal(events.filter((x) => x.type === 'error').length, 1);
  });

  it('a refused connection (nothing was sent) is retried even for a POST, and ends in a network error that says so', async () => {
    const closed = await startServer(() => {});
    const base = closed.base;
    await closed.close();
    const e = await rejectsWith(
      client({ retry: { ...FAST, maxRetries: 1 } }).send(post(base), { lane: 't' }),
      'network',
    );
    assert.match(e.message, /connection refused/);
    assert.equal(e.attempts, 2);
    assert.equal(e.mayHaveReached, false, 'a refused connection never carried the request');
  });

  it('a POST the server never answers is sent once, then "may have been received" (a timeout); resendUncertain 1 sends it twice', async () => {
    server.handler = (req, res) => {
      if (req.index > 0) reply(res, 201, { requestId: 'second' });
      // the first request is never answered
    };
    const e = await rejectsWith(client({ timeoutMs: 300 }).send(post(server.base), { lane: 't' }), 'timeout');
    assert.equal(e.mayHaveReached, true);
    assert.equal(server.requests.length, 1);
    server.handler = (req, res) => {
      if (req.index > 1) reply(res, 201, { requestId: 'second' });
    };
    const res = await client({ timeoutMs: 300 }).send(post(server.base), { lane: 't', resendUncertain: 1 });
    assert.equal(res.status, 201);
    assert.equal(res.attempts, 2);
  });

  it('a GET the server never answers is tried again and ends in a timeout error that names the wait', async () => {
    server.handler = () => {};
    const get: HttpRequestSpec = { method: 'GET', url: `${server.base}/v1/files/purge/x`, headers: {} };
    const e = await rejectsWith(
      client({ timeoutMs: 200, retry: { ...FAST, maxRetries: 1 } }).send(get, { lane: 't' }),
      'timeout',
    );
    assert.equal(server.requests.length, 2);
    assert.match(e.message, /did not answer within 0\.2 s \(2 attempts\)/);
  });

  it('cancellation before the request: nothing is sent', async () => {
    const ac = new AbortController();
    ac.abort();
    const c = client();
    await rejectsWith(c.send(post(server.base), { lane: 't', signal: ac.signal }), 'aborted');
    await delay(50);
    assert.equal(server.requests.length, 0);
    // The lane is not left holding a slot: the next request goes through.
    assert.equal((await c.send(post(server.base), { lane: 't' })).status, 201);
  });

  it('cancellation during a request: rejects as aborted and the connection is closed', async () => {
    server.handler = () => {}; // hold
    const ac = new AbortController();
    const p = client().send(post(server.base), { lane: 't', signal: ac.signal });
    await until(() => server.requests.length === 1, 10_000, 'the request to arrive');
    ac.abort();
    await rejectsWith(p, 'aborted');
    await until(() => server.abandoned === 1, 10_000, 'the server to see the connection closed');
    assert.equal(server.requests.length, 1);
  });

  it('cancellation during a retry wait: rejects as aborted without waiting out Retry-After, no further attempt', async function () {
    this.timeout(15_000); // Retry-After is 30 s: only a working cancellation finishes in time
    server.handler = (_req, res) => reply(res, 503, {}, { 'retry-after': '30' });
    const ac = new AbortController();
    const c = client({
      retry: { ...FAST, maxWaitMs: 60_000 },
      onEvent: (e) => e.type === 'retry' && setTimeout(() => ac.abort(), 20),
    });
    await rejectsWith(c.send(post(server.base), { lane: 't', signal: ac.signal }), 'aborted');
    assert.equal(server.requests.length, 1);
  });

  it('cancellation while waiting for a concurrency slot: the waiting request is never sent', async () => {
    server.handler = () => {}; // hold the first
    const c = client({ concurrency: 1 });
    const ac1 = new AbortController();
    const first = c.send(post(server.base), { lane: 't', signal: ac1.signal });
    await until(() => server.requests.length === 1, 10_000, 'the first request');
    const ac2 = new AbortController();
    const second = c.send(post(server.base), { lane: 't', signal: ac2.signal });
    ac2.abort();
    await rejectsWith(second, 'aborted');
    ac1.abort();
    await rejectsWith(first, 'aborted');
    await delay(50);
    assert.equal(server.requests.length, 1);
  });

  it('bounds the requests in flight per lane (counted on the server)', async () => {
    // Hold each answer until 3 are in flight (or 300 ms pass): a client that sent more at once would show it.
    server.handler = async (_req, res) => {
      const end = Date.now() + 300;
      while (server.inFlight < 3 && Date.now() < end) await delay(5);
      await delay(10);
      reply(res, 201, {});
    };
    const c = client({ concurrency: 3 });
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => c.send(post(server.base, '/v1/files/purge', { i }), { lane: 'imagekit' })),
    );
    assert.equal(results.length, 12);
    assert.ok(results.every((r) => r.status === 201));
    assert.equal(server.requests.length, 12);
    assert.equal(server.maxInFlight, 3);
  });

  it('lanes are independent: each has its own concurrency', async () => {
    server.handler = async (_req, res) => {
      const end = Date.now() + 300;
      while (server.inFlight < 2 && Date.now() < end) await delay(5);
      reply(res, 201, {});
    };
    const c = client({ concurrency: 1 });
    await Promise.all([c.send(post(server.base), { lane: 'imagekit' }), c.send(post(server.base), { lane: 'imgix' })]);
    assert.equal(server.maxInFlight, 2);
  });

  it('paces request starts by ratePerSecond (all arrive; spread over at least most of the paced span)', async () => {
    const c = client({ ratePerSecond: 20, concurrency: 10 }); // one start every 50 ms
    await Promise.all(
      Array.from({ length: 5 }, (_, i) => c.send(post(server.base, '/v1/files/purge', { i }), { lane: 'paced' })),
    );
    assert.equal(server.requests.length, 5);
    const times = server.requests.map((r) => r.at).sort((a, b) => a - b);
    // 4 intervals of 50 ms: a lower bound only (slowness can only make it longer).
    assert.ok(times[4] - times[0] >= 150, `5 paced starts spread over ${times[4] - times[0]} ms`);
    assert.deepEqual(server.requests.map((r) => JSON.parse(r.body).i).sort(), [0, 1, 2, 3, 4]);
  });

  it('a 429 pauses its whole lane until the asked time; other lanes go on', async () => {
    server.handler = (req, res) =>
      req.index === 0 ? reply(res, 429, {}, { 'retry-after': '1' }) : reply(res, 201, {});
    let later: Array<Promise<unknown>> = [];
    const c = client({
      concurrency: 4,
      onEvent: (e) => {
        if (e.type === 'retry' && later.length === 0) {
          later = [
            c.send(post(server.base, '/v1/files/purge', { who: 'same-lane' }), { lane: 'imagekit' }),
            c.send(post(server.base, '/v1/files/purge', { who: 'other-lane' }), { lane: 'imgix' }),
          ];
        }
      },
    });
    await c.send(post(server.base, '/v1/files/purge', { who: 'first' }), { lane: 'imagekit' });
    await Promise.all(later);
    const at = (who: string) => server.requests.find((r) => JSON.parse(r.body).who === who)!;
    const first = server.requests[0];
    assert.equal(JSON.parse(first.body).who, 'first');
    // Lower bounds only: the same lane waited out the second the server asked for.
    assert.ok(at('same-lane').at - first.at >= 950, `same lane after ${at('same-lane').at - first.at} ms`);
    assert.ok(at('other-lane').index < at('same-lane').index, 'the other lane was not held back');
  });

  it('without pacing, concurrent requests are not spaced out by the client', async () => {
    server.handler = async (_req, res) => {
      const end = Date.now() + 300;
      while (server.inFlight < 4 && Date.now() < end) await delay(5);
      reply(res, 201, {});
    };
    const c = client({ concurrency: 4 });
    await Promise.all(Array.from({ length: 4 }, () => c.send(post(server.base), { lane: 'x' })));
    assert.equal(server.maxInFlight, 4);
  });

  it('cuts off a body larger than maxBodyBytes with an error; a body at the limit is read whole', async () => {
    server.handler = (req, res) => reply(res, 200, 'x'.repeat(req.index === 0 ? 10_000 : 1024));
    const c = client({ maxBodyBytes: 1024 });
    const e = await rejectsWith(c.send(post(server.base), { lane: 't' }), 'too-large');
    assert.match(e.message, /larger than 1024 bytes/);
    const res = await c.send(post(server.base), { lane: 't' });
    assert.equal(res.body.length, 1024);
  });

  it('jitter comes from the injected random: equal jitter over the doubling backoff', async () => {
    server.handler = (_req, res) => reply(res, 503, {});
    const delays = async (random: () => number) => {
      const events: HttpEvent[] = [];
      await client({
        random,
        retry: { minDelayMs: 8, maxDelayMs: 100, maxRetries: 3, maxWaitMs: 5000 },
        onEvent: (e) => events.push(e),
      }).send(post(server.base), { lane: 't' });
      return events.flatMap((e) => (e.type === 'retry' ? [e.delayMs] : []));
    };
    assert.deepEqual(await delays(() => 0), [4, 8, 16]);
    assert.deepEqual(await delays(() => 1), [8, 16, 32]);
  });

  it('reports each request as a response event with its attempts', async () => {
    server.handler = (req, res) => (req.index === 0 ? reply(res, 502, {}) : reply(res, 201, {}));
    const events: HttpEvent[] = [];
    await client({ onEvent: (e) => events.push(e) }).send(post(server.base), { lane: 'imagekit' });
    const response = events.find((e) => e.type === 'response');
    assert.ok(response && response.type === 'response');
    assert.equal(response.status, 201);
    assert.equal(response.attempts, 2);
    assert.equal(response.lane, 'imagekit');
    assert.equal(response.method, 'POST');
  });

  it('never closes a dispatcher it was given', async () => {
    const agent = new Agent();
    try {
      const c = new HttpClient({ dispatcher: agent, retry: FAST });
      assert.equal((await c.send(post(server.base), { lane: 't' })).status, 201);
      await c.close();
      const again = new HttpClient({ dispatcher: agent, retry: FAST });
      assert.equal((await again.send(post(server.base), { lane: 't' })).status, 201);
    } finally {
      await agent.close();
    }
  });
});

describe('http: an injected undici MockAgent as the dispatcher', () => {
  let mock: MockAgent;
  beforeEach(() => {
    mock = new MockAgent();
    mock.disableNetConnect();
  });
  afterEach(async () => {
    await mock.close();
  });

  it('sends the ImageKit purge to the default https API base through the mock (no network)', async () => {
    let seen: { headers: unknown; body: unknown } | undefined;
    mock
      .get('https://api.imagekit.io')
      .intercept({ path: '/v1/files/purge', method: 'POST' })
      .reply((opts) => {
        seen = { headers: opts.headers, body: opts.body };
        return {
          statusCode: 201,
          data: JSON.stringify({ requestId: 'mocked' }),
          responseOptions: { headers: { 'content-type': 'application/json' } },
        };
      });
    const c = new HttpClient({ dispatcher: mock, retry: FAST });
    const res = await c.send(post('https://api.imagekit.io'), { lane: 'imagekit' });
    assert.equal(res.status, 201);
    assert.deepEqual(JSON.parse(res.body), { requestId: 'mocked' });
    assert.ok(seen);
    assert.deepEqual(JSON.parse(String(seen.body)), { url: 'https://ik.imagekit.io/demo/a.jpg' });
    mock.assertNoPendingInterceptors();
  });

  // Retries are not tested through MockAgent: it ignores pause() and pushes the body right after the headers, while
  // undici's RetryHandler waits for our (asynchronous) retry decision, so the mock's body reaches a response that
  // does not exist yet (TypeError in undici's RequestHandler). Real connections pause; the loopback tests above
  // cover retries.
  it('an error response through the mock comes back as it is (no retry on 401)', async () => {
    mock
      .get('https://api.imgix.com')
      .intercept({ path: '/api/v1/purge', method: 'POST' })
      .reply(401, { errors: [{ status: '401', title: 'Unauthorized', detail: 'Bad key' }] });
    const c = new HttpClient({ dispatcher: mock, retry: FAST });
    const res = await c.send(post('https://api.imgix.com', '/api/v1/purge'), { lane: 'imgix' });
    assert.equal(res.status, 401);
    assert.equal(res.attempts, 1);
    assert.deepEqual(JSON.parse(res.body).errors[0], { status: '401', title: 'Unauthorized', detail: 'Bad key' });
    mock.assertNoPendingInterceptors();
  });

  it('a request the mock does not expect fails instead of reaching the network', async () => {
    const c = new HttpClient({ dispatcher: mock, retry: { ...FAST, maxRetries: 0 } });
    await assert.rejects(c.send(post('https://api.imagekit.io'), { lane: 'imagekit' }), HttpError);
  });
});

describe('http: deadlines, uncertain purges, learned limits, shared signals', function () {
  this.timeout(20_000);
  let server: TestServer;
  const clients: HttpClient[] = [];
  const client = (opts: HttpClientOptions = {}) => {
    const c = new HttpClient({ retry: FAST, timeoutMs: 5_000, ...opts });
    clients.push(c);
    return c;
  };
  beforeEach(async () => {
    server = await startServer((_req, res) => reply(res, 201, { requestId: 'r1' }));
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await server.close();
  });

  it('the overall deadline covers the body: a body trickled a byte at a time ends (status kept, it was received)', async () => {
    let timer: ReturnType<typeof setInterval> | undefined;
    server.handler = (_req, res) => {
      res.writeHead(201, { 'content-type': 'application/json', 'content-length': '1000' });
      timer = setInterval(() => res.write('x'), 50);
      res.on('close', () => clearInterval(timer));
    };
    const e = await rejectsWith(client({ timeoutMs: 400 }).send(post(server.base), { lane: 't' }), 'timeout');
    clearInterval(timer);
    assert.equal(e.httpStatus, 201, 'the head came: the server received the purge');
    assert.equal(e.attempts, 1);
    assert.equal(server.requests.length, 1);
  });

  it('a deadline (e.g. status --wait --timeout) bounds the attempts and the waits between them', async () => {
    server.handler = () => {}; // silent
    const get: HttpRequestSpec = { method: 'GET', url: `${server.base}/v1/files/purge/x`, headers: {} };
    const deadline = Date.now() + 300;
    const e = await rejectsWith(
      client({ timeoutMs: 30_000, retry: { ...FAST, maxRetries: 10 } }).send(get, { lane: 't', deadline }),
      'timeout',
    );
    assert.ok(e.attempts <= 2, `${e.attempts} attempts`);
    assert.ok(server.requests.length <= 2);
  });

  it('a refusal after an earlier attempt that may have been received is flagged (earlierUncertain)', async () => {
    server.handler = (req, res, raw) => {
      if (req.index === 0) raw.socket.destroy();
      else reply(res, 400, { message: 'no' });
    };
    const res = await client().send(post(server.base), { lane: 't', resendUncertain: 1 });
    assert.equal(res.status, 400);
    assert.equal(res.earlierUncertain, true);
  });

  it('with probeFirst, the first request goes alone; its headers set the pace of the rest (ImageKit X-RateLimit-*)', async () => {
    const headers = { 'x-ratelimit-limit': '20', 'x-ratelimit-interval': '1000', 'x-ratelimit-reset': '1000' };
    server.handler = async (_req, res) => {
      await delay(20);
      reply(res, 201, { requestId: 'r' }, headers);
    };
    const events: HttpEvent[] = [];
    const c = client({ onEvent: (e) => events.push(e) });
    const lane = { readRateLimit: IMAGEKIT_TRAFFIC.readRateLimit, probeFirst: true };
    const all = Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        c.send(post(server.base, '/v1/files/purge', { i }), { lane: 'ik', laneSettings: lane }),
      ),
    );
    await until(() => server.requests.length >= 1, 10_000, 'the probe');
    await delay(10);
    assert.equal(server.requests.length, 1, 'nothing else before the probe is answered');
    await all;
    assert.deepEqual(c.laneState('ik')?.learned, { limit: 20, intervalMs: 1000 });
    assert.ok(Math.abs((c.laneState('ik')?.spacingMs ?? 0) - 1000 / 20 / 0.95) < 0.01);
    assert.equal(events.filter((e) => e.type === 'rate').length, 1);
  });

  it('many requests sharing one AbortSignal add one abort listener, and no MaxListenersExceededWarning', async () => {
    server.handler = async (_req, res) => {
      await delay(5);
      reply(res, 201, {});
    };
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const ac = new AbortController();
      const c = client({ concurrency: 4 });
      const all = Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          c.send(post(server.base, '/v1/files/purge', { i }), { lane: 't', signal: ac.signal }),
        ),
      );
      await until(() => server.requests.length >= 4, 10_000, 'requests in flight');
      assert.ok(
        getEventListeners(ac.signal, 'abort').length <= 1,
        `${getEventListeners(ac.signal, 'abort').length} listeners`,
      );
      await all;
      await delay(20);
      assert.deepEqual(
        warnings.filter((w) => w.name === 'MaxListenersExceededWarning').map((w) => w.message),
        [],
      );
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('a spent retry budget ends retries and leaves the batch\'s unsent requests unsent ("stopped")', async () => {
    server.handler = (_req, res) => reply(res, 503, {}, { 'retry-after': '0' });
    const budget = new RetryBudget(3);
    const c = client({ concurrency: 1 });
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => c.send(post(server.base, '/v1/files/purge', { i }), { lane: 't', budget })),
    );
    assert.equal(budget.spent, 3);
    const stopped = results.filter((r) => r.status === 'rejected' && (r.reason as HttpError).code === 'stopped');
    assert.ok(stopped.length >= 5, `${stopped.length} stopped`);
    assert.ok(server.requests.length <= 10, `${server.requests.length} requests for 10 purges`);
    assert.match((stopped[0] as PromiseRejectedResult).reason.message, /^Not sent: this batch spent its 3 retries/);
  });
});
