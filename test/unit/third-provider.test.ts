// Issue 10's "done when": a third provider, FakeCDN (test/unit/helpers/fake-provider.ts), registered from the test
// folder alone with registerProvider() — no edit under src/ — works end to end against a loopback server: the CLI's
// check, plan (with --coalesce: it has wildcards), purge (its own key variable, its own flag, its quota, its
// remedy wording) and status (it has a status API), and the extension's pipeline (PurgeService through the vscode
// stand-in: history, quota, live status).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { install, MemoryMemento, shown } from './helpers/vscode-stub';
install();
/* eslint-disable @typescript-eslint/no-require-imports */
import type { HistoryStore as HistoryStoreType } from '../../src/host/history';
import type { PurgeService as PurgeServiceType } from '../../src/host/purgeService';
import { providers, registerProvider } from '../../src/core/providers/registry';
import { monthKey } from '../../src/core/quota';
import { classifierFrom } from '../../src/core/scanner';
import { checkApiBase, parseUrl } from '../../src/core/url';
import { runCliHere } from './helpers/cli-inprocess';
import { silentLog } from './helpers/purge-service';
import { FAKE_ID, FAKE_KEY, FAKE_KEY_ENV, fakeCdnServer, fakeProvider } from './helpers/fake-provider';
import { tmpDir } from './helpers/tmp';

const { PurgeService } = require('../../src/host/purgeService') as { PurgeService: typeof PurgeServiceType };
const { HistoryStore } = require('../../src/host/history') as { HistoryStore: typeof HistoryStoreType };

const MONTH = monthKey(new Date());
const IMG = 'https://img.fakecdn.test';

