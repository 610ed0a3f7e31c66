// The one purge pipeline (src/core/pipeline.ts) with test hooks: the order of its steps and where each stops, the
// quota rule (what spends quota, the emulator's counter apart from the real account's, a real https API base through
// an undici MockAgent), grouping (a target's own provider is kept, not recomputed), coalescing only where a provider
// has wildcards. Expected counts and keys are written out literally.
import assert from 'node:assert/strict';
import { MockAgent } from 'undici';
import { runPurge, summarize, type PurgeConfig, type PurgeHooks } from '../../src/core/pipeline';
import { imagekit } from '../../src/core/providers/imagekit';
import { imgix } from '../../src/core/providers/imgix';
import type { ProviderPlugin } from '../../src/core/providers/types';
import { spendsQuota, type PurgeResult } from '../../src/core/purge';
import { MemoryQuotaStore, monthKey } from '../../src/core/quota';
import { Transport } from '../../src/core/transport';
import { reply, startServer, type TestServer } from './helpers/server';

const MONTH = monthKey(new Date());
const checkers = { imagekit: imagekit.checker({}), imgix: imgix.checker({}) };

function config(over: Partial<PurgeConfig> & { transport: Transport }): PurgeConfig {
  return {
    classify: (url) => (url.includes('imgix') ? 'imgix' : url.includes('imagekit') ? 'imagekit' : undefined),
    checker: (p) => checkers[p.id as keyof typeof checkers],
    ...over,
  };
}

/** Hooks that record the order they were called in; the key is always given. */
function recording(extra: Partial<PurgeHooks<string>> = {}): { hooks: PurgeHooks<string>; calls: string[] } {
  const calls: string[] = [];
  const hooks: PurgeHooks<string> = {
    unknownHosts: (urls) => void calls.push(`unknown ${urls.join(' ')}`),
    invalid: (p, plan) => (calls.push(`invalid ${p.id} ${plan.invalid.length}`), true),
    confirm: (b) => (
      calls.push(`confirm ${b.provider.id} ${b.requests.length} ${b.emulator ? 'emulator' : 'real'}`),
      true
    ),
    key: (p, slot) => (calls.push(`key ${p.id} ${slot}`), `key-${p.id}`),
    begin: (b) => (calls.push(`begin ${b.provider.id}`), `record-${b.provider.id}`),
    beforeSend: async (b, record) => void calls.push(`beforeSend ${b.provider.id} ${record}`),
    result: (b, record, r, i) => void calls.push(`result ${b.provider.id} ${record} ${i} ${r.status}`),
    done: (run) => void calls.push(`done ${run.provider.id} ${run.stage}`),
    ...extra,
  };
  return { hooks, calls };
}

