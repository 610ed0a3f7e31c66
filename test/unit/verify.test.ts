// Verification ("a 200 does not mean done"): what the CDN serves before and after a purge, against the emulator's
// CDN and a bare loopback server.
import assert from 'node:assert/strict';
import { HttpClient } from '../../src/core/http';
import { assetFetchUrl, compareSnapshots, snapshotAsset } from '../../src/core/verify';
import { emulatorFixture } from './emulator-helpers';
import { startServer, type TestServer } from './helpers/server';

describe('verify: snapshots and verdicts', () => {
  const fixture = emulatorFixture();
  let client: HttpClient;
  let server: TestServer | undefined;

  beforeEach(() => {
    client = new HttpClient({ retry: { maxRetries: 0 }, timeoutMs: 5000 });
  });
  afterEach(async () => {
    await client.close();
    await server?.close();
    server = undefined;
  });

  it('maps a CDN URL onto the emulator, and leaves it alone without one', () => {
    assert.equal(
      assetFetchUrl('https://ik.imagekit.io/demo/a b.jpg', 'http://127.0.0.1:9/'),
      'http://127.0.0.1:9/cdn/ik.imagekit.io/demo/a%20b.jpg',
    );
    assert.equal(assetFetchUrl('https://assets.imgix.net/dogs.png?w=400'), 'https://assets.imgix.net/dogs.png?w=400');
  });

  it('reads the validator with a HEAD, and tells stale from fresh after an imgix purge', async () => {
    const emu = await fixture.start();
    const url = 'https://assets.imgix.net/verify/dogs.png';
    const before = await snapshotAsset(url, client, { emulatorBase: emu.url });
    assert.equal(before.status, 200);
    assert.match(before.validator ?? '', /^"[0-9a-f]+"$/, 'the ETag');
    assert.deepEqual(
      emu.requests({ provider: 'cdn' }).map((r) => r.method),
      ['HEAD'],
      'no body was downloaded',
    );

    await fetch(`${emu.url}/_emulator/origin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url, action: 'update' }),
    });
    assert.equal(
      compareSnapshots(before, await snapshotAsset(url, client, { emulatorBase: emu.url })).verdict,
      'unchanged',
      'stale until purged',
    );

    const purge = await fetch(`${emu.url}/api/v1/purge`, {
      method: 'POST',
      headers: { authorization: 'Bearer emulator_test_key_imgix', 'content-type': 'application/vnd.api+json' },
      body: JSON.stringify({ data: { type: 'purges', attributes: { url } } }),
    });
    assert.equal(purge.status, 200);
    assert.equal(
      compareSnapshots(before, await snapshotAsset(url, client, { emulatorBase: emu.url })).verdict,
      'unchanged',
      'a 200 is not done yet',
    );
    fixture.clock.advance(500);
    const after = compareSnapshots(before, await snapshotAsset(url, client, { emulatorBase: emu.url }));
    assert.equal(after.verdict, 'updated', after.detail);
  });

  it('a deleted asset reads as removed once purged', async () => {
    const emu = await fixture.start();
    const url = 'https://assets.imgix.net/verify/gone.png';
    const before = await snapshotAsset(url, client, { emulatorBase: emu.url });
    await fetch(`${emu.url}/_emulator/origin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url, action: 'delete' }),
    });
    await fetch(`${emu.url}/api/v1/purge`, {
      method: 'POST',
      headers: { authorization: 'Bearer emulator_test_key_imgix', 'content-type': 'application/vnd.api+json' },
      body: JSON.stringify({ data: { type: 'purges', attributes: { url } } }),
    });
    fixture.clock.advance(500);
    const v = compareSnapshots(before, await snapshotAsset(url, client, { emulatorBase: emu.url }));
    assert.deepEqual([v.verdict, /404/.test(v.detail)], ['removed', true]);
  });

  it('without ETag or Last-Modified (or when HEAD is refused) it GETs and hashes the bytes', async () => {
    let version = 'one';
    server = await startServer((req, res) => {
      if (req.method === 'HEAD') {
        res.statusCode = 405;
        res.end();
        return;
      }
      res.setHeader('content-type', 'image/png');
      res.end(`bytes of version ${version}`);
    });
    const a = await snapshotAsset(`${server.base}/a.png`, client);
    assert.match(a.validator ?? '', /^sha256:[0-9a-f]{16}$/);
    assert.deepEqual(
      server.requests.map((r) => r.method),
      ['HEAD', 'GET'],
    );
    assert.equal(compareSnapshots(a, await snapshotAsset(`${server.base}/a.png`, client)).verdict, 'unchanged');
    version = 'two';
    assert.equal(compareSnapshots(a, await snapshotAsset(`${server.base}/a.png`, client)).verdict, 'updated');
  });

  it('no copy from before, an error status, an unreachable host', async () => {
    assert.equal(compareSnapshots(undefined, { status: 200, validator: '"x"' }).verdict, 'served');
    assert.equal(compareSnapshots({ status: 200, validator: '"x"' }, { status: 503 }).verdict, 'error');
    server = await startServer((_req, res) => {
      res.end();
    });
    const base = server.base;
    await server.close();
    server = undefined;
    const down = await snapshotAsset(`${base}/a.png`, client);
    assert.equal(down.status, 0);
    assert.match(down.error ?? '', /Could not reach/);
    assert.equal(compareSnapshots({ status: 200, validator: '"x"' }, down).verdict, 'error');
  });
});