describe('a third provider registered from the test folder alone (FakeCDN)', function () {
  this.timeout(20_000);
  let server: Awaited<ReturnType<typeof fakeCdnServer>>;
  let unregister: () => void;
  before(async () => {
    unregister = registerProvider(fakeProvider);
    server = await fakeCdnServer();
  });
  after(async () => {
    unregister();
    await server.close();
  });

  const env = (state = tmpDir('cdn-purge-state-')) => ({ [FAKE_KEY_ENV]: FAKE_KEY, CDN_PURGE_STATE_DIR: state });

  it('the help texts offer it: --provider choices, its key variable, its own flag', async () => {
    const main = await runCliHere(['--help']);
    assert.match(main.stdout, /ImageKit, imgix and FakeCDN CDNs/);
    assert.match(main.stdout, /key from IMAGEKIT_PRIVATE_KEY, IMGIX_API_KEY or FAKECDN_TOKEN/);
    assert.match(main.stdout, /status API: imagekit or fakecdn/);
    const purge = await runCliHere(['purge', '--help']);
    assert.match(purge.stdout, /--provider imagekit\|imgix\|fakecdn/);
    assert.match(purge.stdout, /--region V +FakeCDN: the purge region \(two letters\)/);
    assert.match(purge.stdout, /--coalesce\[=N\] +ImageKit or FakeCDN:/);
  });

  it('check: its rules decide, with its problem ranges; a flag of its own is accepted, another provider refuses it', async () => {
    const r = await runCliHere([
      'check',
      '--provider',
      FAKE_ID,
      `${IMG}/a/b.jpg`,
      `${IMG}/*`,
      'https://x.example/a.jpg',
    ]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^valid {3}https:\/\/img\.fakecdn\.test\/a\/b\.jpg$/m);
    assert.match(
      r.stdout,
      /^INVALID https:\/\/img\.fakecdn\.test\/\*\n {2}error: \[wildcard-too-broad\] A FakeCDN wildcard/m,
    );
    assert.match(
      r.stdout,
      /\[not-under-endpoint\] x\.example is not a FakeCDN host\.\n {4}set: --endpoint URL, or "hosts" under "fakecdn" in cdn-purge\.json/,
    );
    assert.match(r.stdout, /1 valid, 2 invalid/);
    const region = await runCliHere(['check', '--provider', FAKE_ID, '--region', 'eu', `${IMG}/a.jpg`]);
    assert.equal(region.code, 0, region.stderr);
    const foreign = await runCliHere([
      'check',
      '--provider',
      'imagekit',
      '--region',
      'eu',
      'https://ik.imagekit.io/demo/a.jpg',
    ]);
    assert.equal(foreign.code, 2);
    assert.match(foreign.stderr, /--region is an option of FakeCDN, not of ImageKit/);
    const bad = await runCliHere(['check', '--provider', FAKE_ID, '--region', 'europe', `${IMG}/a.jpg`]);
    assert.match(
      bad.stderr,
      /configuration: \[invalid-endpoint\] The FakeCDN region is two letters\. \(set: --region, or "region" under "fakecdn" in cdn-purge\.json\)/,
    );
  });

  it('cdn-purge.json has a section for it, read through the registry', async () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'cdn-purge.json'), JSON.stringify({ fakecdn: { hosts: ['cdn.example.org'] } }));
    const r = await runCliHere(['check', '--provider', FAKE_ID, 'https://cdn.example.org/a.jpg'], { cwd: dir });
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });

  it('plan --coalesce: it has wildcards, so URLs are coalesced into one of its valid wildcards', async () => {
    const r = await runCliHere(
      ['plan', '--provider', FAKE_ID, '--coalesce', '--json', ...[1, 2, 3].map((n) => `${IMG}/shoes/red/${n}.jpg`)],
      { env: env() },
    );
    assert.equal(r.code, 0, r.stderr);
    const plan = JSON.parse(r.stdout) as { provider: string; requests: Array<{ url: string; coalesced: boolean }> };
    assert.equal(plan.provider, FAKE_ID);
    assert.deepEqual(
      plan.requests.map((x) => [x.url, x.coalesced]),
      [[`${IMG}/shoes/red/*`, true]],
    );
  });

  it('purge: its key variable, its request format, its flag in the body, its quota counted; its remedy worded', async () => {
    const state = tmpDir('cdn-purge-state-');
    const before = server.purged.length;
    const r = await runCliHere(
      ['purge', '--provider', FAKE_ID, '--api-base', server.base, '--region', 'eu', `${IMG}/p/1.jpg`, `${IMG}/p/2.jpg`],
      { env: env(state) },
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^ok {3}202 .*https:\/\/img\.fakecdn\.test\/p\/1\.jpg {2}id=t\d+$/m);
    assert.match(r.stdout, /2 requests: 2 accepted, 0 failed/);
    assert.deepEqual(server.purged.slice(before), [
      { target: `${IMG}/p/1.jpg`, region: 'eu' },
      { target: `${IMG}/p/2.jpg`, region: 'eu' },
    ]);
    const quota = JSON.parse(fs.readFileSync(path.join(state, 'quota.json'), 'utf8')) as Record<string, number>;
    // A loopback API base is the emulator: counted apart, under the provider's own id.
    assert.deepEqual(quota, { [`quota:fakecdn:emulator:img.fakecdn.test:${MONTH}`]: 2 });
    const over = await runCliHere(
      ['purge', '--provider', FAKE_ID, '--api-base', server.base, `${IMG}/p/3.jpg`, `${IMG}/p/4.jpg`],
      { env: env(state) },
    );
    assert.equal(over.code, 1);
    assert.match(
      over.stderr,
      /2 purge requests for img\.fakecdn\.test on the local emulator would go over FakeCDN's limit of 3 a month/,
    );
    const refused = await runCliHere(
      ['purge', '--provider', FAKE_ID, '--api-base', server.base, '--json', `${IMG}/refuse.jpg`],
      {
        env: { ...env(), [FAKE_KEY_ENV]: 'fk_wrong' },
      },
    );
    assert.equal(refused.code, 1);
    const [x] = (JSON.parse(refused.stdout) as { results: Array<{ httpStatus: number; hint?: string }> }).results;
    assert.equal(x.httpStatus, 401);
    assert.match(
      x.hint ?? '',
      /The key is read from FAKECDN_TOKEN: set it to the FakeCDN token \(from the FakeCDN console → Tokens\)/,
    );
    const noKey = await runCliHere(['purge', '--provider', FAKE_ID, '--api-base', server.base, `${IMG}/a.jpg`], {
      env: { [FAKE_KEY_ENV]: 'wrong-shape' },
    });
    assert.equal(noKey.code, 2);
    assert.match(noKey.stderr, /FAKECDN_TOKEN: A FakeCDN token starts with "fk_"/);
  });

  it('status: it has a status API, so status and --wait follow its tickets to its "done"', async () => {
    const p = await runCliHere(
      ['purge', '--provider', FAKE_ID, '--api-base', server.base, '--json', `${IMG}/s/1.jpg`],
      {
        env: env(),
      },
    );
    const ticket = (JSON.parse(p.stdout) as { results: Array<{ requestId: string }> }).results[0].requestId;
    const once = await runCliHere(['status', '--provider', FAKE_ID, '--api-base', server.base, ticket], { env: env() });
    assert.equal(once.code, 0, once.stderr);
    assert.equal(once.stdout.trim(), `${ticket}  queued`);
    const wait = await runCliHere(
      ['status', '--provider', FAKE_ID, '--api-base', server.base, '--wait', '--interval', '0.05', ticket],
      { env: env() },
    );
    assert.equal(wait.code, 0, wait.stderr);
    assert.equal(wait.stdout.trim(), `${ticket}  done`);
  });

  it("the extension's pipeline (PurgeService) purges it: history records, live status, quota apart for the emulator", async () => {
    const memento = new MemoryMemento();
    const history = new HistoryStore(memento);
    const all = () => Object.fromEntries(providers().map((x) => [x.id, x.checker({})]));
    const classify = classifierFrom(all());
    const settings = {
      providerOf: (url: string) => {
        const u = parseUrl(url);
        return u.ok ? classify(u.url.hostname) : undefined;
      },
      checker: (id: string) => all()[id],
      apiBase: () => {
        const r = checkApiBase(server.base);
        if (!r.ok) throw new Error('bad');
        return r.api;
      },
      coalesce: 0,
      confirm: false,
      rateLimit: () => undefined,
    };
    const keys = {
      get: async (p: string, slot: string) => (p === FAKE_ID && slot === 'emulator' ? FAKE_KEY : undefined),
    };
    const svc = new PurgeService(settings, keys as never, history, silentLog as never, memento);
    try {
      const out = await svc.purge([`${IMG}/x/1.jpg`, `${IMG}/x/refuse.jpg`], { source: 'test' });
      assert.deepEqual(
        out?.results.map((r) => [r.url, r.status, r.httpStatus]),
        [
          [`${IMG}/x/1.jpg`, 'accepted', 202],
          [`${IMG}/x/refuse.jpg`, 'failed', 400],
        ],
      );
      await history.flush();
      const [batch] = history.all();
      assert.equal(batch.provider, FAKE_ID);
      assert.equal(batch.target, `emulator ${new URL(server.base).host}`);
      assert.deepEqual(
        batch.requests.map((r) => [r.state, r.live ?? null, r.requestId ?? null]),
        [
          ['accepted', 'Pending', out?.results[0].requestId],
          ['failed', null, null],
        ],
      );
      assert.equal(memento.get(`quota:fakecdn:emulator:img.fakecdn.test:${MONTH}`), 1, 'the 400 is not counted');
      assert.ok(shown.some((m) => m.kind === 'error' && /1 of 2 FakeCDN purges failed \(HTTP 400\)/.test(m.message)));
    } finally {
      svc.dispose();
      shown.length = 0;
    }
  });
});
