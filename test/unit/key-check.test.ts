// The key check (src/core/keyCheck.ts and each provider's `keyCheck`): one read-only authenticated request that
// purges nothing and spends no quota. Read against answers in the shapes the providers document (ImageKit's
// {message, help} with x-ik-requestId; imgix's JSON:API errors), against the emulator (which must answer as the
// real API does), and against a connection that fails (cannot tell). The key never appears in what comes back.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpClient } from '../../src/core/http';
import { checkKey } from '../../src/core/keyCheck';
import {
  DEFAULT_IMAGEKIT_TEST_KEY,
  IMAGEKIT_KEY_CHECK,
  IMAGEKIT_KEY_CHECK_ID,
  imagekit,
} from '../../src/core/providers/imagekit';
import { DEFAULT_IMGIX_TEST_KEY, IMGIX_KEY_CHECK, imgix } from '../../src/core/providers/imgix';
import { startEmulator } from '../../src/emulator';

const JSON_H = {
  'content-type': 'application/json; charset=utf-8',
  'x-ik-requestid': 'c2f1a0b4-0000-4000-8000-000000000001',
};
const JSONAPI_H = { 'content-type': 'application/vnd.api+json' };
const KEY = 'private_S3cr3tK3yF0rT3sts0nly=';

describe('key check: ImageKit (GET the status of a purge that cannot exist)', () => {
  it('asks for the status of an id no purge has, with Basic auth, and nothing else', () => {
    const spec = IMAGEKIT_KEY_CHECK.request('https://api.imagekit.io', KEY);
    assert.equal(spec.method, 'GET');
    assert.equal(spec.url, `https://api.imagekit.io/v1/files/purge/${IMAGEKIT_KEY_CHECK_ID}`);
    assert.equal(spec.headers.authorization, `Basic ${Buffer.from(`${KEY}:`).toString('base64')}`);
    assert.equal(spec.body, undefined);
  });

  const cases: Array<[string, number, Record<string, string>, string, string]> = [
    [
      '404 {message} from ImageKit: the key works',
      404,
      JSON_H,
      '{"message":"No request found for this requestId.","help":"For support kindly contact us at support@imagekit.io ."}',
      'works',
    ],
    ['400 {message} from ImageKit: the key works', 400, JSON_H, '{"message":"Invalid requestId","help":""}', 'works'],
    [
      '401 (documented: no valid API key): rejected',
      401,
      JSON_H,
      '{"message":"Your account cannot be authenticated.","help":"For support kindly contact us at support@imagekit.io ."}',
      'rejected',
    ],
    [
      '403 (documented: cannot authenticate, expired key): rejected',
      403,
      JSON_H,
      '{"message":"Your API key has expired.","help":""}',
      'rejected',
    ],
    ['429: cannot tell', 429, JSON_H, '{"message":"Too many requests","help":""}', 'unknown'],
    ['502 from ImageKit: cannot tell', 502, JSON_H, '{"message":"Bad gateway"}', 'unknown'],
    [
      'a captive portal page (200 text/html): cannot tell',
      200,
      { 'content-type': 'text/html' },
      '<html>Sign in to the Wi-Fi</html>',
      'unknown',
    ],
    [
      'a proxy refusal (403 text/html): cannot tell, not rejected',
      403,
      { 'content-type': 'text/html' },
      '<h1>Forbidden by policy</h1>',
      'unknown',
    ],
  ];
  for (const [name, status, headers, body, verdict] of cases)
    it(name, () => {
      const a = IMAGEKIT_KEY_CHECK.parse(status, body, headers, [KEY]);
      assert.equal(a.verdict, verdict, a.reason);
      assert.equal(a.httpStatus, status);
    });

  it("the provider's message is passed on made safe, with the support id", () => {
    const a = IMAGEKIT_KEY_CHECK.parse(401, `{"message":"bad key ${KEY}\\u001b[31m"}`, JSON_H, [KEY]);
    assert.equal(a.verdict, 'rejected');
    assert.ok(a.message && !a.message.includes(KEY), a.message);
    assert.ok(!a.message.includes('\u001b'));
    assert.equal(a.supportId, JSON_H['x-ik-requestid']);
  });
});

