// The `cdn-purge` CLI end to end, as a child process (`node dist/cli.js …`): the contract of issue 3 (--json shapes,
// exit codes 0/1/2, stdin, --dry-run, keys only from the environment and never printed, --api-base refusal,
// --from-git), against a small loopback server that plays ImageKit and imgix. Each run gets its own
// CDN_PURGE_STATE_DIR and HOME.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { monthKey } from '../../src/core/quota';
import { cliEnv, ensureCliBuilt, runCli, type CliRun } from './helpers/cli';
import { commitAll, git, initRepo, write } from './helpers/git';
import { reply, startServer, type TestServer } from './helpers/server';
import { formsOf } from './helpers/key-forms';
import { tmpDir } from './helpers/tmp';

const IK_KEY = 'ik_SeCrEt-7f3a9/Key+Zz=';
const IX_KEY = 'ix_SeCrEt-9c1b2_Tok+Qq=';
const IK_BASIC = `Basic ${Buffer.from(`${IK_KEY}:`).toString('base64')}`;

/** Every form of a key that must never be printed: a literal table (helpers/key-forms.ts). */
const keyForms = formsOf;
function assertNoKey(run: CliRun): void {
  for (const key of [IK_KEY, IX_KEY]) {
    for (const form of keyForms(key)) {
      assert.ok(!run.stdout.includes(form), `stdout contains a form of the key (${form.slice(0, 4)}…)`);
      assert.ok(!run.stderr.includes(form), `stderr contains a form of the key (${form.slice(0, 4)}…)`);
    }
  }
}
function json(run: CliRun): any {
  try {
    return JSON.parse(run.stdout);
  } catch {
    assert.fail(`stdout is not JSON:\n${run.stdout}\nstderr:\n${run.stderr}`);
  }
}

/** The shape issue 3 fixes for purge --json results. */
function assertPurgeResultShape(r: any): void {
  assert.equal(typeof r.url, 'string');
  assert.equal(typeof r.ok, 'boolean');
  assert.equal(typeof r.status, 'string');
  assert.ok(r.httpStatus === null || typeof r.httpStatus === 'number');
  assert.ok(r.requestId === null || typeof r.requestId === 'string');
}

/** A loopback server that plays both purge APIs. */
async function providerServer(): Promise<TestServer> {
  const polls = new Map<string, number>();
  return startServer((req, res) => {
    const body = req.body ? JSON.parse(req.body) : undefined;
    if (req.method === 'POST' && req.url === '/v1/files/purge') {
      if (req.headers.authorization !== IK_BASIC)
        return reply(res, 401, {
          message: `Your account cannot be authenticated (${req.headers.authorization}).`,
          help: 'For support kindly contact us at support@imagekit.io .',
        });
      const url: string = body.url;
      if (url.includes('fail'))
        return reply(res, 400, {
          message: 'Your request contains invalid url.',
          help: 'For support kindly contact us at support@imagekit.io .',
        });
      if (url.includes('echo'))
        return reply(res, 403, { message: `Forbidden for ${req.headers.authorization} key=${IK_KEY}` });
      return reply(res, 201, { requestId: `ik-${req.index}` });
    }
    const status = /^\/v1\/files\/purge\/([^/]+)$/.exec(req.url);
    if (req.method === 'GET' && status) {
      if (req.headers.authorization !== IK_BASIC)
        return reply(res, 401, { message: 'Your account cannot be authenticated.' });
      const id = status[1];
      const n = (polls.get(id) ?? 0) + 1;
      polls.set(id, n);
      if (id === 'missing') return reply(res, 404, { message: 'No request found for this requestId.' });
      if (id === 'never') return reply(res, 200, { status: 'Pending' });
      if (id === 'slow') return reply(res, 200, { status: n < 3 ? 'Pending' : 'Completed' });
      return reply(res, 200, { status: 'Completed' });
    }
    if (req.method === 'POST' && req.url === '/api/v1/purge') {
      if (req.headers.authorization !== `Bearer ${IX_KEY}`)
        return reply(res, 401, {
          errors: [{ status: '401', title: 'Unauthorized', detail: `Bad key ${req.headers.authorization}` }],
        });
      if (req.headers['content-type'] !== 'application/vnd.api+json')
        return reply(res, 415, { errors: [{ status: '415', title: 'Unsupported Media Type' }] });
      const url: string = body.data.attributes.url;
      if (url.includes('dup'))
        return reply(res, 409, {
          errors: [{ status: '409', title: 'Conflict', detail: 'This URL was purged moments ago' }],
        });
      return reply(res, 200, { data: { type: 'purges', id: `ix-${req.index}`, attributes: { url } } });
    }
    return reply(res, 404, { message: 'no route' });
  });
}

