// The `cdn-purge` CLI end to end, as a child process (node dist/cli.js, built by `npm test`'s pretest), against an
// emulator started in this process on a ManualClock; and `cdn-purge emulator` itself as a child process.
// Keys reach the CLI only through its environment; no output may ever contain one.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { formsOf } from './helpers/key-forms';
import { tmpDir } from './helpers/tmp';
import { DEFAULT_IMAGEKIT_TEST_KEY, DEFAULT_IMGIX_TEST_KEY } from '../../src/emulator';
import { call, control, emulatorFixture, ikPurge, sleep } from './emulator-helpers';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Every output of every CLI run in this file, checked for keys at the end. */
const allOutput: string[] = [];

function baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...extra };
  for (const k of ['IMAGEKIT_PRIVATE_KEY', 'IMGIX_API_KEY', 'XDG_STATE_HOME']) if (!(k in extra)) delete env[k];
  return env;
}

function spawnCli(args: string[], env: Record<string, string>): { child: ChildProcess; done: Promise<Run> } {
  const child = spawn(process.execPath, [CLI, ...args], { env: baseEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const done = new Promise<Run>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      allOutput.push(stdout, stderr);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, done };
}

function runCli(args: string[], env: Record<string, string>): Promise<Run> {
  return spawnCli(args, env).done;
}

/** Resolves with the first line the child prints on stdout. */
function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const onData = (c: Buffer) => {
      buf += c.toString('utf8');
      const nl = buf.indexOf('\n');
      if (nl >= 0) {
        child.stdout!.off('data', onData);
        resolve(buf.slice(0, nl));
      }
    };
    child.stdout!.on('data', onData);
    child.once('close', (code) => reject(new Error(`exited (${code}) before printing a line: ${buf}`)));
  });
}