describe('key check: imgix (GET the first Source, read-only)', () => {
  it('lists at most one Source with the Bearer key, and nothing else', () => {
    const spec = IMGIX_KEY_CHECK.request('https://api.imgix.com', 'abc123');
    assert.equal(spec.method, 'GET');
    assert.equal(spec.url, 'https://api.imgix.com/api/v1/sources?page%5Bnumber%5D=0&page%5Bsize%5D=1');
    assert.equal(spec.headers.authorization, 'Bearer abc123');
    assert.equal(spec.body, undefined);
  });

  const cases: Array<[string, number, Record<string, string>, string, string]> = [
    [
      '200 with a JSON:API list: works',
      200,
      JSONAPI_H,
      '{"data":[{"type":"sources","id":"5d1b6f8e4cc8e60001f2e3a1","attributes":{"name":"assets"}}],"jsonapi":{"version":"1.0"}}',
      'works',
    ],
    [
      '401 (documented: the key is invalid): rejected',
      401,
      JSONAPI_H,
      '{"errors":[{"id":"e1","status":"401","title":"Unauthorized","detail":"Invalid API key"}]}',
      'rejected',
    ],
    [
      '403 from imgix (a key without the Sources permission): works',
      403,
      JSONAPI_H,
      '{"errors":[{"status":"403","title":"Forbidden","detail":"Permission denied"}]}',
      'works',
    ],
    ['429: cannot tell', 429, JSONAPI_H, '{"errors":[{"status":"429","title":"Too Many Requests"}]}', 'unknown'],
    ['500: cannot tell', 500, JSONAPI_H, '{"errors":[{"status":"500","title":"Internal Server Error"}]}', 'unknown'],
    ['200 that is not JSON (a portal): cannot tell', 200, { 'content-type': 'text/html' }, '<html></html>', 'unknown'],
  ];
  for (const [name, status, headers, body, verdict] of cases)
    it(name, () => assert.equal(IMGIX_KEY_CHECK.parse(status, body, headers, ['k']).verdict, verdict));

  it('a key that cannot travel in a header is refused before anything is sent', async () => {
    let sent = 0;
    const r = await checkKey(imgix, 'https://api.imgix.com', 'bad\u00e9key', {
      send: async () => {
        sent++;
        throw new Error('not reached');
      },
    });
    assert.equal(r?.verdict, 'rejected');
    assert.equal(sent, 0);
  });
});

describe('key check: against the emulator (answers as the real APIs do)', function () {
  this.timeout(20_000);
  let emu: Awaited<ReturnType<typeof startEmulator>>;
  let client: HttpClient;
  before(async () => {
    emu = await startEmulator({ rate: 0 });
    client = new HttpClient({ timeoutMs: 5000, retry: { maxRetries: 0 } });
  });
  after(async () => {
    await client.close();
    await emu.close();
  });

  it('ImageKit: the test key works, another is rejected, and nothing is purged or counted', async () => {
    const ok = await checkKey(imagekit, emu.url, DEFAULT_IMAGEKIT_TEST_KEY, client);
    assert.equal(ok?.verdict, 'works', ok?.reason);
    assert.equal(ok?.httpStatus, 404);
    const bad = await checkKey(imagekit, emu.url, 'private_wrong', client);
    assert.equal(bad?.verdict, 'rejected', bad?.reason);
    assert.equal(bad?.httpStatus, 401);
    const info = (await (await fetch(`${emu.url}/_emulator/info`)).json()) as { imagekit: { quota: { used: number } } };
    assert.equal(info.imagekit.quota.used, 0, 'a key check spends no quota');
  });

  it('imgix: the test key works, another is rejected', async () => {
    const ok = await checkKey(imgix, emu.url, DEFAULT_IMGIX_TEST_KEY, client);
    assert.equal(ok?.verdict, 'works', ok?.reason);
    assert.equal(ok?.httpStatus, 200);
    const bad = await checkKey(imgix, emu.url, 'wrong', client);
    assert.equal(bad?.verdict, 'rejected', bad?.reason);
  });
});

describe('key check: no answer', function () {
  this.timeout(20_000);
  it('nothing listens: cannot tell, the reason names the host and never the key', async () => {
    const server = http.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((r) => server.close(() => r()));
    const client = new HttpClient({ timeoutMs: 3000, retry: { maxRetries: 0 } });
    try {
      const r = await checkKey(imagekit, `http://127.0.0.1:${port}`, KEY, client);
      assert.equal(r?.verdict, 'unknown');
      assert.equal(r?.httpStatus, 0);
      assert.match(r?.reason ?? '', new RegExp(`127\\.0\\.0\\.1:${port}`));
      assert.ok(!JSON.stringify(r).includes(KEY));
    } finally {
      await client.close();
    }
  });

  it('a provider without a key check: undefined (the key is stored unchecked)', async () => {
    assert.equal(
      await checkKey({ id: 'x', label: 'X' }, 'https://x', 'k', { send: async () => assert.fail() }),
      undefined,
    );
  });
});
