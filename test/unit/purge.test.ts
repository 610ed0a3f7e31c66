// Both providers' wire formats end to end: planner → executePlan / fetchStatus / waitForCompletion → the real
// HttpClient → a loopback server that plays ImageKit or imgix. Method, path, headers, body, and the parsing of
// success and error bodies.
import assert from 'node:assert/strict';
import { MockAgent } from 'undici';
import { HttpClient } from '../../src/core/http';
import { imagekit } from '../../src/core/providers/imagekit';
import { IMGIX_CONTENT_TYPE, imgix } from '../../src/core/providers/imgix';
import { planPurge } from '../../src/core/planner';
import { executePlan, fetchStatus, spendsQuota, waitForCompletion } from '../../src/core/purge';
import type { StatusOutcome } from '../../src/core/providers/types';
import { delay, reply, startServer, until, type TestServer } from './helpers/server';

const KEY = 'private_TEST-key+/=é';
/** imgix's key goes into the header as it is: visible ASCII only (a key that is not is refused before sending). */
const IX_KEY = 'ix_TEST-key+/=Qz';
const BASIC = `Basic ${Buffer.from(`${KEY}:`, 'utf8').toString('base64')}`;
const FAST = { minDelayMs: 5, maxDelayMs: 20, maxWaitMs: 5_000 };

function ikPlan(urls: string[]) {
  return planPurge(urls, imagekit.checker({}));
}
function ixPlan(urls: string[], config = {}) {
  return planPurge(urls, imgix.checker(config));
}