describe('pipeline: one purge pipeline for the CLI and the extension', function () {
  this.timeout(20_000);
  let server: TestServer;
  let transport: Transport;
  let answer: (url: string) => number | 'drop' = () => 201;
  before(async () => {
    server = await startServer((req, res, raw) => {
      const body = JSON.parse(req.body) as { url?: string; data?: { attributes: { url: string } } };
      const url = body.url ?? body.data?.attributes.url ?? '';
      const a = answer(url);
      if (a === 'drop') return void raw.socket.destroy();
      if (req.url === '/v1/files/purge')
        return reply(res, a, a < 300 ? { requestId: `id${req.index}` } : { message: `refused ${a}` });
      // imgix documents 200 for a purge it received (ImageKit 201).
      reply(
        res,
        a === 201 ? 200 : a,
        a < 300 ? { data: { type: 'purges', id: `px${req.index}` } } : { errors: [{ title: `refused ${a}` }] },
      );
    });
  });
  after(() => server.close());
  beforeEach(() => {
    answer = () => 201;
    transport = new Transport();
  });
  afterEach(() => transport.close());

  it('runs the steps in order, per provider: confirm, key, begin, beforeSend, results, done', async () => {
    const { hooks, calls } = recording();
    const out = await runPurge(
      ['https://ik.imagekit.io/demo/a.jpg', 'https://assets.imgix.net/a.png', 'https://example.com/x.png'],
      config({ transport, apiBase: () => server.base }),
      hooks,
    );
    assert.deepEqual(calls, [
      'unknown https://example.com/x.png',
      'confirm imagekit 1 emulator',
      'key imagekit emulator',
      'begin imagekit',
      'beforeSend imagekit record-imagekit',
      'result imagekit record-imagekit 0 accepted',
      'done imagekit sent',
      'confirm imgix 1 emulator',
      'key imgix emulator',
      'begin imgix',
      'beforeSend imgix record-imgix',
      'result imgix record-imgix 0 accepted',
      'done imgix sent',
    ]);
    assert.deepEqual(out.unknownHosts, ['https://example.com/x.png']);
    assert.deepEqual(out.batches, ['record-imagekit', 'record-imgix']);
    assert.deepEqual(
      out.runs.map((r) => [r.provider.id, r.stage, r.summary.accepted]),
      [
        ['imagekit', 'sent', 1],
        ['imgix', 'sent', 1],
      ],
    );
    assert.deepEqual(
      server.requests.slice(-2).map((r) => r.headers.authorization),
      [`Basic ${Buffer.from('key-imagekit:').toString('base64')}`, 'Bearer key-imgix'],
    );
  });

  it('stops where a hook says no, and sends nothing: invalid, confirm, key, quota; config and API base problems', async () => {
    const before = server.requests.length;
    const url = 'https://ik.imagekit.io/demo/a.jpg';
    const stage = async (
      hooks: Partial<PurgeHooks<string>>,
      over: Partial<PurgeConfig> = {},
      urls = [url, 'https://ik.imagekit.io/demo/*'],
    ) =>
      (await runPurge(urls, config({ transport, apiBase: () => server.base, ...over }), recording(hooks).hooks))
        .runs[0];

    assert.equal((await stage({ invalid: () => false })).stage, 'invalid');
    assert.equal((await stage({ confirm: () => false })).stage, 'confirm');
    assert.equal((await stage({ key: () => undefined })).stage, 'key');
    const none = await stage({}, {}, ['https://ik.imagekit.io/demo/*']);
    assert.deepEqual([none.stage, none.invalid.length, none.summary.ok], ['nothing', 1, false]);
    const store = new MemoryQuotaStore();
    store.set(`quota:imagekit:emulator:demo:${MONTH}`, 1000);
    const quota = await stage({}, { quotaStore: store }, [url]);
    assert.equal(quota.stage, 'quota');
    assert.match(quota.quota?.message ?? '', /1 purge requests for demo on the local emulator would go over/);
    let problems: string[] = [];
    const cfg = await stage(
      { configProblems: (_p, ps) => void (problems = ps.map((p) => p.code)) },
      { checker: () => imagekit.checker({ endpoints: ['not a url'] }) },
    );
    assert.deepEqual([cfg.stage, problems], ['config', ['invalid-endpoint']]);
    let apiProblem: unknown;
    const api = await stage(
      { apiBaseProblem: (_p, x) => void (apiProblem = x) },
      { apiBase: () => 'http://example.com' },
    );
    assert.equal(api.stage, 'api-base');
    assert.deepEqual(
      [(apiProblem as { code: string }).code, (apiProblem as { option: unknown }).option],
      ['insecure-api-base', { provider: 'imagekit', name: 'apiBase' }],
    );
    const thrown = await stage({}, { apiBase: () => { throw new Error('bad setting') } }); // prettier-ignore
    assert.deepEqual([thrown.stage, thrown.problems[0].message], ['api-base', 'bad setting']);
    assert.equal(server.requests.length, before, 'nothing was sent');
  });

  it('quota: accepted, duplicate and unknown spend it; 4xx, 5xx and cancelled do not (one rule, spendsQuota)', async () => {
    const table: Array<[PurgeResult['status'], boolean]> = [
      ['accepted', true],
      ['duplicate', true],
      ['unknown', true],
      ['failed', false],
      ['error', false],
      ['cancelled', false],
    ];
    for (const [status, spends] of table) assert.equal(spendsQuota({ status }), spends, status);

    const store = new MemoryQuotaStore();
    answer = (url) =>
      url.endsWith('r400.jpg') ? 400 : url.endsWith('r500.jpg') ? 500 : url.endsWith('drop.jpg') ? 'drop' : 201;
    const out = await runPurge(
      ['ok1', 'ok2', 'r400', 'r500', 'drop'].map((n) => `https://ik.imagekit.io/demo/${n}.jpg`),
      config({ transport, apiBase: () => server.base, quotaStore: store }),
      recording().hooks,
    );
    const byUrl = Object.fromEntries(out.results.map((r) => [r.url.slice(-8), [r.status, r.httpStatus ?? null]]));
    assert.deepEqual(byUrl, {
      '/ok1.jpg': ['accepted', 201],
      '/ok2.jpg': ['accepted', 201],
      'r400.jpg': ['failed', 400],
      'r500.jpg': ['failed', 500],
      'drop.jpg': ['unknown', null],
    });
    assert.deepEqual([...store.data], [[`quota:imagekit:emulator:demo:${MONTH}`, 3]], '2 accepted + 1 unknown');
    assert.deepEqual(out.runs[0].summary, {
      requests: 5,
      accepted: 2,
      duplicate: 0,
      failed: 2,
      unknown: 1,
      cancelled: 0,
      invalid: 0,
      ok: false,
    });
  });

  it('a cancelled batch spends nothing for what was not sent', async () => {
    const store = new MemoryQuotaStore();
    const ac = new AbortController();
    ac.abort();
    const out = await runPurge(
      ['https://ik.imagekit.io/demo/c1.jpg', 'https://ik.imagekit.io/demo/c2.jpg'],
      config({ transport, apiBase: () => server.base, quotaStore: store, signal: ac.signal }),
      recording().hooks,
    );
    assert.deepEqual(
      out.results.map((r) => r.status),
      ['cancelled', 'cancelled'],
    );
    assert.deepEqual([...store.data], []);
  });

  it('a real (https) API base counts against the real account; only a provider with a monthly quota is counted', async () => {
    const mock = new MockAgent();
    mock.disableNetConnect();
    mock
      .get('https://api.imagekit.io')
      .intercept({ path: '/v1/files/purge', method: 'POST' })
      .reply(201, { requestId: 'real1' }, { headers: { 'content-type': 'application/json' } })
      .times(2);
    mock
      .get('https://api.imgix.com')
      .intercept({ path: '/api/v1/purge', method: 'POST' })
      .reply(200, { data: { id: 'p1', type: 'purges' } }, { headers: { 'content-type': 'application/vnd.api+json' } });
    const real = new Transport({ api: { dispatcher: mock } });
    try {
      const store = new MemoryQuotaStore();
      const { hooks, calls } = recording();
      const out = await runPurge(
        ['https://ik.imagekit.io/demo/r1.jpg', 'https://ik.imagekit.io/acme/r2.jpg', 'https://assets.imgix.net/r.png'],
        config({ transport: real, quotaStore: store }),
        hooks,
      );
      assert.deepEqual(
        out.results.map((r) => r.status),
        ['accepted', 'accepted', 'accepted'],
      );
      assert.ok(calls.includes('key imagekit real') && calls.includes('confirm imagekit 2 real'), calls.join('\n'));
      assert.deepEqual(Object.fromEntries(store.data), {
        [`quota:imagekit:demo:${MONTH}`]: 1,
        [`quota:imagekit:acme:${MONTH}`]: 1,
      });
    } finally {
      await real.close();
      await mock.close();
    }
  });

  it('--ignore-quota sends a batch over the quota and still counts it', async () => {
    const store = new MemoryQuotaStore();
    store.set(`quota:imagekit:emulator:demo:${MONTH}`, 1000);
    const out = await runPurge(
      ['https://ik.imagekit.io/demo/i.jpg'],
      config({ transport, apiBase: () => server.base, quotaStore: store, ignoreQuota: true }),
      recording().hooks,
    );
    assert.equal(out.runs[0].stage, 'sent');
    assert.equal(store.get(`quota:imagekit:emulator:demo:${MONTH}`), 1001);
  });

  it('a target that says its provider keeps it: the host classifier is not asked again', async () => {
    const asked: string[] = [];
    const out = await runPurge(
      [{ url: 'https://images.example.com/a.jpg', provider: 'imagekit' }, 'https://assets.imgix.net/b.png'],
      config({
        transport,
        apiBase: () => server.base,
        classify: (u) => (asked.push(u), 'imgix'),
        checker: (p) =>
          p.id === 'imagekit' ? imagekit.checker({ endpoints: ['https://images.example.com'] }) : checkers.imgix,
      }),
      recording().hooks,
    );
    assert.deepEqual(asked, ['https://assets.imgix.net/b.png']);
    assert.deepEqual(
      out.runs.map((r) => [r.provider.id, r.results.map((x) => x.url)]),
      [
        ['imagekit', ['https://images.example.com/a.jpg']],
        ['imgix', ['https://assets.imgix.net/b.png']],
      ],
    );
    // A forced provider wins over both.
    const forced = await runPurge(
      [{ url: 'https://assets.imgix.net/c.png', provider: 'imagekit' }],
      config({ transport, apiBase: () => server.base, provider: 'imgix' }),
      recording().hooks,
    );
    assert.equal(forced.runs[0].provider, imgix);
  });

  it('coalesces only where the provider has wildcards', async () => {
    const urls = (base: string) => [1, 2, 3].map((n) => `${base}/products/shoes/${n}.jpg`);
    const ik = await runPurge(
      urls('https://ik.imagekit.io/demo'),
      config({ transport, apiBase: () => server.base, coalesce: 2 }),
      recording().hooks,
    );
    assert.deepEqual(
      ik.results.map((r) => r.url),
      ['https://ik.imagekit.io/demo/products/shoes/*'],
    );
    const ix = await runPurge(
      urls('https://assets.imgix.net'),
      config({ transport, apiBase: () => server.base, coalesce: 2 }),
      recording().hooks,
    );
    assert.deepEqual(
      ix.results.map((r) => r.url),
      urls('https://assets.imgix.net'),
    );
  });

  it('summarize counts each status once', () => {
    const r = (status: PurgeResult['status'], ok = false): PurgeResult => ({
      url: 'u',
      kind: 'exact',
      covers: [],
      inputs: [],
      ok,
      status,
      ms: 0,
      attempts: 1,
    });
    assert.deepEqual(
      summarize([r('accepted', true), r('duplicate', true), r('failed'), r('error'), r('unknown'), r('cancelled')], 2),
      { requests: 6, accepted: 1, duplicate: 1, failed: 2, unknown: 1, cancelled: 1, invalid: 2, ok: false },
    );
    assert.equal(summarize([r('accepted', true)], 0).ok, true);
  });

  it('the key is remembered by the transport, so it is redacted from everything printed', async () => {
    await runPurge(
      ['https://ik.imagekit.io/demo/k.jpg'],
      config({ transport, apiBase: () => server.base }),
      recording({ key: () => 'sEcReT-kEy-123' }).hooks,
    );
    assert.deepEqual(transport.keys.list(), ['sEcReT-kEy-123']);
    assert.equal(transport.redact('x sEcReT-kEy-123 y'), 'x *** y');
  });

  it('a provider without a monthly quota is never counted, even with a store', async () => {
    const store = new MemoryQuotaStore();
    const noQuota: ProviderPlugin = imgix;
    assert.equal(noQuota.monthlyQuota, undefined);
    await runPurge(
      ['https://assets.imgix.net/q.png'],
      config({ transport, apiBase: () => server.base, quotaStore: store }),
      recording().hooks,
    );
    assert.deepEqual([...store.data], []);
  });
});
