// The HEAD behind the hover's "Check cache state" (src/core/cacheState.ts), against a loopback server: one HEAD, no
// key in any header, the caching headers kept in a fixed order and made safe (escapes visible, a key redacted, long
// values capped), a silent server cut off at the deadline, the emulator's copy of the CDN asked when there is one.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkCacheState, MAX_CACHE_HEADER_TEXT } from '../../src/core/cacheState';
import { HttpClient } from '../../src/core/http';
import { Transport } from '../../src/core/transport';
import { startServer, type TestServer } from './helpers/server';

const KEY = 'private_cache_state_key_4242';

describe('cache state: one HEAD to the asset, untrusted headers made safe', () => {
  let server: TestServer | undefined;
  let client: HttpClient | undefined;
  afterEach(async () => {
    await client?.close();
    await server?.close();
    server = client = undefined;
  });

  it('sends one HEAD without a key and keeps the caching headers, in order, made safe', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, {
        'x-cache': 'Hit from cloudfront',
        age: '120',
        'cache-control': 'public, max-age=31536000',
        'last-modified': `Tue, 01 Dec 2026 10:00:00 GMT\x9b2J ${KEY}`,
        etag: `"${'e'.repeat(500)}"`,
        'x-secret': 'not shown',
      });
      res.end();
    });
    client = new HttpClient({ timeoutMs: 5000 });
    const url = 'https://ik.imagekit.io/demo/a.jpg';
    const r = await checkCacheState(url, client, { emulatorBase: server.base, keys: [KEY] });
    assert.equal(server.requests.length, 1);
    const req = server.requests[0];
    assert.equal(req.method, 'HEAD');
    assert.equal(req.url, '/cdn/ik.imagekit.io/demo/a.jpg', "the emulator's copy of the CDN");
    assert.equal(req.headers.authorization, undefined, 'no key is sent');
    assert.ok(!JSON.stringify(req.headers).includes(KEY));
    assert.equal(r.status, 200);
    assert.equal(r.cache, 'hit');
    assert.deepEqual(
      r.headers.map((h) => h.name),
      ['x-cache', 'age', 'cache-control', 'last-modified', 'etag', 'date'],
    );
    const lm = r.headers.find((h) => h.name === 'last-modified')!.value;
    // A C1 control (CSI, a byte an HTTP parser lets through) never reaches the hover as a control; the key is redacted.
    assert.ok(
      ![...lm].some((c) => c.charCodeAt(0) < 0x20 || (c.charCodeAt(0) >= 0x7f && c.charCodeAt(0) <= 0x9f)),
      JSON.stringify(lm),
    );
    assert.ok(lm.startsWith('Tue, 01 Dec 2026 10:00:00 GMT') && !lm.includes(KEY), lm);
    assert.ok(r.headers.find((h) => h.name === 'etag')!.value.length <= MAX_CACHE_HEADER_TEXT);
    assert.equal(r.error, undefined);
  });

  it('the transport: a key it knows is never sent with it, only redacted from what is shown', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(404, { 'x-cache': 'MISS', 'x-echo': KEY });
      res.end();
    });
    const transport = new Transport({ env: {} });
    transport.rememberKey(KEY);
    try {
      const r = await checkCacheState('https://assets.imgix.net/x.png', await transport.assets(), {
        emulatorBase: server.base,
        keys: transport.keys.list(),
      });
      assert.equal(r.status, 404);
      assert.equal(r.cache, 'miss');
      assert.ok(!JSON.stringify(server.requests[0].headers).includes(KEY));
    } finally {
      await transport.close();
    }
  });

  it('a server that never answers: the check ends at its deadline with a reason, nothing thrown', async () => {
    const sockets = new Set<import('node:net').Socket>();
    const silent = http.createServer(() => {
      /* never answers */
    });
    silent.on('connection', (s) => sockets.add(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    client = new HttpClient({ timeoutMs: 30_000 });
    try {
      const started = Date.now();
      const r = await checkCacheState('https://ik.imagekit.io/demo/slow.jpg', client, {
        emulatorBase: base,
        timeoutMs: 300,
      });
      assert.ok(Date.now() - started < 10_000, 'bounded');
      assert.equal(r.status, undefined);
      assert.match(r.error ?? '', /./);
      assert.deepEqual(r.headers, []);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });

  it('a URL that is not http(s): an error in the report, no request', async () => {
    client = new HttpClient({ timeoutMs: 1000 });
    const r = await checkCacheState('ftp://x/y.png', client, { emulatorBase: 'http://127.0.0.1:9' });
    assert.match(r.error ?? '', /not an http\(s\) URL/);
  });
});