describe('purge: ImageKit wire format on a loopback server', function () {
  this.timeout(20_000);
  let server: TestServer;
  let client: HttpClient;
  beforeEach(async () => {
    server = await startServer((req, res) => reply(res, 201, { requestId: `req-${req.index}` }));
    client = new HttpClient({ retry: FAST, timeoutMs: 5_000 });
  });
  afterEach(async () => {
    await client.close();
    await server.close();
  });
  const opts = () => ({ adapter: imagekit, apiBase: server.base, key: KEY, client });

  it('POSTs {url} to /v1/files/purge with Basic base64(key + ":") and application/json; 201 + requestId is accepted', async () => {
    const plan = ikPlan([
      'https://ik.imagekit.io/demo/a.jpg',
      'https://ik.imagekit.io/demo/folder/b c.png',
      'https://ik.imagekit.io/demo/images/upload*',
    ]);
    const results = await executePlan(plan.requests, opts());
    assert.equal(server.requests.length, 3);
    for (const r of server.requests) {
      assert.equal(r.method, 'POST');
      assert.equal(r.url, '/v1/files/purge');
      assert.equal(r.headers.authorization, BASIC);
      assert.equal(Buffer.from(BASIC.slice(6), 'base64').toString('utf8'), `${KEY}:`, 'the key and a colon');
      assert.match(String(r.headers['content-type']), /^application\/json\b/);
      assert.deepEqual(Object.keys(JSON.parse(r.body)), ['url']);
    }
    assert.deepEqual(
      server.requests.map((r) => JSON.parse(r.body).url).sort(),
      [
        'https://ik.imagekit.io/demo/a.jpg',
        'https://ik.imagekit.io/demo/folder/b%20c.png',
        'https://ik.imagekit.io/demo/images/upload*',
      ].sort(),
    );
    assert.deepEqual(
      results.map((r) => r.url),
      plan.requests.map((r) => r.url),
      'results in plan order',
    );
    for (const r of results) {
      assert.equal(r.ok, true);
      assert.equal(r.status, 'accepted');
      assert.equal(r.httpStatus, 201);
      assert.match(r.requestId ?? '', /^req-\d$/);
      assert.equal(r.attempts, 1);
    }
    const sentFor = new Map(server.requests.map((r) => [JSON.parse(r.body).url as string, `req-${r.index}`]));
    for (const r of results)
      assert.equal(r.requestId, sentFor.get(r.url), 'each result carries the id of its own request');
  });

  it('accepts a 200 with a requestId too; a 200 (or 201) JSON answer without one is unexpected: unknown, counted', async () => {
    server.handler = (req, res) =>
      reply(res, req.index === 2 ? 201 : 200, req.index === 0 ? { requestId: 'x200' } : {});
    const [a] = await executePlan(ikPlan(['https://ik.imagekit.io/demo/a.jpg']).requests, opts());
    assert.equal(a.ok, true);
    assert.equal(a.httpStatus, 200);
    assert.equal(a.requestId, 'x200');
    for (const u of ['b', 'c']) {
      const [b] = await executePlan(ikPlan([`https://ik.imagekit.io/demo/${u}.jpg`]).requests, opts());
      assert.deepEqual([b.ok, b.status, b.requestId, b.unexpected?.fromProvider], [false, 'unknown', undefined, true]);
      assert.equal(spendsQuota(b), true, 'ImageKit answered: it may have been received');
      assert.match(b.message ?? '', /^Unexpected answer from ImageKit \(HTTP 20[01], application\/json: "\{\}"\)/);
    }
  });

  it('a captive portal answering 200 with an HTML page: not a success, unknown and counted (it may have been passed on), first bytes shown safely', async () => {
    server.handler = (_req, res) =>
      reply(res, 200, '<html><title>Sign in</title>\u001b]0;owned\u0007 Hotel Wi-Fi</html>', {
        'content-type': 'text/html; charset=utf-8',
      });
    const [r] = await executePlan(ikPlan(['https://ik.imagekit.io/demo/a.jpg']).requests, opts());
    assert.equal(server.requests.length, 1, 'not retried: an answer came');
    assert.deepEqual([r.ok, r.status, r.httpStatus, r.requestId], [false, 'unknown', 200, undefined]);
    assert.equal(spendsQuota(r), true, 'it may have reached ImageKit: never "not sent"');
    assert.equal(r.unexpected?.fromProvider, false);
    assert.equal(r.unexpected?.excerpt, '<html><title>Sign in</title>\\x1B]0;owned\\x07 Hotel Wi-Fi</html>');
    assert.match(r.message ?? '', /not from ImageKit's API \(HTTP 200, text\/html: "<html><title>Sign in/);
    assert.match(r.hint ?? '', /captive portal/);
  });

  it('an error {message, help} is shown verbatim, with our hint; 400 is not retried', async () => {
    server.handler = (_req, res) =>
      reply(res, 400, {
        message: 'Your request contains invalid url.',
        help: 'For support kindly contact us at support@imagekit.io .',
      });
    const [r] = await executePlan(ikPlan(['https://ik.imagekit.io/demo/a.jpg']).requests, opts());
    assert.equal(server.requests.length, 1);
    assert.equal(r.ok, false);
    assert.equal(r.status, 'failed');
    assert.equal(r.httpStatus, 400);
    assert.equal(r.message, 'Your request contains invalid url.');
    assert.equal(r.help, 'For support kindly contact us at support@imagekit.io .');
    assert.match(r.hint ?? '', /Check the URL against the rules/);
    assert.equal(r.remedy, 'url');
  });

  it('401 says to check the key; 429 (after retries) mentions the 1000-a-month limit', async () => {
    server.handler = (_req, res) => reply(res, 401, { message: 'Your account cannot be authenticated.' });
    const [a] = await executePlan(ikPlan(['https://ik.imagekit.io/demo/a.jpg']).requests, opts());
    assert.equal(a.status, 'failed');
    assert.match(a.hint ?? '', /refused the key/);
    assert.equal(a.remedy, 'key');
    server.handler = (_req, res) => reply(res, 429, { message: 'Purge limit reached' }, { 'retry-after': '0' });
    const c = new HttpClient({ retry: { ...FAST, maxRetries: 1 } });
    try {
      const [b] = await executePlan(ikPlan(['https://ik.imagekit.io/demo/b.jpg']).requests, { ...opts(), client: c });
      assert.equal(b.httpStatus, 429);
      assert.equal(b.attempts, 2);
      assert.match(b.hint ?? '', /1000 purge requests a month/);
    } finally {
      await c.close();
    }
  });

  it('an error page that is not ImageKit\'s, and an empty answer: a clear "unexpected answer", not a refusal of the key', async () => {
    server.handler = (req, res) => (req.index === 0 ? reply(res, 403, '<html>Forbidden</html>') : reply(res, 404));
    const [a] = await executePlan(ikPlan(['https://ik.imagekit.io/demo/a.jpg']).requests, opts());
    assert.deepEqual([a.ok, a.status, a.remedy], [false, 'unknown', undefined]);
    assert.match(
      a.message ?? '',
      /^Unexpected answer, not from ImageKit's API \(HTTP 403, text\/plain: "<html>Forbidden<\/html>"\)/,
    );
    const [b] = await executePlan(ikPlan(['https://ik.imagekit.io/demo/b.jpg']).requests, opts());
    assert.deepEqual([b.ok, b.status], [false, 'unknown']);
    assert.match(b.message ?? '', /HTTP 404, no content type, empty body/);
    // ImageKit's own JSON errors stay refusals.
    server.handler = (_req, res) => reply(res, 404, { message: 'No such thing' });
    const [c] = await executePlan(ikPlan(['https://ik.imagekit.io/demo/c.jpg']).requests, opts());
    assert.deepEqual([c.status, c.message], ['failed', 'No such thing']);
  });

  it('a 5xx is retried and the success counts; a reset after the purge was sent is "unknown" and not re-sent (ImageKit)', async () => {
    server.handler = (req, res) =>
      req.index === 0 ? reply(res, 502, 'bad gateway') : reply(res, 201, { requestId: 'after-502' });
    const [a] = await executePlan(ikPlan(['https://ik.imagekit.io/demo/a.jpg']).requests, opts());
    assert.equal(a.ok, true);
    assert.equal(a.attempts, 2);
    assert.equal(a.requestId, 'after-502');
    server.handler = (_req, _res, raw) => {
      raw.socket.destroy();
    };
    const c = new HttpClient({ retry: { ...FAST, maxRetries: 1 } });
    try {
      const before = server.requests.length;
      const [b] = await executePlan(ikPlan(['https://ik.imagekit.io/demo/b.jpg']).requests, { ...opts(), client: c });
      assert.equal(b.ok, false);
      assert.equal(b.status, 'unknown');
      assert.equal(b.attempts, 1);
      assert.equal(server.requests.length - before, 1, 'sent once: a resend could spend the monthly quota twice');
      assert.match(b.message ?? '', /may have been received/);
      assert.match(b.hint ?? '', /1000 a month/);
    } finally {
      await c.close();
    }
  });

  it('never puts the key (or its base64 form) into a result, even when the server echoes it', async () => {
    server.handler = (req, res) =>
      reply(res, 400, { message: `bad auth ${req.headers.authorization} for ${KEY}`, help: `key=${KEY}` });
    const [r] = await executePlan(ikPlan(['https://ik.imagekit.io/demo/a.jpg']).requests, opts());
    const text = JSON.stringify(r);
    assert.ok(!text.includes(KEY));
    assert.ok(!text.includes(BASIC.slice(6)));
    assert.ok(!text.includes(BASIC.slice(6).replace(/=+$/, '')));
    assert.match(r.message ?? '', /\*\*\*/);
  });

  it('calls onResult once per request, with its index in the plan', async () => {
    const plan = ikPlan([
      'https://ik.imagekit.io/demo/1.jpg',
      'https://ik.imagekit.io/demo/2.jpg',
      'https://ik.imagekit.io/demo/3.jpg',
    ]);
    const seen: Array<[string, number]> = [];
    await executePlan(plan.requests, { ...opts(), onResult: (r, i) => seen.push([r.url, i]) });
    assert.equal(seen.length, 3);
    for (const [url, i] of seen) assert.equal(plan.requests[i].url, url);
  });

  it('an aborted batch: the one in flight is "unknown" (it was sent), the queued ones "cancelled" and never sent', async () => {
    server.handler = () => {}; // never answers
    const ac = new AbortController();
    const plan = ikPlan([
      'https://ik.imagekit.io/demo/1.jpg',
      'https://ik.imagekit.io/demo/2.jpg',
      'https://ik.imagekit.io/demo/3.jpg',
    ]);
    const c = new HttpClient({ retry: FAST, concurrency: 1 });
    try {
      const p = executePlan(plan.requests, { ...opts(), client: c, signal: ac.signal });
      await until(() => server.requests.length === 1, 10_000, 'the first request');
      ac.abort();
      const results = await p;
      assert.deepEqual(
        results.map((r) => r.status),
        ['unknown', 'cancelled', 'cancelled'],
      );
      assert.match(results[0].message ?? '', /may have been received/);
      assert.match(results[1].message ?? '', /before it was sent/);
      assert.ok(results.every((r) => !r.ok && r.httpStatus === undefined));
      await delay(30);
      assert.equal(server.requests.length, 1, 'the queued requests were never sent');
    } finally {
      await c.close();
    }
  });

  it('fetchStatus: GET /v1/files/purge/{requestId} with the same Basic header; Pending and Completed', async () => {
    server.handler = (req, res) => reply(res, 200, { status: req.index === 0 ? 'Pending' : 'Completed' });
    const a = await fetchStatus('598821f949c0a938d57563bd', opts());
    const b = await fetchStatus('598821f949c0a938d57563bd', opts());
    assert.deepEqual(
      server.requests.map((r) => [r.method, r.url, r.headers.authorization, r.body]),
      [
        ['GET', '/v1/files/purge/598821f949c0a938d57563bd', BASIC, ''],
        ['GET', '/v1/files/purge/598821f949c0a938d57563bd', BASIC, ''],
      ],
    );
    assert.deepEqual([a.ok, a.status, a.httpStatus], [true, 'Pending', 200]);
    assert.deepEqual([b.ok, b.status], [true, 'Completed']);
  });

  it('fetchStatus: an unknown id (404 {message}) fails with the message; a bad id is refused without a request', async () => {
    server.handler = (_req, res) => reply(res, 404, { message: 'No request found for this requestId.', help: 'h' });
    const a = await fetchStatus('nope', opts());
    assert.equal(a.ok, false);
    assert.equal(a.httpStatus, 404);
    assert.equal(a.message, 'No request found for this requestId.');
    const before = server.requests.length;
    for (const bad of ['../../etc', 'a b', '', 'x'.repeat(129), 'id?x=1']) {
      const r = await fetchStatus(bad, opts());
      assert.equal(r.ok, false, bad);
      assert.match(r.message ?? '', /not a request id/);
    }
    assert.equal(server.requests.length, before);
  });

  it('fetchStatus: a 200 without a status field is not a success', async () => {
    server.handler = (_req, res) => reply(res, 200, { state: 'done' });
    const r = await fetchStatus('abc', opts());
    assert.equal(r.ok, false);
    assert.match(
      r.message ?? '',
      /^Unexpected answer from ImageKit \(HTTP 200, application\/json: "\{"state":"done"\}"\)/,
    );
    assert.equal(r.unexpected?.fromProvider, true);
  });

  it('fetchStatus for imgix: no status API, no request', async () => {
    const r = await fetchStatus('abc', { adapter: imgix, apiBase: server.base, key: KEY, client });
    assert.equal(r.ok, false);
    assert.match(r.message ?? '', /no purge status API.*verify by fetching/i);
    assert.equal(server.requests.length, 0);
  });

  it('waitForCompletion polls until Completed', async () => {
    server.handler = (req, res) => reply(res, 200, { status: req.index < 2 ? 'Pending' : 'Completed' });
    const polls: StatusOutcome[] = [];
    const r = await waitForCompletion('abc', {
      ...opts(),
      intervalMs: 10,
      timeoutMs: 10_000,
      onPoll: (s) => polls.push(s),
    });
    assert.equal(r.status, 'Completed');
    assert.equal(r.timedOut, false);
    assert.deepEqual(
      polls.map((p) => p.status),
      ['Pending', 'Pending', 'Completed'],
    );
    assert.equal(server.requests.length, 3);
  });

  it('waitForCompletion gives up at its timeout while Pending (timedOut), and stops on an error', async () => {
    server.handler = (_req, res) => reply(res, 200, { status: 'Pending' });
    const r = await waitForCompletion('abc', { ...opts(), intervalMs: 20, timeoutMs: 100 });
    assert.equal(r.timedOut, true);
    assert.equal(r.status, 'Pending');
    assert.ok(server.requests.length >= 1);
    const seen = server.requests.length;
    server.handler = (_req, res) => reply(res, 404, { message: 'gone' });
    const e = await waitForCompletion('abc', { ...opts(), intervalMs: 10, timeoutMs: 10_000 });
    assert.equal(e.ok, false);
    assert.equal(e.timedOut, false);
    assert.equal(server.requests.length - seen, 1);
  });

  it('waitForCompletion stops when cancelled', async function () {
    this.timeout(10_000); // the interval is 60 s: only cancellation ends it in time
    server.handler = (_req, res) => reply(res, 200, { status: 'Pending' });
    const ac = new AbortController();
    const p = waitForCompletion('abc', { ...opts(), intervalMs: 60_000, timeoutMs: 600_000, signal: ac.signal });
    await until(() => server.requests.length === 1, 10_000, 'the first poll');
    ac.abort();
    const r = await p;
    assert.notEqual(r.status, 'Completed');
    assert.equal(r.ok, false);
    assert.match(r.message ?? '', /cancel/i);
    assert.equal(server.requests.length, 1, 'no poll after the cancellation');
  });
});

describe('purge: imgix wire format on a loopback server', function () {
  this.timeout(20_000);
  let server: TestServer;
  let client: HttpClient;
  beforeEach(async () => {
    server = await startServer((req, res) =>
      reply(res, 200, { data: { type: 'purges', id: `purge-${req.index}`, attributes: {} } }),
    );
    client = new HttpClient({ retry: FAST, timeoutMs: 5_000 });
  });
  afterEach(async () => {
    await client.close();
    await server.close();
  });
  const opts = () => ({ adapter: imgix, apiBase: server.base, key: IX_KEY, client });

  it('POSTs the JSON:API body to /api/v1/purge with Bearer <key> and application/vnd.api+json; 200 with data.id', async () => {
    const plan = ixPlan(['https://assets.imgix.net/dogs.png?w=400', 'https://assets.imgix.net/image file.png']);
    const results = await executePlan(plan.requests, opts());
    assert.equal(server.requests.length, 2);
    for (const r of server.requests) {
      assert.equal(r.method, 'POST');
      assert.equal(r.url, '/api/v1/purge');
      assert.equal(r.headers.authorization, `Bearer ${IX_KEY}`);
      assert.equal(r.headers['content-type'], 'application/vnd.api+json');
    }
    assert.deepEqual(
      server.requests
        .map((r) => JSON.parse(r.body))
        .sort((a, b) => (a.data.attributes.url < b.data.attributes.url ? -1 : 1)),
      [
        { data: { type: 'purges', attributes: { url: 'https://assets.imgix.net/dogs.png' } } },
        { data: { type: 'purges', attributes: { url: 'https://assets.imgix.net/image%20file.png' } } },
      ],
    );
    for (const r of results) {
      assert.equal(r.ok, true);
      assert.equal(r.status, 'accepted');
      assert.equal(r.httpStatus, 200);
      assert.match(r.requestId ?? '', /^purge-\d$/);
      assert.match(r.hint ?? '', /does not mean it is done/);
    }
  });

  it('sends sub_image and source_id for a sub-image purge', async () => {
    const plan = ixPlan(['https://assets.imgix.net/marks/logo.png'], {
      subImage: true,
      sourceId: '5ebee107e9c05c0001d9c2d3',
    });
    await executePlan(plan.requests, opts());
    assert.deepEqual(JSON.parse(server.requests[0].body), {
      data: {
        type: 'purges',
        attributes: {
          url: 'https://assets.imgix.net/marks/logo.png',
          sub_image: true,
          source_id: '5ebee107e9c05c0001d9c2d3',
        },
      },
    });
  });

  it('a 200 without data.id is accepted (received, not done), with no id; an empty 200 is unexpected', async () => {
    server.handler = (req, res) => (req.index === 0 ? reply(res, 200, { data: { type: 'purges' } }) : reply(res, 200));
    const [r] = await executePlan(ixPlan(['https://assets.imgix.net/a.png']).requests, opts());
    assert.equal(r.ok, true);
    assert.equal(r.requestId, undefined);
    const [e] = await executePlan(ixPlan(['https://assets.imgix.net/b.png']).requests, opts());
    assert.deepEqual(
      [e.ok, e.status, e.unexpected?.fromProvider],
      [false, 'unknown', false],
      'no JSON came: not imgix',
    );
  });

  it('a key that is not visible ASCII is not sent: error, the position named, never the character', async () => {
    const [r] = await executePlan(ixPlan(['https://assets.imgix.net/a.png']).requests, {
      ...opts(),
      key: 'ix_k\u00e9y',
    });
    assert.equal(server.requests.length, 0);
    assert.deepEqual([r.ok, r.status], [false, 'error']);
    assert.match(r.message ?? '', /not ASCII at position 5 of 6/);
    assert.ok(!(r.message ?? '').includes('\u00e9'));
  });

  it('409 (the same URL purged seconds ago) is a duplicate, not a failure, and is not retried', async () => {
    server.handler = (_req, res) =>
      reply(res, 409, {
        errors: [{ status: '409', title: 'Conflict', detail: 'A purge for this URL was recently requested' }],
      });
    const [r] = await executePlan(ixPlan(['https://assets.imgix.net/a.png']).requests, opts());
    assert.equal(server.requests.length, 1);
    assert.equal(r.ok, true);
    assert.equal(r.status, 'duplicate');
    assert.equal(r.httpStatus, 409);
    assert.match(r.message ?? '', /Conflict: A purge for this URL was recently requested/);
  });

  it('errors {errors:[{status,title,detail}]} become the message; 401 and 403 point at the key', async () => {
    server.handler = (req, res) =>
      reply(res, req.index === 0 ? 401 : 403, {
        errors: [
          { status: '401', title: 'Unauthorized', detail: 'The API key is invalid' },
          { status: '401', title: 'Second', detail: '' },
        ],
      });
    const [a] = await executePlan(ixPlan(['https://assets.imgix.net/a.png']).requests, opts());
    assert.equal(a.ok, false);
    assert.equal(a.status, 'failed');
    assert.equal(a.message, 'Unauthorized: The API key is invalid; Second');
    assert.match(a.hint ?? '', /refused the key/);
    assert.equal(a.remedy, 'key');
    const [b] = await executePlan(ixPlan(['https://assets.imgix.net/b.png']).requests, opts());
    assert.equal(b.httpStatus, 403);
    assert.equal(b.remedy, 'key');
  });

  it('malformed JSON, empty bodies and an empty errors list still give a message', async () => {
    const bodies = ['{"errors": [', '', JSON.stringify({ errors: [] })];
    server.handler = (req, res) =>
      reply(res, 422, bodies[req.index] === '' ? undefined : bodies[req.index], { 'content-type': IMGIX_CONTENT_TYPE });
    const messages: Array<string | undefined> = [];
    for (const u of ['a', 'b', 'c']) {
      const [r] = await executePlan(ixPlan([`https://assets.imgix.net/${u}.png`]).requests, opts());
      assert.equal(r.ok, false);
      messages.push(r.message);
    }
    assert.deepEqual(messages, ['{"errors": [', 'HTTP 422', '{"errors":[]}']);
  });

  it('the Bearer key never appears in a result, even echoed back by the server', async () => {
    server.handler = (req, res) =>
      reply(res, 400, { errors: [{ status: '400', title: 'Bad', detail: `got ${req.headers.authorization}` }] });
    const [r] = await executePlan(ixPlan(['https://assets.imgix.net/a.png']).requests, opts());
    assert.ok(!JSON.stringify(r).includes(IX_KEY));
    assert.match(r.message ?? '', /Bearer \*\*\*/);
  });
});

describe('purge: executePlan through an injected MockAgent at the default API bases', () => {
  it('ImageKit at https://api.imagekit.io and imgix at https://api.imgix.com, no network', async () => {
    const mock = new MockAgent();
    mock.disableNetConnect();
    const seen: Array<{ origin: string; path: string; auth: string }> = [];
    const record = (origin: string) => (o: { path: string; headers?: unknown }) => {
      const h = o.headers as Record<string, string>;
      seen.push({ origin, path: o.path, auth: h.authorization });
      return origin.includes('imagekit')
        ? {
            statusCode: 201,
            data: JSON.stringify({ requestId: '598821f949c0a938d57563bd' }),
            responseOptions: { headers: { 'content-type': 'application/json' } },
          }
        : {
            statusCode: 200,
            data: JSON.stringify({ data: { id: 'imgix-1', type: 'purges' } }),
            responseOptions: { headers: { 'content-type': IMGIX_CONTENT_TYPE } },
          };
    };
    mock
      .get('https://api.imagekit.io')
      .intercept({ path: '/v1/files/purge', method: 'POST' })
      .reply(record('https://api.imagekit.io'));
    mock
      .get('https://api.imgix.com')
      .intercept({ path: '/api/v1/purge', method: 'POST' })
      .reply(record('https://api.imgix.com'));
    const client = new HttpClient({ dispatcher: mock, retry: FAST });
    try {
      const [ik] = await executePlan(ikPlan(['https://ik.imagekit.io/your_imagekit_id/default-image.jpg']).requests, {
        adapter: imagekit,
        apiBase: imagekit.defaultApiBase,
        key: 'your_private_key',
        client,
      });
      const [ix] = await executePlan(ixPlan(['https://assets.imgix.net/examples/couple.jpg']).requests, {
        adapter: imgix,
        apiBase: imgix.defaultApiBase,
        key: 'api-key',
        client,
      });
      assert.deepEqual([ik.ok, ik.httpStatus, ik.requestId], [true, 201, '598821f949c0a938d57563bd']);
      assert.deepEqual([ix.ok, ix.httpStatus, ix.requestId], [true, 200, 'imgix-1']);
      assert.deepEqual(seen, [
        { origin: 'https://api.imagekit.io', path: '/v1/files/purge', auth: 'Basic eW91cl9wcml2YXRlX2tleTo=' },
        { origin: 'https://api.imgix.com', path: '/api/v1/purge', auth: 'Bearer api-key' },
      ]);
      mock.assertNoPendingInterceptors();
    } finally {
      await client.close();
      await mock.close();
    }
  });
});
