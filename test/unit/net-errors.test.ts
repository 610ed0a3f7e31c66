// Connection errors in words (src/core/netErrors.ts): real TLS servers on 127.0.0.1 with a self-signed, an expired
// and a wrong-host certificate (test/fixtures/tls, a test-only root), a port nothing listens on, a request that
// cannot be built; each says what happened and what to do, is not retried when retrying cannot help, and the CLI
// words its remedy. Codes that cannot be produced here without a network (DNS, proxy) are checked as data.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { HttpClient, type HttpError } from '../../src/core/http';
import { describeNetError } from '../../src/core/netErrors';
import { runCliHere } from './helpers/cli-inprocess';
import { reply, startServer } from './helpers/server';
import { ROOT } from './helpers/paths';

const TLS = path.join(ROOT, 'test', 'fixtures', 'tls');
const read = (f: string) => fs.readFileSync(path.join(TLS, f), 'utf8');

async function tlsServer(certFile: string): Promise<{ base: string; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  const server = https.createServer({ cert: read(certFile), key: read('server.key') }, (_req, res) => {
    hits++;
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end('{"requestId":"x"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `https://127.0.0.1:${port}`,
    hits: () => hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A port on 127.0.0.1 that nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

async function failure(client: HttpClient, url: string, headers: Record<string, string> = {}): Promise<HttpError> {
  try {
    await client.send({ method: 'POST', url, headers, body: '{}' }, { lane: 'test' });
  } catch (e) {
    return e as HttpError;
  }
  assert.fail('the request succeeded');
}

describe('connection errors say what happened and what to do', function () {
  this.timeout(20_000);
  const FAST = { maxRetries: 2, minDelayMs: 5, maxDelayMs: 20, maxWaitMs: 1_000 };

  it('a self-signed certificate: named, the remedy is to trust the root, not retried, nothing sent', async () => {
    const s = await tlsServer('self-signed.pem');
    const client = new HttpClient({ retry: FAST, timeoutMs: 5_000 });
    try {
      const e = await failure(client, `${s.base}/v1/files/purge`);
      assert.match(e.message, /its certificate is self-signed, so it is not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT\)/);
      assert.match(e.message, /\(1 attempt\)/);
      assert.match(e.message, /give CDN Purge that certificate; never turn certificate checks off/);
      assert.deepEqual(
        [e.net?.kind, e.net?.remedy, e.net?.retryable, e.mayHaveReached],
        ['certificate', 'trust', false, false],
      );
      assert.equal(s.hits(), 0);
    } finally {
      await client.close();
      await s.close();
    }
  });

  it('an expired and a wrong-host certificate from a trusted root: each says so and what to check', async () => {
    const agent = new Agent({ connect: { ca: read('ca.pem') } });
    const client = new HttpClient({ retry: FAST, timeoutMs: 5_000, dispatcher: agent });
    const expired = await tlsServer('expired.pem');
    const wrong = await tlsServer('wrong-host.pem');
    const good = await tlsServer('leaf.pem');
    try {
      const a = await failure(client, `${expired.base}/x`);
      assert.match(a.message, /its certificate has expired \(CERT_HAS_EXPIRED\)/);
      assert.match(a.message, /Check this computer's date and time/);
      const b = await failure(client, `${wrong.base}/x`);
      assert.match(b.message, /its certificate is for another host name .*\(ERR_TLS_CERT_ALTNAME_INVALID\)/);
      assert.equal(b.net?.remedy, 'api-base');
      assert.equal(
        (await client.send({ method: 'GET', url: `${good.base}/x`, headers: {} }, { lane: 't' })).status,
        201,
      );
      assert.deepEqual([expired.hits(), wrong.hits(), good.hits()], [0, 0, 1]);
    } finally {
      await client.close();
      await agent.close();
      await Promise.all([expired.close(), wrong.close(), good.close()]);
    }
  });

  it('a refused connection, and a header that cannot be sent (not a network problem)', async () => {
    const port = await closedPort();
    const client = new HttpClient({ retry: FAST, timeoutMs: 5_000 });
    try {
      const a = await failure(client, `http://127.0.0.1:${port}/x`);
      assert.match(a.message, /connection refused \(nothing listens at that address and port\) \(ECONNREFUSED\)/);
      assert.equal(a.net?.remedy, 'api-base');
      const listening = await startServer((_req, res) => reply(res, 201, { requestId: 'x' }));
      const b = await failure(client, `${listening.base}/x`, { authorization: 'Bearer k\u2019y' }).finally(() =>
        listening.close(),
      );
      assert.equal(listening.requests.length, 0, 'nothing was sent');
      assert.match(b.message, /could not be built.*this is not a network problem.*\(UND_ERR_INVALID_ARG\)/);
      assert.doesNotMatch(b.message, /k\u2019y/);
      assert.deepEqual([b.net?.remedy, b.net?.retryable], ['key', false]);
    } finally {
      await client.close();
    }
  });

  it('the CLI words the remedy: a refused connection names --api-base; a self-signed one NODE_EXTRA_CA_CERTS', async () => {
    const port = await closedPort();
    const r = await runCliHere(
      ['purge', '--provider', 'imagekit', '--api-base', `http://127.0.0.1:${port}`, 'https://ik.imagekit.io/d/a.jpg'],
      { env: { IMAGEKIT_PRIVATE_KEY: 'private_test_key_123' } },
    );
    assert.equal(r.code, 1);
    assert.match(r.stdout, /connection refused/);
    assert.match(r.stdout, /The API base is --api-base URL/);
    assert.match(r.stdout, /^1 request: 0 accepted, 1 failed$/m);
    const s = await tlsServer('self-signed.pem');
    try {
      const t = await runCliHere(
        ['purge', '--provider', 'imagekit', '--api-base', s.base, 'https://ik.imagekit.io/d/a.jpg'],
        { env: { IMAGEKIT_PRIVATE_KEY: 'private_test_key_123' } },
      );
      assert.equal(t.code, 1);
      assert.match(t.stdout, /self-signed/);
      assert.match(t.stdout, /NODE_EXTRA_CA_CERTS=FILE/);
      assert.doesNotMatch(t.stdout + t.stderr, /--ca-file/, 'no flag that does not exist');
    } finally {
      await s.close();
    }
  });

  it('codes that need a network, as data: DNS, timeouts, a proxy asking for credentials, an unknown code', () => {
    const of = (code: string, message = 'x') => describeNetError(Object.assign(new Error(message), { code }));
    assert.deepEqual([of('ENOTFOUND').kind, of('ENOTFOUND').maybeSent], ['dns', false]);
    assert.deepEqual([of('UND_ERR_CONNECT_TIMEOUT').kind, of('UND_ERR_CONNECT_TIMEOUT').maybeSent], ['timeout', false]);
    assert.deepEqual([of('UND_ERR_HEADERS_TIMEOUT').maybeSent, of('ECONNRESET').maybeSent], [true, true]);
    const tlsReset = of(
      'ECONNRESET',
      'Client network socket disconnected before secure TLS connection was established',
    );
    assert.deepEqual([tlsReset.kind, tlsReset.maybeSent], ['tls', false]);
    const proxy = describeNetError(new Error('Proxy response (407) !== 200 when HTTP Tunneling'));
    assert.deepEqual([proxy.kind, proxy.remedy, proxy.maybeSent], ['proxy', 'proxy', false]);
    assert.match(proxy.what, /credentials \(HTTP 407\)/);
    const cause = describeNetError(
      Object.assign(new Error('wrapped'), { cause: { code: 'SELF_SIGNED_CERT_IN_CHAIN' } }),
    );
    assert.equal(cause.kind, 'certificate');
    const odd = of('\u001b[2Jnot a code');
    assert.deepEqual([odd.code, odd.maybeSent], ['UNKNOWN', true], 'an unknown shape is not repeated, and may be sent');
  });
});
