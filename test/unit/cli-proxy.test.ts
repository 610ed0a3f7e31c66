// Proxies, end to end on loopback only: `cdn-purge purge` (a child process) to ImageKit's real API host
// (https://api.imagekit.io) through HTTPS_PROXY, a CONNECT proxy on 127.0.0.1 that checks Proxy-Authorization and
// tunnels every CONNECT to a local TLS server with a certificate for api.imagekit.io from a test CA (trusted through
// --ca-file or NODE_EXTRA_CA_CERTS). Nothing leaves the machine: the proxy never connects where it is asked to.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { proxyFor, resolveProxySettings } from '../../src/core/proxy';
import { spawnCli } from './helpers/spawn-cli';
import { tmpDir } from './helpers/tmp';

const KEY = 'private_proxy_test_key_5521';
const PROXY_USER = 'ci-user';
const PROXY_PASS = 'pr0xy-s3cret-77';

interface Pki {
  dir: string;
  ca: string;
  key: string;
  cert: string;
}

function pki(): Pki {
  const dir = tmpDir('cdn-purge-pki-');
  const f = (n: string) => path.join(dir, n);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  ssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=cdn-purge test CA',
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.pem'),
    '-days',
    '2',
  );
  ssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=api.imagekit.io',
    '-keyout',
    f('srv.key'),
    '-out',
    f('srv.csr'),
  );
  fs.writeFileSync(f('ext.cnf'), 'subjectAltName=DNS:api.imagekit.io\n');
  ssl(
    'x509',
    '-req',
    '-in',
    f('srv.csr'),
    '-CA',
    f('ca.pem'),
    '-CAkey',
    f('ca.key'),
    '-CAcreateserial',
    '-out',
    f('srv.pem'),
    '-days',
    '2',
    '-extfile',
    f('ext.cnf'),
  );
  return { dir, ca: f('ca.pem'), key: f('srv.key'), cert: f('srv.pem') };
}

