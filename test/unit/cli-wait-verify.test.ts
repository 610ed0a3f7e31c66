// `cdn-purge purge --wait` and `--verify` end to end: the built CLI as a child process against the emulator (on a
// ManualClock, so "Pending" and "cached before the purge" are set by the test, not by timing). --wait polls
// ImageKit's status until Completed and exits 0 only when every purge is done; a status that stays Pending past
// --wait-timeout exits 1 and says so. --verify reads the emulator's CDN before and after the purge: a new version
// is "fresh" (exit 0), the same version fetched again from an unchanged origin is "cannot tell" (exit 1 unless
// --fail-on leaves cannot-tell out), and the same old cached copy is "stale" (exit 1).
import assert from 'node:assert/strict';
import { DEFAULT_IMAGEKIT_TEST_KEY, DEFAULT_IMGIX_TEST_KEY } from '../../src/emulator';
import { call, control, emulatorFixture, sleep } from './emulator-helpers';
import { ensureCliBuilt, runCli } from './helpers/cli';

const ik = { IMAGEKIT_PRIVATE_KEY: DEFAULT_IMAGEKIT_TEST_KEY };
const ix = { IMGIX_API_KEY: DEFAULT_IMGIX_TEST_KEY };
const A = 'https://ik.imagekit.io/demo/wait/a.jpg';