describe('cli: cdn-purge as a child process', function () {
  this.timeout(60_000);
  let server: TestServer;

  before(async () => {
    ensureCliBuilt();
    server = await providerServer();
  });
  after(async () => {
    await server?.close();
  });

  describe('help, usage errors and exit code 2', () => {
    it('--help everywhere exits 0 with the usage', async () => {
      const main = await runCli(['--help']);
      assert.equal(main.code, 0);
      assert.match(main.stdout, /Usage: cdn-purge <command>/);
      for (const cmd of ['check', 'plan', 'purge', 'status']) {
        const r = await runCli([cmd, '--help']);
        assert.equal(r.code, 0, cmd);
        assert.match(r.stdout, new RegExp(`^cdn-purge ${cmd} \\[?--provider`), cmd);
        assert.match(r.stdout, /Exit status: 0/);
      }
    });
    it('no command: the usage, exit 2; an unknown command: exit 2 naming the commands', async () => {
      const none = await runCli([]);
      assert.equal(none.code, 2);
      assert.match(none.stdout, /Usage: cdn-purge/);
      const bad = await runCli(['purgee']);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /Unknown command "purgee"\. Commands: check, plan, purge, status/);
    });
    it('a missing --provider, an unknown provider, an unknown option, no URL: exit 2 with what to do', async () => {
      const cases: Array<[string[], RegExp]> = [
        [
          ['check', 'https://ik.imagekit.io/demo/a.jpg'],
          /--provider is required: --provider imagekit or --provider imgix/,
        ],
        [['check', '--provider', 'cloudinary', 'https://x/a.jpg'], /Unknown provider "cloudinary"/],
        [
          ['check', '--provider', 'imagekit', '--bogus', 'https://ik.imagekit.io/demo/a.jpg'],
          /Unknown option '--bogus'/,
        ],
        [['check', '--provider', 'imagekit'], /No URL given/],
        [['plan', '--provider', 'imagekit'], /No URL given/],
        [['purge', '--provider', 'imagekit'], /No URL given/],
        [
          ['purge', '--provider', 'imagekit', '--key', 'x', 'https://ik.imagekit.io/demo/a.jpg'],
          /Unknown option '--key'/,
        ],
        [
          ['plan', '--provider', 'imgix', '--coalesce', 'https://assets.imgix.net/a.png'],
          /--coalesce is for providers with wildcard purges \(imagekit\): imgix has none/,
        ],
        [
          ['plan', '--provider', 'imagekit', '--coalesce=0', 'https://ik.imagekit.io/demo/a.jpg'],
          /--coalesce must be a whole number of 1 or more/,
        ],
        [
          ['check', '--provider', 'imagekit', '--config', 'nope.json', 'https://ik.imagekit.io/demo/a.jpg'],
          /--config nope\.json: no such file/,
        ],
        [
          [
            'check',
            '--provider',
            'imagekit',
            '--source-id',
            '5ebee107e9c05c0001d9c2d3',
            'https://ik.imagekit.io/demo/a.jpg',
          ],
          /--source-id is an option of imgix, not of ImageKit/,
        ],
        [['status', '--provider', 'imgix', 'abc'], /imgix has no purge status API/],
        [['status', '--provider', 'imagekit'], /No request id given/],
        [['status', '--provider', 'imagekit', '../etc'], /is not a request id/],
      ];
      for (const [args, message] of cases) {
        const r = await runCli(args, { env: { IMAGEKIT_PRIVATE_KEY: IK_KEY } });
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, message, args.join(' '));
        assert.match(r.stderr, /See cdn-purge \w+ --help\./);
        assert.equal(r.stdout, '');
      }
    });
  });

  describe('check', () => {
    it('--json prints {"results":[{"url","ok","normalized","problems":[{"code","message"}]}]}; exit 1 when any is invalid', async () => {
      const r = await runCli([
        'check',
        '--provider',
        'imagekit',
        '--json',
        'https://ik.imagekit.io/demo/images/upload*',
        'https://ik.imagekit.io/demo/images*',
        'https://ik.imagekit.io/demo/a b.jpg',
      ]);
      assert.equal(r.code, 1);
      const out = json(r);
      assert.deepEqual(Object.keys(out), ['results']);
      assert.equal(out.results.length, 3);
      for (const x of out.results) {
        for (const k of ['url', 'ok', 'normalized', 'problems']) assert.ok(k in x, `missing ${k}`);
        for (const p of x.problems) {
          assert.equal(typeof p.code, 'string');
          assert.equal(typeof p.message, 'string');
        }
      }
      assert.deepEqual(
        out.results.map((x: any) => [x.url, x.ok, x.normalized, x.problems.map((p: any) => p.code)]),
        [
          ['https://ik.imagekit.io/demo/images/upload*', true, 'https://ik.imagekit.io/demo/images/upload*', []],
          ['https://ik.imagekit.io/demo/images*', false, 'https://ik.imagekit.io/demo/images*', ['wildcard-too-broad']],
          ['https://ik.imagekit.io/demo/a b.jpg', true, 'https://ik.imagekit.io/demo/a%20b.jpg', ['url-encoded']],
        ],
      );
    });
    it('exit 0 when every URL is valid; the text output names codes and their README anchors', async () => {
      const ok = await runCli(['check', '--provider', 'imgix', 'https://assets.imgix.net/dogs.png?w=400']);
      assert.equal(ok.code, 0);
      assert.match(
        ok.stdout,
        /^valid +https:\/\/assets\.imgix\.net\/dogs\.png\?w=400\n {2}sends https:\/\/assets\.imgix\.net\/dogs\.png\n/,
      );
      assert.match(ok.stdout, /\[imgix-query-dropped\]/);
      assert.match(ok.stdout, /README\.md#imgix-query-dropped/);
      assert.match(ok.stdout, /1 valid, 0 invalid/);
      const bad = await runCli(['check', '--provider', 'imgix', 'https://assets.imgix.net/images/*']);
      assert.equal(bad.code, 1);
      assert.match(bad.stdout, /INVALID https:\/\/assets\.imgix\.net\/images\/\*/);
      assert.match(bad.stdout, /\[imgix-no-wildcard\]/);
    });
    it('"-" reads URLs from stdin, one a line, skipping blank lines and # comments', async () => {
      const r = await runCli(['check', '--provider', 'imagekit', '--json', '-'], {
        stdin: '# purge list\nhttps://ik.imagekit.io/demo/a.jpg\r\n\n   \nhttps://ik.imagekit.io/demo/b.jpg\n',
      });
      assert.equal(r.code, 0);
      assert.deepEqual(
        json(r).results.map((x: any) => x.url),
        ['https://ik.imagekit.io/demo/a.jpg', 'https://ik.imagekit.io/demo/b.jpg'],
      );
    });
    it('--endpoint (repeatable) sets the URL pattern that is not counted', async () => {
      const url = 'https://ik.imagekit.io/demo/pat/images*';
      assert.equal((await runCli(['check', '--provider', 'imagekit', url])).code, 0);
      const r = await runCli([
        'check',
        '--provider',
        'imagekit',
        '--endpoint',
        'https://ik.imagekit.io/demo/pat',
        '--endpoint',
        'https://images.example.com',
        url,
        'https://images.example.com/x.jpg',
      ]);
      assert.equal(r.code, 1);
      assert.match(r.stdout, /\[wildcard-too-broad\]/);
      assert.match(r.stdout, /1 valid, 1 invalid/);
    });
    it('--config FILE reads another file; its mistakes are usage errors', async () => {
      const cwd = tmpDir();
      fs.writeFileSync(
        path.join(cwd, 'other.json'),
        JSON.stringify({ imagekit: { endpoints: ['https://images.example.com'] } }),
      );
      assert.equal(
        (
          await runCli(
            ['check', '--provider', 'imagekit', '--config', 'other.json', 'https://images.example.com/a.jpg'],
            { cwd },
          )
        ).code,
        0,
      );
      fs.writeFileSync(path.join(cwd, 'broken.json'), '{"imagekit": ');
      const bad = await runCli(
        ['check', '--provider', 'imagekit', '--config', 'broken.json', 'https://images.example.com/a.jpg'],
        { cwd },
      );
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /broken\.json is not valid JSON/);
    });

    it('reads endpoints from cdn-purge.json in the working directory', async () => {
      const cwd = tmpDir();
      fs.writeFileSync(
        path.join(cwd, 'cdn-purge.json'),
        JSON.stringify({ imagekit: { endpoints: ['https://images.example.com'] } }),
      );
      assert.equal(
        (await runCli(['check', '--provider', 'imagekit', 'https://images.example.com/a.jpg'], { cwd })).code,
        0,
      );
      assert.equal((await runCli(['check', '--provider', 'imagekit', 'https://images.example.com/a.jpg'])).code, 1);
    });
  });

  describe('plan', () => {
    it('--coalesce prints the coalesced plan (--json), sends nothing', async () => {
      // plan never sends, so it has no --api-base.
      const r = await runCli([
        'plan',
        '--provider',
        'imagekit',
        '--api-base',
        server.base,
        'https://ik.imagekit.io/demo/a.jpg',
      ]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /Unknown option '--api-base'/);
      const before = server.requests.length;
      const p = await runCli([
        'plan',
        '--provider',
        'imagekit',
        '--coalesce',
        '--json',
        'https://ik.imagekit.io/demo/a/b/1.jpg',
        'https://ik.imagekit.io/demo/a/b/2.jpg',
        'https://ik.imagekit.io/demo/a/b/3.jpg',
        'https://ik.imagekit.io/demo/images*',
      ]);
      assert.equal(p.code, 1, 'one input is invalid');
      const out = json(p);
      assert.equal(out.provider, 'imagekit');
      assert.deepEqual(
        out.requests.map((x: any) => [x.url, x.kind, x.coalesced, x.covers.length]),
        [['https://ik.imagekit.io/demo/a/b/*', 'wildcard', true, 3]],
      );
      assert.deepEqual(
        out.invalid.map((x: any) => [x.url, x.problems[0].code]),
        [['https://ik.imagekit.io/demo/images*', 'wildcard-too-broad']],
      );
      assert.deepEqual(out.summary, { inputs: 4, distinct: 3, requests: 1, invalid: 1 });
      assert.equal(server.requests.length, before);
    });
    it('--coalesce alone means N = 2: two URLs (saving 1) stay exact; --coalesce=1 merges them', async () => {
      const two = await runCli([
        'plan',
        '--provider',
        'imagekit',
        '--coalesce',
        '--json',
        'https://ik.imagekit.io/demo/a/b/1.jpg',
        'https://ik.imagekit.io/demo/a/b/2.jpg',
      ]);
      assert.equal(json(two).requests.length, 2);
      const one = await runCli([
        'plan',
        '--provider',
        'imagekit',
        '--coalesce=1',
        '--json',
        'https://ik.imagekit.io/demo/a/b/1.jpg',
        'https://ik.imagekit.io/demo/a/b/2.jpg',
      ]);
      assert.deepEqual(
        json(one).requests.map((x: any) => x.url),
        ['https://ik.imagekit.io/demo/a/b/*'],
      );
    });

    it('the table: one line per request, coalesced marked; exit 0 when all are valid', async () => {
      const r = await runCli([
        'plan',
        '--provider',
        'imagekit',
        '--coalesce=2',
        'https://ik.imagekit.io/demo/a/b/1.jpg',
        'https://ik.imagekit.io/demo/a/b/2.jpg',
        'https://ik.imagekit.io/demo/a/b/3.jpg',
        'https://ik.imagekit.io/demo/x.jpg',
      ]);
      assert.equal(r.code, 0);
      assert.match(r.stdout, /Plan for imagekit: 4 inputs, 4 distinct valid URLs -> 2 requests/);
      assert.match(r.stdout, /wildcard {2}https:\/\/ik\.imagekit\.io\/demo\/a\/b\/\* {2}covers 3 {2}\(coalesced\)/);
      assert.match(r.stdout, /exact {5}https:\/\/ik\.imagekit\.io\/demo\/x\.jpg\n/);
    });
  });

  describe('purge', () => {
    const ikEnv = () => ({ IMAGEKIT_PRIVATE_KEY: IK_KEY });

    it('ImageKit: one line per request (status, HTTP status, ms, URL, requestId); exit 0; the key travels as Basic base64(key + ":")', async () => {
      const before = server.requests.length;
      const r = await runCli(
        [
          'purge',
          '--provider',
          'imagekit',
          '--api-base',
          server.base,
          'https://ik.imagekit.io/demo/a.jpg',
          'https://ik.imagekit.io/demo/b c.jpg',
        ],
        { env: ikEnv() },
      );
      assert.equal(r.code, 0, r.stderr);
      const lines = r.stdout.split('\n').filter((l) => l.startsWith('ok'));
      assert.equal(lines.length, 2);
      for (const l of lines)
        assert.match(l, /^ok {3}201 +\d+ ms {2}https:\/\/ik\.imagekit\.io\/demo\/(a\.jpg|b%20c\.jpg) {2}id=ik-\d+$/);
      assert.match(r.stdout, /2 requests: 2 accepted, 0 failed/);
      const sent = server.requests.slice(before);
      assert.equal(sent.length, 2);
      for (const s of sent) assert.equal(s.headers.authorization, IK_BASIC);
      assert.deepEqual(sent.map((s) => JSON.parse(s.body).url).sort(), [
        'https://ik.imagekit.io/demo/a.jpg',
        'https://ik.imagekit.io/demo/b%20c.jpg',
      ]);
      assertNoKey(r);
    });

    it('--json prints {"results":[{"url","ok","status","httpStatus","requestId"}]}', async () => {
      const r = await runCli(
        ['purge', '--provider', 'imagekit', '--api-base', server.base, '--json', 'https://ik.imagekit.io/demo/j.jpg'],
        { env: ikEnv() },
      );
      assert.equal(r.code, 0, r.stderr);
      const out = json(r);
      assert.deepEqual(Object.keys(out), [
        'results',
        'providers',
        'invalid',
        'unknownHosts',
        'interrupted',
        'summary',
        'failures',
        'ok',
      ]);
      assert.equal(out.ok, true);
      assert.equal(out.summary.accepted, 1);
      assert.equal(out.results.length, 1);
      const [x] = out.results;
      assertPurgeResultShape(x);
      assert.deepEqual(
        [x.url, x.ok, x.status, x.httpStatus],
        ['https://ik.imagekit.io/demo/j.jpg', true, 'accepted', 201],
      );
      assert.match(x.requestId, /^ik-\d+$/);
      assertNoKey(r);
    });

    it('a failure exits 1 and shows the provider message and help verbatim; invalid inputs are listed and not sent, the valid ones are', async () => {
      const before = server.requests.length;
      const r = await runCli(
        [
          'purge',
          '--provider',
          'imagekit',
          '--api-base',
          server.base,
          '--json',
          'https://ik.imagekit.io/demo/fail.jpg',
          'https://ik.imagekit.io/demo/images*',
          'https://ik.imagekit.io/demo/ok.jpg',
        ],
        { env: ikEnv() },
      );
      assert.equal(r.code, 1);
      const out = json(r);
      for (const x of out.results) assertPurgeResultShape(x);
      assert.deepEqual(
        out.results.map((x: any) => [x.url, x.ok, x.status, x.httpStatus]),
        [
          ['https://ik.imagekit.io/demo/fail.jpg', false, 'failed', 400],
          ['https://ik.imagekit.io/demo/ok.jpg', true, 'accepted', 201],
          ['https://ik.imagekit.io/demo/images*', false, 'invalid', null],
        ],
      );
      assert.equal(out.results[0].message, 'Your request contains invalid url.');
      assert.equal(server.requests.length - before, 2, 'the invalid wildcard is not sent');
      const text = await runCli(
        ['purge', '--provider', 'imagekit', '--api-base', server.base, 'https://ik.imagekit.io/demo/fail.jpg'],
        { env: ikEnv() },
      );
      assert.equal(text.code, 1);
      assert.match(text.stdout, /^FAIL 400/m);
      assert.match(text.stdout, /Your request contains invalid url\./);
      assert.match(text.stdout, /help: For support kindly contact us at support@imagekit\.io \./);
    });

    it('imgix: Bearer key, JSON:API body; 200 with the purge id, said to be received not done; 409 is a duplicate (exit 0)', async () => {
      const before = server.requests.length;
      const r = await runCli(
        [
          'purge',
          '--provider',
          'imgix',
          '--api-base',
          server.base,
          'https://assets.imgix.net/dogs.png?w=400',
          'https://assets.imgix.net/dup.png',
        ],
        { env: { IMGIX_API_KEY: IX_KEY } },
      );
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^ok {3}200 +\d+ ms {2}https:\/\/assets\.imgix\.net\/dogs\.png {2}id=ix-\d+$/m);
      assert.match(
        r.stdout,
        /^dup {2}409 +\d+ ms {2}https:\/\/assets\.imgix\.net\/dup\.png {2}\(duplicate: purged a few seconds ago\)$/m,
      );
      assert.match(r.stdout, /received, not necessarily done\. Verify by fetching the asset again/);
      const sent = server.requests.slice(before);
      assert.deepEqual(
        sent.map((s) => s.headers.authorization),
        [`Bearer ${IX_KEY}`, `Bearer ${IX_KEY}`],
      );
      assert.deepEqual(
        sent.map((s) => JSON.parse(s.body)).sort((a, b) => a.data.attributes.url.localeCompare(b.data.attributes.url)),
        [
          { data: { type: 'purges', attributes: { url: 'https://assets.imgix.net/dogs.png' } } },
          { data: { type: 'purges', attributes: { url: 'https://assets.imgix.net/dup.png' } } },
        ],
      );
      const j = await runCli(
        ['purge', '--provider', 'imgix', '--api-base', server.base, '--json', 'https://assets.imgix.net/dup.png'],
        { env: { IMGIX_API_KEY: IX_KEY } },
      );
      assert.equal(j.code, 0);
      assert.deepEqual(
        json(j).results.map((x: any) => [x.ok, x.status, x.httpStatus]),
        [[true, 'duplicate', 409]],
      );
      assertNoKey(r);
      assertNoKey(j);
    });

    it('imgix sub-images: --sub-image with --source-id sends sub_image and source_id', async () => {
      const before = server.requests.length;
      const r = await runCli(
        [
          'purge',
          '--provider',
          'imgix',
          '--api-base',
          server.base,
          '--sub-image',
          '--source-id',
          '5ebee107e9c05c0001d9c2d3',
          'https://assets.imgix.net/mark.png',
        ],
        { env: { IMGIX_API_KEY: IX_KEY } },
      );
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(JSON.parse(server.requests[before].body).data.attributes, {
        url: 'https://assets.imgix.net/mark.png',
        sub_image: true,
        source_id: '5ebee107e9c05c0001d9c2d3',
      });
      const bad = await runCli(
        ['purge', '--provider', 'imgix', '--api-base', server.base, '--sub-image', 'https://assets.imgix.net/mark.png'],
        { env: { IMGIX_API_KEY: IX_KEY } },
      );
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /imgix-sub-image-needs-source-id/);
    });

    it('--dry-run needs no key and sends nothing (text and --json)', async () => {
      const before = server.requests.length;
      const r = await runCli([
        'purge',
        '--provider',
        'imagekit',
        '--api-base',
        server.base,
        '--dry-run',
        'https://ik.imagekit.io/demo/a.jpg',
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /Plan for imagekit: 1 input/);
      assert.match(r.stdout, /Dry run: nothing was sent\./);
      const j = await runCli([
        'purge',
        '--provider',
        'imgix',
        '--dry-run',
        '--json',
        'https://assets.imgix.net/a.png?w=1',
        'https://assets.imgix.net/a.png',
      ]);
      assert.equal(j.code, 0);
      const out = json(j);
      assert.equal(out.dryRun, true);
      assert.deepEqual(
        out.requests.map((x: any) => x.url),
        ['https://assets.imgix.net/a.png'],
      );
      assert.equal(server.requests.length, before);
    });

    it('a missing key is a clear error (exit 2), nothing sent; for each provider', async () => {
      const before = server.requests.length;
      const ik = await runCli(
        ['purge', '--provider', 'imagekit', '--api-base', server.base, 'https://ik.imagekit.io/demo/a.jpg'],
        { env: { IMGIX_API_KEY: IX_KEY } },
      );
      assert.equal(ik.code, 2);
      assert.match(
        ik.stderr,
        /IMAGEKIT_PRIVATE_KEY is not set\. .*read only from the environment: export IMAGEKIT_PRIVATE_KEY/,
      );
      const ix = await runCli(
        ['purge', '--provider', 'imgix', '--api-base', server.base, 'https://assets.imgix.net/a.png'],
        { env: { IMGIX_API_KEY: '   ' } },
      );
      assert.equal(ix.code, 2);
      assert.match(ix.stderr, /IMGIX_API_KEY is not set/);
      const st = await runCli(['status', '--provider', 'imagekit', '--api-base', server.base, 'abc']);
      assert.equal(st.code, 2);
      assert.match(st.stderr, /IMAGEKIT_PRIVATE_KEY is not set/);
      assert.equal(server.requests.length, before);
    });

    it('a wrong key: 401 from the provider, exit 1, the hint says to check the key; the echoed header is redacted', async () => {
      const r = await runCli(
        ['purge', '--provider', 'imagekit', '--api-base', server.base, '--json', 'https://ik.imagekit.io/demo/a.jpg'],
        { env: { IMAGEKIT_PRIVATE_KEY: `${IK_KEY}x` } },
      );
      assert.equal(r.code, 1);
      const [x] = json(r).results;
      assert.equal(x.httpStatus, 401);
      assert.match(x.hint, /IMAGEKIT_PRIVATE_KEY/);
      assert.match(x.message, /Basic \*\*\*/);
      for (const form of keyForms(`${IK_KEY}x`)) {
        assert.ok(!r.stdout.includes(form) && !r.stderr.includes(form));
      }
    });

    it('the key never appears in stdout or stderr, even when the server echoes it back (text and --json)', async () => {
      for (const extra of [[], ['--json']]) {
        const r = await runCli(
          [
            'purge',
            '--provider',
            'imagekit',
            '--api-base',
            server.base,
            ...extra,
            'https://ik.imagekit.io/demo/echo.jpg',
          ],
          { env: { IMAGEKIT_PRIVATE_KEY: IK_KEY, IMGIX_API_KEY: IX_KEY } },
        );
        assert.equal(r.code, 1);
        assert.match(r.stdout, /Forbidden for Basic \*\*\* key=\*\*\*/);
        assertNoKey(r);
      }
      const ix = await runCli(
        ['purge', '--provider', 'imgix', '--api-base', server.base, 'https://assets.imgix.net/a.png'],
        { env: { IMGIX_API_KEY: `${IX_KEY}-wrong`, IMAGEKIT_PRIVATE_KEY: IK_KEY } },
      );
      assert.equal(ix.code, 1);
      assert.match(ix.stdout, /Bad key Bearer \*\*\*/);
      assertNoKey(ix);
    });

    it('--api-base with plain http to a non-loopback host is refused before any request (exit 2)', async () => {
      const r = await runCli(
        ['purge', '--provider', 'imagekit', '--api-base', 'http://example.com', 'https://ik.imagekit.io/demo/a.jpg'],
        { env: ikEnv() },
      );
      assert.equal(r.code, 2);
      assert.match(
        r.stderr,
        /Refusing to send a key to http:\/\/example\.com: plain http is allowed only for a loopback host \(127\.0\.0\.1, ::1, localhost\)\. Use https:\/\//,
      );
      // 0.0.0.0 reaches this machine's loopback server, so a request would show up here if the check let it through.
      const before = server.requests.length;
      const canary = `http://0.0.0.0:${server.port}`;
      for (const args of [
        ['purge', '--provider', 'imagekit', '--api-base', canary, 'https://ik.imagekit.io/demo/a.jpg'],
        ['purge', '--provider', 'imgix', '--api-base', canary, 'https://assets.imgix.net/a.png'],
        ['status', '--provider', 'imagekit', '--api-base', canary, 'abc'],
      ]) {
        const c = await runCli(args, { env: { IMAGEKIT_PRIVATE_KEY: IK_KEY, IMGIX_API_KEY: IX_KEY } });
        assert.equal(c.code, 2, args.join(' '));
        assert.match(c.stderr, /Refusing to send a key/);
        assertNoKey(c);
      }
      assert.equal(server.requests.length, before);
    });

    it('reads URLs from stdin with "-"', async () => {
      const before = server.requests.length;
      const r = await runCli(['purge', '--provider', 'imagekit', '--api-base', server.base, '--json', '-'], {
        env: ikEnv(),
        stdin: 'https://ik.imagekit.io/demo/s1.jpg\n# skip\n\nhttps://ik.imagekit.io/demo/s2.jpg\n',
      });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(
        json(r).results.map((x: any) => x.url),
        ['https://ik.imagekit.io/demo/s1.jpg', 'https://ik.imagekit.io/demo/s2.jpg'],
      );
      assert.equal(server.requests.length - before, 2);
    });

    it('--coalesce sends the wildcard instead of the files', async () => {
      const before = server.requests.length;
      const r = await runCli(
        [
          'purge',
          '--provider',
          'imagekit',
          '--api-base',
          server.base,
          '--coalesce',
          '--json',
          'https://ik.imagekit.io/demo/c/d/1.jpg',
          'https://ik.imagekit.io/demo/c/d/2.jpg',
          'https://ik.imagekit.io/demo/c/d/3.jpg',
        ],
        { env: ikEnv() },
      );
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(
        server.requests.slice(before).map((s) => JSON.parse(s.body).url),
        ['https://ik.imagekit.io/demo/c/d/*'],
      );
      assert.deepEqual(
        json(r).results.map((x: any) => [x.url, x.ok]),
        [['https://ik.imagekit.io/demo/c/d/*', true]],
      );
    });

    it('the monthly quota: counted per account in CDN_PURGE_STATE_DIR (a loopback API base is the emulator: its own counter); a batch that would pass 1000 is refused unless --ignore-quota', async () => {
      const state = tmpDir('cdn-purge-state-');
      const env = { ...ikEnv(), CDN_PURGE_STATE_DIR: state };
      const ok = await runCli(
        [
          'purge',
          '--provider',
          'imagekit',
          '--api-base',
          server.base,
          'https://ik.imagekit.io/demo/q1.jpg',
          'https://ik.imagekit.io/acme/q2.jpg',
        ],
        { env },
      );
      assert.equal(ok.code, 0, ok.stderr);
      const file = path.join(state, 'quota.json');
      const counts = JSON.parse(fs.readFileSync(file, 'utf8'));
      const month = monthKey(new Date());
      // The loopback server is counted as the emulator, never against the real accounts.
      assert.equal(counts[`quota:imagekit:emulator:demo:${month}`], 1);
      assert.equal(counts[`quota:imagekit:emulator:acme:${month}`], 1);
      assert.equal(counts[`quota:imagekit:demo:${month}`], undefined, 'the real account is not counted');
      assert.deepEqual(Object.keys(counts).sort(), [
        `quota:imagekit:emulator:acme:${month}`,
        `quota:imagekit:emulator:demo:${month}`,
      ]);
      assert.ok(!fs.readFileSync(file, 'utf8').includes(IK_KEY), 'no key in the state file');

      // 999 used this month (and next, should the month turn during the test).
      const next = new Date();
      next.setUTCMonth(next.getUTCMonth() + 1, 1);
      fs.writeFileSync(
        file,
        JSON.stringify({
          [`quota:imagekit:emulator:demo:${month}`]: 999,
          [`quota:imagekit:emulator:demo:${monthKey(next)}`]: 999,
        }),
      );
      const before = server.requests.length;
      const refused = await runCli(
        [
          'purge',
          '--provider',
          'imagekit',
          '--api-base',
          server.base,
          'https://ik.imagekit.io/demo/q3.jpg',
          'https://ik.imagekit.io/demo/q4.jpg',
        ],
        { env },
      );
      assert.equal(refused.code, 1);
      assert.match(
        refused.stderr,
        /2 purge requests for demo on the local emulator would go over ImageKit's limit of 1000 a month: 999 used/,
      );
      assert.match(refused.stderr, /--ignore-quota/);
      assert.match(refused.stderr, /--coalesce makes wildcards/);
      assert.equal(server.requests.length, before, 'nothing sent');
      const other = await runCli(
        ['purge', '--provider', 'imagekit', '--api-base', server.base, 'https://ik.imagekit.io/acme/q5.jpg'],
        { env },
      );
      assert.equal(other.code, 0, 'another account has its own count');
      const forced = await runCli(
        [
          'purge',
          '--provider',
          'imagekit',
          '--api-base',
          server.base,
          '--ignore-quota',
          'https://ik.imagekit.io/demo/q3.jpg',
          'https://ik.imagekit.io/demo/q4.jpg',
        ],
        { env },
      );
      assert.equal(forced.code, 0);
      assert.equal(JSON.parse(fs.readFileSync(file, 'utf8'))[`quota:imagekit:emulator:demo:${month}`], 1001);
    });
  });

  describe('purges that may have been received, refusals, and the quota record', () => {
    let odd: TestServer;
    let mode: 'silent-drop' | 'refuse' | 'fail' | 'silent' = 'refuse';
    before(async () => {
      odd = await startServer((_req, res, raw) => {
        if (mode === 'refuse')
          reply(res, 400, { message: 'Invalid url', help: 'see docs' }, { 'x-ik-requestid': 'ik-support-7' });
        else if (mode === 'fail') reply(res, 503, { message: 'down' });
        else if (mode === 'silent-drop') raw.socket.destroy();
        // silent: never answers
      });
    });
    after(async () => {
      await odd?.close();
    });
    const month = monthKey(new Date());
    const used = (state: string) => {
      const f = path.join(state, 'quota.json');
      // A loopback API base is the emulator: counted under its own prefix.
      return fs.existsSync(f)
        ? (JSON.parse(fs.readFileSync(f, 'utf8'))[`quota:imagekit:emulator:demo:${month}`] ?? 0)
        : 0;
    };

    it('a 400 and a 5xx are not counted against the month; the support id is printed with the failure', async () => {
      const state = tmpDir('cdn-purge-state-');
      const env = { IMAGEKIT_PRIVATE_KEY: IK_KEY, CDN_PURGE_STATE_DIR: state };
      mode = 'refuse';
      const refused = await runCli(
        ['purge', '-p', 'imagekit', '--api-base', odd.base, 'https://ik.imagekit.io/demo/r1.jpg'],
        { env },
      );
      assert.equal(refused.code, 1);
      assert.match(refused.stdout, /^FAIL 400 /m);
      assert.match(refused.stdout, /support id: ik-support-7/);
      mode = 'fail';
      const failed = await runCli(
        ['purge', '-p', 'imagekit', '--api-base', odd.base, '--json', 'https://ik.imagekit.io/demo/r2.jpg'],
        { env },
      );
      assert.equal(failed.code, 1);
      assert.equal(json(failed).results[0].status, 'failed');
      assert.equal(json(failed).results[0].httpStatus, 503);
      assert.equal(used(state), 0, 'refused purges spend nothing');
    });

    it('a purge sent and then dropped is "??  unknown", sent once, exit 1, and counted against the month', async () => {
      const state = tmpDir('cdn-purge-state-');
      const env = { IMAGEKIT_PRIVATE_KEY: IK_KEY, CDN_PURGE_STATE_DIR: state };
      mode = 'silent-drop';
      const before = odd.requests.length;
      const r = await runCli(
        ['purge', '-p', 'imagekit', '--api-base', odd.base, 'https://ik.imagekit.io/demo/u1.jpg'],
        { env },
      );
      assert.equal(r.code, 1);
      assert.match(r.stdout, /^\?\?\s+---\s+\d+ ms {2}https:\/\/ik\.imagekit\.io\/demo\/u1\.jpg/m);
      assert.match(r.stdout, /Unknown: may have been received/);
      assert.match(r.stdout, /1 unknown \(may have been received\), 0 failed/);
      assert.equal(odd.requests.length - before, 1, 'never sent again');
      assert.equal(used(state), 1, 'counted: it may have spent quota');
      const j = await runCli(
        ['purge', '-p', 'imagekit', '--api-base', odd.base, '--json', 'https://ik.imagekit.io/demo/u2.jpg'],
        { env },
      );
      assert.equal(json(j).results[0].status, 'unknown');
      assert.equal(json(j).results[0].ok, false);
      assert.equal(used(state), 2);
    });

    it('a silent server: --timeout bounds each attempt; ImageKit sends each URL once, imgix at most twice', async () => {
      mode = 'silent';
      const before = odd.requests.length;
      const ik = await runCli(
        [
          'purge',
          '-p',
          'imagekit',
          '--api-base',
          odd.base,
          '--timeout',
          '0.5',
          '--json',
          'https://ik.imagekit.io/demo/s1.jpg',
          'https://ik.imagekit.io/demo/s2.jpg',
        ],
        { env: { IMAGEKIT_PRIVATE_KEY: IK_KEY } },
      );
      assert.deepEqual(
        json(ik).results.map((x: any) => x.status),
        ['unknown', 'unknown'],
      );
      assert.equal(odd.requests.length - before, 2);
      const mid = odd.requests.length;
      const ix = await runCli(
        [
          'purge',
          '-p',
          'imgix',
          '--api-base',
          odd.base,
          '--timeout',
          '0.5',
          '--json',
          'https://assets.imgix.net/s1.png',
        ],
        { env: { IMGIX_API_KEY: IX_KEY } },
      );
      assert.equal(json(ix).results[0].status, 'unknown');
      assert.equal(odd.requests.length - mid, 2, 'imgix: sent again once (a repeat is a 409 duplicate there)');
    });

    it('status --wait --timeout 1 against a silent server ends (timed out), having sent at most two requests', async () => {
      mode = 'silent';
      const before = odd.requests.length;
      const r = await runCli(
        ['status', '-p', 'imagekit', '--api-base', odd.base, '--wait', '--timeout', '1', '--json', 'abc'],
        { env: { IMAGEKIT_PRIVATE_KEY: IK_KEY }, timeoutMs: 15_000 },
      );
      assert.equal(r.code, 1);
      const res = json(r).results[0];
      assert.equal(res.ok, false);
      assert.equal(res.timedOut, true);
      assert.ok(odd.requests.length - before <= 2, `${odd.requests.length - before} status requests`);
    });

    it('--rate must be a number of 0 or more', async () => {
      const r = await runCli(
        ['purge', '-p', 'imgix', '--api-base', odd.base, '--rate', 'fast', 'https://assets.imgix.net/a.png'],
        { env: { IMGIX_API_KEY: IX_KEY } },
      );
      assert.equal(r.code, 2);
      assert.match(r.stderr, /--rate must be a number of 0 or more, not "fast"/);
    });
  });

  describe('status', () => {
    const env = { IMAGEKIT_PRIVATE_KEY: IK_KEY };
    it('prints each request id with its status; GET /v1/files/purge/{id} with the Basic key', async () => {
      const before = server.requests.length;
      const r = await runCli(['status', '--provider', 'imagekit', '--api-base', server.base, 'done-1'], { env });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'done-1  Completed\n');
      const [req] = server.requests.slice(before);
      assert.deepEqual([req.method, req.url, req.headers.authorization], ['GET', '/v1/files/purge/done-1', IK_BASIC]);
      assertNoKey(r);
    });
    it('--json: {"results":[{"requestId","ok","status","httpStatus"}]}; an unknown id exits 1', async () => {
      const r = await runCli(
        ['status', '--provider', 'imagekit', '--api-base', server.base, '--json', 'done-2', 'missing'],
        { env },
      );
      assert.equal(r.code, 1);
      const out = json(r);
      assert.deepEqual(
        out.results.map((x: any) => [x.requestId, x.ok, x.status, x.httpStatus]),
        [
          ['done-2', true, 'Completed', 200],
          ['missing', false, null, 404],
        ],
      );
      assert.equal(out.results[1].message, 'No request found for this requestId.');
    });
    it('--wait polls until Completed (exit 0); gives up at --timeout while Pending (exit 1)', async () => {
      const r = await runCli(
        ['status', '--provider', 'imagekit', '--api-base', server.base, '--wait', '--interval', '0.05', 'slow'],
        { env },
      );
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'slow  Completed\n');
      const t = await runCli(
        [
          'status',
          '--provider',
          'imagekit',
          '--api-base',
          server.base,
          '--wait',
          '--interval',
          '0.05',
          // Long enough for a first answer on a loaded machine (at 0.3 s none came once: status null).
          '--timeout',
          '2',
          '--json',
          'never',
        ],
        { env },
      );
      assert.equal(t.code, 1);
      assert.deepEqual(
        json(t).results.map((x: any) => [x.requestId, x.status, x.timedOut]),
        [['never', 'Pending', true]],
      );
    });
    it('without --wait, Pending is a known status (exit 0)', async () => {
      const r = await runCli(['status', '--provider', 'imagekit', '--api-base', server.base, 'never'], { env });
      assert.equal(r.code, 0);
      assert.equal(r.stdout, 'never  Pending\n');
    });
  });

  describe('--from-git', () => {
    let repo: string;
    before(() => {
      repo = fs.realpathSync(tmpDir('cdn-purge-repo-'));
      initRepo(repo);
      write(
        repo,
        'cdn-purge.json',
        JSON.stringify({
          mappings: [
            { glob: 'public/images/**', url: 'https://ik.imagekit.io/demo/images/', provider: 'imagekit' },
            { glob: 'static/**', url: 'https://assets.imgix.net/{relative}', provider: 'imgix' },
          ],
        }),
      );
      write(repo, 'public/images/old.png');
      write(repo, 'public/images/gone.png');
      write(repo, 'static/logo.png');
      write(repo, 'src/app.ts');
      commitAll(repo, 'first');
      git(repo, 'tag', 'base');
      write(repo, 'public/images/committed.png', 'v2');
      commitAll(repo, 'second');
      write(repo, 'public/images/old.png', 'changed');
      write(repo, 'public/images/new file.png', 'untracked');
      fs.rmSync(path.join(repo, 'public/images/gone.png'));
      write(repo, 'static/logo.png', 'changed');
      write(repo, 'src/app.ts', 'changed');
    });

    it('plan: the mapped working-tree changes of the provider (modified, untracked, deleted); unmapped files ignored', async () => {
      const r = await runCli(['plan', '--provider', 'imagekit', '--from-git', '--json'], {
        cwd: path.join(repo, 'src'),
      });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(
        json(r).requests.map((x: any) => x.url),
        [
          'https://ik.imagekit.io/demo/images/gone.png',
          'https://ik.imagekit.io/demo/images/new%20file.png',
          'https://ik.imagekit.io/demo/images/old.png',
        ],
      );
      assert.match(r.stderr, /git: 5 changed files in the working tree, 3 mapped to imagekit URLs/);
      const ix = await runCli(['plan', '--provider', 'imgix', '--from-git', '--json'], { cwd: repo });
      assert.deepEqual(
        json(ix).requests.map((x: any) => x.url),
        ['https://assets.imgix.net/logo.png'],
      );
    });

    it('--from-git REF adds what changed since REF; URLs on the command line are added too', async () => {
      const r = await runCli(
        ['plan', '--provider', 'imagekit', '--from-git', 'base', '--json', 'https://ik.imagekit.io/demo/extra.jpg'],
        { cwd: repo },
      );
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(
        json(r).requests.map((x: any) => x.url),
        [
          'https://ik.imagekit.io/demo/extra.jpg',
          'https://ik.imagekit.io/demo/images/committed.png',
          'https://ik.imagekit.io/demo/images/gone.png',
          'https://ik.imagekit.io/demo/images/new%20file.png',
          'https://ik.imagekit.io/demo/images/old.png',
        ],
      );
    });

    it('purge --from-git sends the mapped URLs', async () => {
      const before = server.requests.length;
      const r = await runCli(['purge', '--provider', 'imagekit', '--from-git', '--api-base', server.base, '--json'], {
        cwd: repo,
        env: { IMAGEKIT_PRIVATE_KEY: IK_KEY },
      });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(
        server.requests
          .slice(before)
          .map((s) => JSON.parse(s.body).url)
          .sort(),
        [
          'https://ik.imagekit.io/demo/images/gone.png',
          'https://ik.imagekit.io/demo/images/new%20file.png',
          'https://ik.imagekit.io/demo/images/old.png',
        ],
      );
      assertNoKey(r);
    });

    it('a cdn-purge.json with a problem warns once and still plans (it was not given with --config)', async () => {
      const quirky = fs.realpathSync(tmpDir('cdn-purge-repo-'));
      initRepo(quirky);
      write(
        quirky,
        'cdn-purge.json',
        JSON.stringify({ extra: 1, mappings: [{ glob: 'img/**', url: 'https://ik.imagekit.io/demo/img/' }] }),
      );
      commitAll(quirky, 'first');
      write(quirky, 'img/a.png', 'new');
      const r = await runCli(['plan', '--provider', 'imagekit', '--from-git', '--json'], { cwd: quirky });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr.split('unknown key "extra"').length - 1, 1, r.stderr);
      assert.deepEqual(
        json(r).requests.map((x: any) => x.url),
        ['https://ik.imagekit.io/demo/img/a.png'],
      );
    });

    it('an unknown ref, no repository, or no cdn-purge.json: usage errors that say what to do', async () => {
      const unknown = await runCli(['plan', '--provider', 'imagekit', '--from-git', 'nope-ref'], { cwd: repo });
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /git does not know the ref "nope-ref"/);
      const outside = await runCli(['plan', '--provider', 'imagekit', '--from-git']);
      assert.equal(outside.code, 2);
      assert.match(outside.stderr, /not inside a git repository/);
      const bare = fs.realpathSync(tmpDir('cdn-purge-repo-'));
      initRepo(bare);
      const noConfig = await runCli(['plan', '--provider', 'imagekit', '--from-git'], { cwd: bare });
      assert.equal(noConfig.code, 2);
      assert.match(noConfig.stderr, /--from-git needs cdn-purge\.json at the repository root/);
    });
  });

  it('the child environment never inherits the keys of the test process', () => {
    const env = cliEnv();
    assert.equal(env.IMAGEKIT_PRIVATE_KEY, undefined);
    assert.equal(env.IMGIX_API_KEY, undefined);
    assert.ok(env.CDN_PURGE_STATE_DIR);
  });
});