describe('proxies: HTTPS_PROXY with credentials, a CONNECT proxy and a CA file (loopback only)', function () {
  this.timeout(60_000);
  let certs: Pki;
  let api: https.Server;
  let proxy: http.Server;
  let apiPort = 0;
  let proxyPort = 0;
  const purges: Array<{ path: string; auth?: string; ua?: string; body: string }> = [];
  const connects: Array<{ target: string; auth?: string; ok: boolean }> = [];

  before(async () => {
    certs = pki();
    api = https.createServer({ key: fs.readFileSync(certs.key), cert: fs.readFileSync(certs.cert) }, (req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        purges.push({ path: req.url ?? '', auth: req.headers.authorization, ua: req.headers['user-agent'], body });
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ requestId: `proxied${purges.length}` }));
      });
    });
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
    apiPort = (api.address() as AddressInfo).port;
    const expected = `Basic ${Buffer.from(`${PROXY_USER}:${PROXY_PASS}`).toString('base64')}`;
    proxy = http.createServer((_req, res) => {
      res.writeHead(405);
      res.end();
    });
    proxy.on('connect', (req: http.IncomingMessage, socket: net.Socket) => {
      const auth = req.headers['proxy-authorization'];
      const ok = auth === expected;
      connects.push({ target: req.url ?? '', auth, ok });
      if (!ok) {
        socket.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\n\r\n');
        return;
      }
      // Whatever host was asked for, the tunnel goes to the local TLS server: nothing leaves the machine.
      const upstream = net.connect(apiPort, '127.0.0.1', () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    proxyPort = (proxy.address() as AddressInfo).port;
  });

  after(async () => {
    proxy?.closeAllConnections?.();
    api?.closeAllConnections?.();
    await Promise.all([new Promise((r) => proxy?.close(r)), new Promise((r) => api?.close(r))]);
  });

  beforeEach(() => {
    purges.length = 0;
    connects.length = 0;
  });

  const proxyUrl = (pass = PROXY_PASS) => `http://${PROXY_USER}:${pass}@127.0.0.1:${proxyPort}`;

  /** A secret as written, in Basic auth (alone and after a user) and percent-encoded. */
  const noSecrets = (text: string, secrets: readonly string[]) => {
    for (const x of secrets)
      for (const form of [
        x,
        Buffer.from(`${x}:`).toString('base64'),
        Buffer.from(`${PROXY_USER}:${x}`).toString('base64'),
        encodeURIComponent(x),
      ])
        assert.ok(!text.includes(form), `printed: ${form.slice(0, 6)}…`);
  };

  it('purges through the proxy (CONNECT api.imagekit.io:443 with its credentials), trusting --ca-file; --debug never prints them', async () => {
    const state = tmpDir();
    const r = await spawnCli(
      [
        'purge',
        '-p',
        'imagekit',
        '--ca-file',
        certs.ca,
        '--debug',
        '--quota-file',
        path.join(state, 'q.json'),
        'https://ik.imagekit.io/demo/p.jpg',
      ],
      { IMAGEKIT_PRIVATE_KEY: KEY, HTTPS_PROXY: proxyUrl() },
    ).done;
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(
      connects.map((c) => [c.target, c.ok]),
      [['api.imagekit.io:443', true]],
    );
    assert.equal(purges.length, 1);
    assert.equal(purges[0].path, '/v1/files/purge');
    assert.equal(purges[0].auth, `Basic ${Buffer.from(`${KEY}:`).toString('base64')}`);
    assert.match(purges[0].ua ?? '', /^cdn-purge\/\S+ \(node v\d+/);
    assert.match(r.stdout, /ok {3}201 .*id=proxied1/);
    assert.match(r.stderr, new RegExp(`via http://127\\.0\\.0\\.1:${proxyPort}`));
    noSecrets(r.stdout + r.stderr, [KEY, PROXY_PASS, `${PROXY_USER}:${PROXY_PASS}`]);
  });

  it('NODE_EXTRA_CA_CERTS works as --ca-file does; without either the test CA is not trusted and nothing is sent', async () => {
    const ok = await spawnCli(
      ['purge', '-p', 'imagekit', '--quota-file', path.join(tmpDir(), 'q.json'), 'https://ik.imagekit.io/demo/n.jpg'],
      {
        IMAGEKIT_PRIVATE_KEY: KEY,
        https_proxy: proxyUrl(),
        NODE_EXTRA_CA_CERTS: certs.ca,
      },
    ).done;
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.equal(purges.length, 1);
    const untrusted = await spawnCli(
      ['purge', '-p', 'imagekit', '--quota-file', path.join(tmpDir(), 'q.json'), 'https://ik.imagekit.io/demo/u.jpg'],
      {
        IMAGEKIT_PRIVATE_KEY: KEY,
        HTTPS_PROXY: proxyUrl(),
      },
    ).done;
    assert.equal(untrusted.code, 1);
    assert.equal(purges.length, 1, 'the TLS handshake failed: nothing was sent to the API');
    noSecrets(ok.stdout + ok.stderr + untrusted.stdout + untrusted.stderr, [KEY, PROXY_PASS]);
  });

  it('wrong proxy credentials: 407 said in words, not sent (not "unknown"), the password never printed', async () => {
    const wrong = 'wr0ng-pa55word-19';
    const r = await spawnCli(
      [
        'purge',
        '-p',
        'imagekit',
        '--ca-file',
        certs.ca,
        '--json',
        '--quota-file',
        path.join(tmpDir(), 'q.json'),
        'https://ik.imagekit.io/demo/w.jpg',
      ],
      {
        IMAGEKIT_PRIVATE_KEY: KEY,
        HTTPS_PROXY: proxyUrl(wrong),
      },
    ).done;
    assert.equal(r.code, 1);
    assert.equal(purges.length, 0);
    assert.ok(connects.length >= 1 && connects.every((c) => !c.ok));
    const out = JSON.parse(r.stdout) as { results: Array<{ status: string; delivery: string; message?: string }> };
    assert.equal(out.results[0].delivery, 'not-sent');
    assert.match(out.results[0].message ?? '', /407 Proxy Authentication Required/);
    noSecrets(r.stdout + r.stderr, [KEY, wrong]);
  });

  it('NO_PROXY and loopback: which URLs go through the proxy (decided without traffic)', () => {
    const s = resolveProxySettings(
      { HTTPS_PROXY: proxyUrl(), NO_PROXY: 'api.imagekit.io,.example.com' },
      undefined,
      [],
    );
    assert.equal(proxyFor(s, 'https://api.imagekit.io/v1/files/purge'), undefined);
    assert.equal(proxyFor(s, 'https://cdn.example.com/a.jpg'), undefined);
    assert.equal(proxyFor(s, 'https://api.imgix.com/api/v1/purge')?.url, `http://127.0.0.1:${proxyPort}`);
    assert.equal(proxyFor(s, 'http://127.0.0.1:9/x'), undefined, 'loopback is always direct');
    assert.equal(proxyFor(s, 'http://localhost:9/x'), undefined);
  });
});