async function until(what: string, test: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** The emulator's CDN copy of an asset URL (caches it on a miss). */
const cdnGet = (base: string, url: string) => call(base, 'GET', `/cdn/${url.replace(/^https:\/\//, '')}`);

describe('cdn-purge purge --wait and --verify end to end (child process, emulator)', function () {
  this.timeout(60_000);
  const fx = emulatorFixture();

  before(() => ensureCliBuilt());

  describe('--wait (ImageKit purge status)', () => {
    it('polls while Pending, exits 0 once Completed, and reports it in text and --json', async () => {
      const e = await fx.start({ statusDelayMs: 10_000 });
      const polls = () =>
        e.requests({ provider: 'imagekit' }).filter((r) => r.method === 'GET' && r.path.includes('/purge/')).length;
      const run = runCli(['purge', '-p', 'imagekit', '--api-base', e.url, '--wait', '--interval', '0.1', '--json', A], {
        env: ik,
      });
      let finished = false;
      void run.then(
        () => (finished = true),
        () => (finished = true),
      );
      await until('a Pending status poll', () => polls() >= 1);
      await sleep(300);
      assert.equal(finished, false, 'it did not exit while the status was Pending');
      fx.clock.advance(10_000);
      const r = await run;
      assert.equal(r.code, 0, r.stderr);
      assert.ok(polls() >= 2, 'it polled again after Pending');
      const json = JSON.parse(r.stdout);
      assert.deepEqual([json.summary.completed, json.summary.pending, json.ok], [1, 0, true]);
      assert.equal(json.results[0].completion.done, true);
    });

    it('a status still Pending when --wait-timeout passes: exit 1, "not done", in text and --json', async () => {
      const e = await fx.start({ statusDelayMs: 3_600_000 });
      const text = await runCli(
        ['purge', '-p', 'imagekit', '--api-base', e.url, '--wait', '--interval', '0.1', '--wait-timeout', '0.5', A],
        { env: ik },
      );
      assert.equal(text.code, 1, text.stdout + text.stderr);
      assert.match(text.stdout, /not done when --wait-timeout passed/);
      assert.match(text.stdout, /^wait: 0 done, 1 not done/m);
      const json = await runCli(
        [
          'purge',
          '-p',
          'imagekit',
          '--api-base',
          e.url,
          '--wait',
          '--interval',
          '0.1',
          '--wait-timeout',
          '0.5',
          '--json',
          'https://ik.imagekit.io/demo/wait/b.jpg',
        ],
        { env: ik },
      );
      assert.equal(json.code, 1);
      const out = JSON.parse(json.stdout);
      assert.deepEqual([out.summary.completed, out.summary.pending, out.ok], [0, 1, false]);
      assert.ok(out.failures.includes('pending'), JSON.stringify(out.failures));
      // --fail-on without "pending": the same run exits 0 (the README's documented choice).
      const lenient = await runCli(
        [
          'purge',
          '-p',
          'imagekit',
          '--api-base',
          e.url,
          '--wait',
          '--interval',
          '0.1',
          '--wait-timeout',
          '0.5',
          '--fail-on',
          'failed,unknown',
          'https://ik.imagekit.io/demo/wait/c.jpg',
        ],
        { env: ik },
      );
      assert.equal(lenient.code, 0, lenient.stdout + lenient.stderr);
    });
  });

  describe('--verify (the emulator CDN)', () => {
    it('a new version at the origin, cached before the purge: fresh after it, exit 0 (with --wait too)', async () => {
      const e = await fx.start({ statusDelayMs: 0 });
      const v1 = await cdnGet(e.url, A);
      assert.equal(v1.status, 200);
      assert.equal((await control(e.url, 'POST', 'origin', { url: A, action: 'update' })).status, 200);
      assert.equal((await cdnGet(e.url, A)).headers.etag, v1.headers.etag, 'the CDN still serves the old copy');
      const r = await runCli(
        ['purge', '-p', 'imagekit', '--api-base', e.url, '--wait', '--verify', '--interval', '0.1', A],
        { env: ik },
      );
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /^fresh https:\/\/ik\.imagekit\.io\/demo\/wait\/a\.jpg {2}a new version is served/m);
      assert.match(r.stdout, /^verify: 1 fresh, 0 stale, 0 cannot tell, 0 could not be fetched/m);
      assert.notEqual((await cdnGet(e.url, A)).headers.etag, v1.headers.etag);
    });

    it('a deleted asset: 404 after the purge is fresh (imgix), exit 0', async () => {
      const e = await fx.start({ imgixPurgeDelayMs: 0 });
      const url = 'https://assets.imgix.net/verify/gone.png';
      assert.equal((await cdnGet(e.url, url)).status, 200);
      await control(e.url, 'POST', 'origin', { url, action: 'delete' });
      const r = await runCli(['purge', '-p', 'imgix', '--api-base', e.url, '--verify', '--json', url], { env: ix });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const out = JSON.parse(r.stdout);
      assert.equal(out.summary.fresh, 1);
      assert.equal(out.results[0].verify[0].verdict, 'fresh');
      assert.match(out.results[0].verify[0].detail, /404/);
    });

    it('an unchanged origin: "cannot tell", never "fresh" or "stale"; exit 1, or 0 when --fail-on leaves it out', async () => {
      const e = await fx.start({ statusDelayMs: 0 });
      assert.equal((await cdnGet(e.url, A)).status, 200);
      const r = await runCli(['purge', '-p', 'imagekit', '--api-base', e.url, '--verify', A], { env: ik });
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stdout, /^\?{5} https:\/\/ik\.imagekit\.io\/demo\/wait\/a\.jpg {2}the same version is served/m);
      assert.match(r.stdout, /the origin has not changed/);
      assert.match(r.stdout, /^verify: 0 fresh, 0 stale, 1 cannot tell, 0 could not be fetched/m);
      const json = await runCli(['purge', '-p', 'imagekit', '--api-base', e.url, '--verify', '--json', A], {
        env: ik,
      });
      assert.equal(json.code, 1);
      const out = JSON.parse(json.stdout);
      assert.deepEqual([out.summary.cannotTell, out.summary.fresh, out.summary.stale], [1, 0, 0]);
      assert.deepEqual(out.failures, ['cannot-tell']);
      const lenient = await runCli(
        ['purge', '-p', 'imagekit', '--api-base', e.url, '--verify', '--fail-on', 'failed,unknown,pending,stale', A],
        { env: ik },
      );
      assert.equal(lenient.code, 0, lenient.stdout + lenient.stderr);
    });

    it('the old copy, cached before the purge, still served when --wait-timeout passes: "stale", exit 1', async () => {
      // The purge takes effect when the emulator clock passes the status delay: it never does here.
      const e = await fx.start({ statusDelayMs: 3_600_000 });
      assert.equal((await cdnGet(e.url, A)).status, 200);
      await control(e.url, 'POST', 'origin', { url: A, action: 'update' });
      fx.clock.advance(60_000); // the CDN's copy is now 60 s old (Age: 60)
      const r = await runCli(
        ['purge', '-p', 'imagekit', '--api-base', e.url, '--verify', '--wait-timeout', '1', '--json', A],
        { env: ik },
      );
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const out = JSON.parse(r.stdout);
      assert.deepEqual([out.summary.stale, out.summary.fresh], [1, 0]);
      assert.equal(out.results[0].verify[0].timedOut, true);
      assert.ok(out.failures.includes('stale'));
    });
  });
});
