// Issue 11 item 9, end to end with the built CLI: the progress bar is drawn on stderr only when it is a terminal
// (run under a real pseudo-terminal with util-linux `script`), and nothing of it appears when stderr is a pipe;
// every request carries a User-Agent naming the tool and its version; --debug logs each request's timing and no
// form of either key.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { emulatorFixture } from './emulator-helpers';
import { cliEnv, ensureCliBuilt, runCli } from './helpers/cli';
import { formsOf } from './helpers/key-forms';
import { CLI, ROOT } from './helpers/paths';
import { startServer, type TestServer } from './helpers/server';
import { tmpDir } from './helpers/tmp';

const IK_KEY = 'ik_SeCrEt-7f3a9/Key+Zz=';
const IX_KEY = 'ix_SeCrEt-9c1b2_Tok+Qq=';
const keys = { IMAGEKIT_PRIVATE_KEY: IK_KEY, IMGIX_API_KEY: IX_KEY };
const urls = (n: number) => Array.from({ length: n }, (_, i) => `https://ik.imagekit.io/demo/tty/${i}.jpg`);
const BAR = /imagekit \[[#-]+\] {2}\d+\/3 {2}\d+ ok/;

/** Whether util-linux `script` is here to give the child a pseudo-terminal. */
function hasScript(): boolean {
  try {
    execFileSync('script', ['--version'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

/** Runs the CLI with stdin, stdout and stderr on a pseudo-terminal; resolves with everything the terminal showed. */
function runInPty(args: string[], env: Record<string, string>): Promise<{ code: number | null; screen: string }> {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, CLI, ...args].map(quote).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      cwd: tmpDir('cdn-purge-tty-'),
      env: { ...cliEnv(env), COLUMNS: '100' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let screen = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (screen += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (screen += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, screen });
    });
  });
}

describe('cdn-purge on a terminal and in CI: progress, User-Agent, --debug (child process)', function () {
  this.timeout(60_000);
  const fx = emulatorFixture();

  before(() => ensureCliBuilt());

  it('draws the progress bar on a terminal (a pseudo-terminal through `script`)', async function () {
    assert.ok(hasScript(), 'util-linux `script` is needed to give the CLI a terminal (apt-get install bsdutils)');
    const e = await fx.start({ imagekitKey: IK_KEY, imgixKey: IX_KEY });
    const r = await runInPty(['purge', '-p', 'imagekit', '--api-base', e.url, ...urls(3)], keys);
    assert.equal(r.code, 0, r.screen);
    assert.match(r.screen, BAR);
    assert.ok(r.screen.includes('\r\x1b[2K'), 'the bar is drawn and erased in place');
    // What stays on the screen: each line after its last erase. Every result line is whole, with no piece of the bar.
    const visible = r.screen.split(/\r?\n/).map((l) => l.split('\r\x1b[2K').pop()!);
    const results = visible.filter((l) => l.includes('https://ik.imagekit.io/demo/tty/'));
    assert.equal(results.length, 3, JSON.stringify(visible));
    for (const l of results) assert.match(l, /^ok {3}201 .* id=\d{24}$/, JSON.stringify(l));
    assert.ok(visible.includes('3 requests: 3 accepted, 0 failed'), JSON.stringify(visible));
  });

  it('prints nothing of the bar when stderr is a pipe (CI logs stay clean)', async () => {
    const e = await fx.start({ imagekitKey: IK_KEY, imgixKey: IX_KEY });
    const r = await runCli(['purge', '-p', 'imagekit', '--api-base', e.url, ...urls(3)], { env: keys });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.doesNotMatch(r.stdout, BAR);
    assert.ok(!(r.stdout + r.stderr).includes('\x1b'), 'no terminal control sequence at all');
    assert.equal(r.stdout.split('\n').filter((l) => /^ok {3}201 /.test(l)).length, 3);
  });

  it('sends a User-Agent naming the tool and the version of package.json to both providers', async () => {
    const version = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string })
      .version;
    let server: TestServer | undefined;
    try {
      // A loopback server standing in for both APIs (the emulator does not log request headers).
      server = await startServer((req, res) => {
        if (req.url.startsWith('/api/v1/purge')) {
          res.writeHead(200, { 'content-type': 'application/vnd.api+json' });
          res.end(JSON.stringify({ data: { type: 'purges', id: '1', attributes: { url: 'x' } } }));
        } else {
          res.writeHead(201, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ requestId: '0123456789abcdef01234567' }));
        }
      });
      const ik = await runCli(['purge', '-p', 'imagekit', '--api-base', server.base, urls(1)[0]], { env: keys });
      const ix = await runCli(['purge', '-p', 'imgix', '--api-base', server.base, 'https://assets.imgix.net/ua.png'], {
        env: keys,
      });
      assert.equal(ik.code, 0, ik.stdout + ik.stderr);
      assert.equal(ix.code, 0, ix.stdout + ix.stderr);
      assert.equal(server.requests.length, 2);
      for (const req of server.requests)
        assert.equal(req.headers['user-agent'], `cdn-purge/${version} (node ${process.version}; ${process.platform})`);
    } finally {
      await server?.close();
    }
  });

  it('--debug logs each request with its time, on stderr, and no form of either key', async () => {
    const e = await fx.start({ imagekitKey: IK_KEY, imgixKey: IX_KEY });
    const ik = await runCli(['purge', '-p', 'imagekit', '--api-base', e.url, '--debug', ...urls(3)], { env: keys });
    const ix = await runCli(
      ['purge', '-p', 'imgix', '--api-base', e.url, '--debug', 'https://assets.imgix.net/debug.png'],
      { env: keys },
    );
    // A wrong key too: its refusal (401) must not echo it either.
    const wrong = await runCli(['purge', '-p', 'imagekit', '--api-base', e.url, '--debug', urls(1)[0]], {
      env: { IMAGEKIT_PRIVATE_KEY: 'ik_SeCrEt-7f3a9/Key+Zz=x' },
    });
    assert.equal(ik.code, 0, ik.stderr);
    assert.equal(ix.code, 0, ix.stderr);
    assert.equal(wrong.code, 1, wrong.stderr);
    for (const u of urls(3))
      assert.match(ik.stderr, new RegExp(`^debug: .*POST .*attempt 1: HTTP 201 in \\d+ ms`, 'm'), u);
    const timed = ik.stderr.split('\n').filter((l) => /^debug: .* attempt 1: HTTP 201 in \d+ ms/.test(l));
    assert.equal(timed.length, 3, ik.stderr);
    assert.match(ix.stderr, /^debug: .* attempt 1: HTTP 200 in \d+ ms/m);
    assert.match(wrong.stderr, /^debug: .* attempt 1: HTTP 401 in \d+ ms/m);
    assert.doesNotMatch(ik.stdout, /^debug:/m, 'debug lines go to stderr only');
    const all = [ik, ix, wrong].map((r) => r.stdout + r.stderr).join('\n');
    for (const key of [IK_KEY, IX_KEY, 'ik_SeCrEt-7f3a9/Key+Zz=x'])
      for (const form of formsOf(key)) assert.ok(!all.includes(form), `a form of a key was printed: ${form}`);
  });
});