async function waitFor(what: string, test: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('cdn-purge CLI against the emulator (child process)', function () {
  this.timeout(60_000);
  const fx = emulatorFixture();
  let stateDir: string;
  let ik: Record<string, string>;
  let ix: Record<string, string>;

  before(() => {
    assert.ok(fs.existsSync(CLI), `${CLI} is missing: run npm run build first (npm test does).`);
  });

  beforeEach(() => {
    stateDir = tmpDir('cdn-purge-cli-');
    ik = { CDN_PURGE_STATE_DIR: stateDir, IMAGEKIT_PRIVATE_KEY: DEFAULT_IMAGEKIT_TEST_KEY };
    ix = { CDN_PURGE_STATE_DIR: stateDir, IMGIX_API_KEY: DEFAULT_IMGIX_TEST_KEY };
  });

  after(() => {
    const text = allOutput.join('\n');
    assert.ok(text.length > 0);
    for (const key of [
      DEFAULT_IMAGEKIT_TEST_KEY,
      DEFAULT_IMGIX_TEST_KEY,
      'private_wrong_key_4412',
      'custom_emulator_key_8841',
      'custom_imgix_flag_key_3390',
    ]) {
      for (const form of formsOf(key)) {
        // The emulator command prints the default test keys by design (they are public); nothing else may.
        const allowed = (key === DEFAULT_IMAGEKIT_TEST_KEY || key === DEFAULT_IMGIX_TEST_KEY) && form === key;
        if (!allowed) assert.ok(!text.includes(form), `a form of a key (${key.slice(0, 8)}...) was printed`);
      }
    }
  });

  describe('ImageKit', () => {
    it('purge: exit 0, one line per request with the requestId; the quota counter lands in CDN_PURGE_STATE_DIR', async () => {
      const e = await fx.start();
      const r = await runCli(
        ['purge', '--provider', 'imagekit', '--api-base', e.url, 'https://ik.imagekit.io/demo/a.jpg'],
        ik,
      );
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^ok {3}201 .* https:\/\/ik\.imagekit\.io\/demo\/a\.jpg {2}id=000000000000000000000001$/m);
      assert.match(r.stdout, /1 request: 1 accepted, 0 failed/);
      const log = e.requests();
      assert.equal(log.length, 1);
      assert.deepEqual(
        [log[0].method, log[0].path, log[0].auth, log[0].status],
        ['POST', '/v1/files/purge', 'valid', 201],
      );
      assert.ok(fs.existsSync(path.join(stateDir, 'quota.json')));
      assert.ok(!r.stdout.includes(DEFAULT_IMAGEKIT_TEST_KEY) && !r.stderr.includes(DEFAULT_IMAGEKIT_TEST_KEY));
    });

    it('purge --json: {results:[{url, ok, status, httpStatus, requestId, ...}]}', async () => {
      const e = await fx.start();
      const r = await runCli(
        [
          'purge',
          '-p',
          'imagekit',
          '--api-base',
          e.url,
          '--json',
          'https://ik.imagekit.io/demo/a.jpg',
          'https://ik.imagekit.io/demo/images/upload*',
        ],
        ik,
      );
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.equal(out.results.length, 2);
      for (const res of out.results) {
        assert.equal(res.ok, true);
        assert.equal(res.status, 'accepted');
        assert.equal(res.httpStatus, 201);
        assert.match(res.requestId, /^[0-9a-f]{24}$/);
        assert.equal(res.attempts, 1);
      }
      assert.deepEqual(out.results.map((x: { kind: string }) => x.kind).sort(), ['exact', 'wildcard']);
    });

    it('status: Pending, then Completed after the status delay; --json shape; unknown id exits 1', async () => {
      const e = await fx.start({ statusDelayMs: 10_000 });
      const { json } = await ikPurge(e.url, 'https://ik.imagekit.io/demo/a.jpg');
      const pending = await runCli(['status', '-p', 'imagekit', '--api-base', e.url, json.requestId], ik);
      assert.equal(pending.code, 0, pending.stderr);
      assert.equal(pending.stdout.trim(), `${json.requestId}  Pending`);
      fx.clock.advance(10_000);
      const done = await runCli(['status', '-p', 'imagekit', '--api-base', e.url, '--json', json.requestId], ik);
      assert.equal(done.code, 0, done.stderr);
      const doneJson = JSON.parse(done.stdout);
      assert.match(doneJson.results[0].supportId, /^[0-9a-f-]{36}$/, 'the x-ik-requestId of the answer');
      delete doneJson.results[0].supportId;
      assert.deepEqual(doneJson, {
        results: [{ requestId: json.requestId, ok: true, status: 'Completed', httpStatus: 200 }],
      });
      const unknown = await runCli(['status', '-p', 'imagekit', '--api-base', e.url, 'ffffffffffffffffffffffff'], ik);
      assert.equal(unknown.code, 1);
      assert.match(unknown.stdout, /FAIL 404/);
    });

    it('status --wait polls while Pending and exits 0 once Completed', async () => {
      const e = await fx.start({ statusDelayMs: 10_000 });
      const { json } = await ikPurge(e.url, 'https://ik.imagekit.io/demo/a.jpg');
      const run = spawnCli(
        [
          'status',
          '-p',
          'imagekit',
          '--api-base',
          e.url,
          '--wait',
          '--interval',
          '0.1',
          '--timeout',
          '50',
          json.requestId,
        ],
        ik,
      );
      const polls = () =>
        e.requests({ provider: 'imagekit' }).filter((r) => r.method === 'GET' && r.status === 200).length;
      await waitFor('a Pending poll', async () => polls() >= 1);
      fx.clock.advance(10_000);
      const r = await run.done;
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim(), `${json.requestId}  Completed`);
      assert.ok(polls() >= 2, 'it polled again after Pending');
    });

    it('an invalid URL is not sent and exits 1; usage errors exit 2', async () => {
      const e = await fx.start();
      const invalid = await runCli(
        ['purge', '-p', 'imagekit', '--api-base', e.url, 'https://ik.imagekit.io/demo/images*'],
        ik,
      );
      assert.equal(invalid.code, 1);
      assert.match(invalid.stdout, /wildcard-too-broad/);
      assert.equal(e.requests().length, 0, 'nothing was sent');
      // No --provider: the URL goes to the provider of its host (ImageKit's ik.imagekit.io).
      const noProvider = await runCli(['purge', '--api-base', e.url, 'https://ik.imagekit.io/demo/a.jpg'], ik);
      assert.equal(noProvider.code, 0, noProvider.stderr);
      assert.equal(e.requests().length, 1, 'sent to ImageKit by its host');
      const unknownHost = await runCli(['purge', '--api-base', e.url, 'https://cdn.example.org/a.jpg'], ik);
      assert.equal(unknownHost.code, 1);
      assert.match(unknownHost.stdout, /not on a host of/);
      assert.equal(e.requests().length, 1, 'a URL on no provider host is not sent');
      const noKey = await runCli(
        ['purge', '-p', 'imagekit', '--api-base', e.url, 'https://ik.imagekit.io/demo/a.jpg'],
        { CDN_PURGE_STATE_DIR: stateDir },
      );
      assert.equal(noKey.code, 2);
      assert.match(noKey.stderr, /IMAGEKIT_PRIVATE_KEY is not set/);
    });

    it('a wrong key: 401, exit 1, and the key never appears in the output', async () => {
      const e = await fx.start();
      const wrong = 'private_wrong_key_4412';
      const r = await runCli(['purge', '-p', 'imagekit', '--api-base', e.url, 'https://ik.imagekit.io/demo/a.jpg'], {
        ...ik,
        IMAGEKIT_PRIVATE_KEY: wrong,
      });
      assert.equal(r.code, 1);
      assert.match(r.stdout, /FAIL 401/);
      assert.match(r.stdout, /Your account cannot be authenticated/);
      for (const form of formsOf(wrong)) assert.ok(!r.stdout.includes(form) && !r.stderr.includes(form));
      assert.equal(e.requests()[0].auth, 'invalid');
      const s = await runCli(['status', '-p', 'imagekit', '--api-base', e.url, '--json', '000000000000000000000001'], {
        ...ik,
        IMAGEKIT_PRIVATE_KEY: wrong,
      });
      assert.equal(s.code, 1);
      assert.equal(JSON.parse(s.stdout).results[0].httpStatus, 401);
    });
  });

  describe('imgix', () => {
    it('purge: 200 (received, verify), then the same URL again: 409 duplicate, still exit 0', async () => {
      const e = await fx.start();
      const first = await runCli(
        ['purge', '-p', 'imgix', '--api-base', e.url, 'https://assets.imgix.net/dogs.png?w=400'],
        ix,
      );
      assert.equal(first.code, 0, first.stderr);
      assert.match(
        first.stdout,
        /^ok {3}200 .* https:\/\/assets\.imgix\.net\/dogs\.png {2}id=000000000000000000000001$/m,
      );
      assert.match(first.stdout, /Verify by fetching the asset again/);
      assert.deepEqual(e.requests()[0].body, {
        data: { type: 'purges', attributes: { url: 'https://assets.imgix.net/dogs.png' } },
      });
      const again = await runCli(
        ['purge', '-p', 'imgix', '--api-base', e.url, '--json', 'https://assets.imgix.net/dogs.png'],
        ix,
      );
      assert.equal(again.code, 0, again.stderr);
      const [res] = JSON.parse(again.stdout).results;
      assert.deepEqual([res.ok, res.status, res.httpStatus], [true, 'duplicate', 409]);
      fx.clock.advance(10_000);
      const later = await runCli(
        ['purge', '-p', 'imgix', '--api-base', e.url, '--json', 'https://assets.imgix.net/dogs.png'],
        ix,
      );
      assert.equal(JSON.parse(later.stdout).results[0].status, 'accepted');
    });

    it('a wrong key: 401, exit 1; status is refused for imgix (exit 2)', async () => {
      const e = await fx.start();
      const r = await runCli(['purge', '-p', 'imgix', '--api-base', e.url, 'https://assets.imgix.net/dogs.png'], {
        ...ix,
        IMGIX_API_KEY: 'private_wrong_key_4412',
      });
      assert.equal(r.code, 1);
      assert.match(r.stdout, /FAIL 401/);
      const s = await runCli(['status', '-p', 'imgix', '--api-base', e.url, 'abc'], ix);
      assert.equal(s.code, 2);
      assert.match(s.stderr, /imgix has no purge status API/);
    });

    it('sub-image purges send source_id', async () => {
      const e = await fx.start();
      const r = await runCli(
        [
          'purge',
          '-p',
          'imgix',
          '--api-base',
          e.url,
          '--sub-image',
          '--source-id',
          '5ebee107e9c05c0001d9c2d3',
          'https://assets.imgix.net/mark.png',
        ],
        ix,
      );
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.deepEqual(e.requests()[0].body, {
        data: {
          type: 'purges',
          attributes: {
            url: 'https://assets.imgix.net/mark.png',
            sub_image: true,
            source_id: '5ebee107e9c05c0001d9c2d3',
          },
        },
      });
    });
  });

  describe('cdn-purge emulator', () => {
    it('prints the listening line first, the default test keys, serves, and exits 0 on SIGTERM', async () => {
      const { child, done } = spawnCli(['emulator', '--port', '0', '--status-delay', '0'], {});
      const line = await firstLine(child);
      const m = /^emulator listening on (http:\/\/127\.0\.0\.1:(\d+))$/.exec(line);
      assert.ok(m, line);
      const base = m[1];
      const info = await control(base, 'GET', 'info');
      assert.equal(info.json.port, Number(m[2]));
      assert.equal(info.json.imagekit.statusDelayMs, 0);
      assert.equal((await ikPurge(base, 'https://ik.imagekit.io/demo/a.jpg')).status, 201);
      child.kill('SIGTERM');
      const r = await done;
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.split('\n')[0], line);
      assert.ok(r.stdout.includes(`IMAGEKIT_PRIVATE_KEY=${DEFAULT_IMAGEKIT_TEST_KEY}`), r.stdout);
      assert.ok(r.stdout.includes(`IMGIX_API_KEY=${DEFAULT_IMGIX_TEST_KEY}`), r.stdout);
      assert.match(r.stdout, /emulator stopped \(SIGTERM\)\n$/);
      await assert.rejects(call(base, 'GET', '/_emulator/info'));
    });

    it('stops on SIGINT too (exit 130, the CLI convention for Ctrl-C)', async () => {
      const { child, done } = spawnCli(['emulator', '--port', '0'], {});
      await firstLine(child);
      child.kill('SIGINT');
      const r = await done;
      assert.equal(r.code, 130);
      assert.match(r.stdout, /emulator stopped \(SIGINT\)/);
    });

    it('custom keys (environment or flag) are accepted and never printed', async () => {
      const envKey = 'custom_emulator_key_8841';
      const flagKey = 'custom_imgix_flag_key_3390';
      const { child, done } = spawnCli(['emulator', '--port', '0', '--imgix-key', flagKey, '--log'], {
        IMAGEKIT_PRIVATE_KEY: envKey,
      });
      const line = await firstLine(child);
      const base = line.replace('emulator listening on ', '');
      assert.equal(
        (
          await ikPurge(
            base,
            'https://ik.imagekit.io/demo/a.jpg',
            `Basic ${Buffer.from(`${envKey}:`).toString('base64')}`,
          )
        ).status,
        201,
      );
      const info = await control(base, 'GET', 'info');
      assert.deepEqual(info.json.keys, { imagekit: 'custom', imgix: 'custom' });
      assert.ok(!info.text.includes(envKey) && !info.text.includes(flagKey));
      child.kill('SIGTERM');
      const r = await done;
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /ImageKit accepts the custom key from IMAGEKIT_PRIVATE_KEY \(not shown\)/);
      assert.match(r.stdout, /imgix +accepts the custom key from --imgix-key \(not shown\)/);
      assert.match(r.stdout, /POST \/v1\/files\/purge -> 201 {2}imagekit auth=valid/, '--log prints requests');
      for (const key of [envKey, flagKey])
        for (const form of formsOf(key)) assert.ok(!r.stdout.includes(form) && !r.stderr.includes(form));
    });

    it('refuses a non-loopback host and bad numbers with exit 2; --help exits 0', async () => {
      const host = await runCli(['emulator', '--port', '0', '--host', '0.0.0.0'], {});
      assert.equal(host.code, 2);
      assert.match(host.stderr, /loopback only/);
      const port = await runCli(['emulator', '--port', 'abc'], {});
      assert.equal(port.code, 2);
      assert.match(port.stderr, /--port must be a whole number/);
      const extra = await runCli(['emulator', 'now'], {});
      assert.equal(extra.code, 2);
      const help = await runCli(['emulator', '--help'], {});
      assert.equal(help.code, 0);
      assert.match(help.stdout, /--status-delay MS/);
      const main = await runCli(['--help'], {});
      assert.match(main.stdout, /^ {2}emulator {2}/m);
    });
  });
});
