// The extension's PurgeService (src/host/purgeService.ts) in plain Node, through a `vscode` stand-in, against the
// emulator and a loopback server: what it records in the ImageKit quota (accepted and "unknown: may have been
// received" count; refused 4xx/5xx and unsent ones do not), the history states and support ids, and the imgix
// rate setting reaching the client.
import assert from 'node:assert/strict';
import { install, MemoryMemento, shown } from './helpers/vscode-stub';
install();
/* eslint-disable @typescript-eslint/no-require-imports */
import type { PurgeService as PurgeServiceType } from '../../src/host/purgeService';
import type { HistoryStore as HistoryStoreType } from '../../src/host/history';
import { imagekit } from '../../src/core/providers/imagekit';
import { imgix } from '../../src/core/providers/imgix';
import { monthKey } from '../../src/core/quota';
import { checkApiBase } from '../../src/core/url';
import { startEmulator, type Emulator } from '../../src/emulator';
import { reply, startServer, type TestServer } from './helpers/server';
import { emulatorKeys, silentLog } from './helpers/purge-service';

const { PurgeService } = require('../../src/host/purgeService') as { PurgeService: typeof PurgeServiceType };
const { HistoryStore } = require('../../src/host/history') as { HistoryStore: typeof HistoryStoreType };

function fakeSettings(apiBase: string, imgixRate?: number) {
  return {
    providerOf: (url: string) => (url.includes('imgix') ? 'imgix' : 'imagekit'),
    configProblems: () => [],
    checker: (p: 'imagekit' | 'imgix') => (p === 'imagekit' ? imagekit : imgix).checker({}),
    coalesce: 0,
    confirm: false,
    apiBase: () => {
      const r = checkApiBase(apiBase);
      if (!r.ok) throw new Error('bad api base');
      return r.api;
    },
    rateLimit: (p: string) => (p === 'imgix' ? imgixRate : undefined),
  };
}

const log = silentLog;
const keys = emulatorKeys;

function quotaUsed(memento: MemoryMemento, account = 'demo'): number {
  return memento.get<number>(`quota:imagekit:emulator:${account}:${monthKey(new Date())}`) ?? 0;
}

describe('extension PurgeService (plain Node, vscode stand-in): quota, unknown purges, support ids', function () {
  this.timeout(20_000);
  const services: PurgeServiceType[] = [];
  const servers: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    for (const s of services.splice(0)) s.dispose();
    await Promise.all(servers.splice(0).map((s) => s.close()));
    shown.length = 0;
  });

  function service(
    apiBase: string,
    memento: MemoryMemento,
    imgixRate?: number,
  ): { svc: PurgeServiceType; history: HistoryStoreType } {
    const history = new HistoryStore(memento);
    const svc = new PurgeService(fakeSettings(apiBase, imgixRate), keys as never, history, log as never, memento);
    services.push(svc);
    return { svc, history };
  }

  it('counts accepted ImageKit purges in the quota, with the support id in the history', async () => {
    const emu: Emulator = await startEmulator({ rate: 0, statusDelayMs: 0 });
    servers.push(emu);
    const memento = new MemoryMemento();
    const { svc, history } = service(emu.url, memento);
    const out = await svc.purge(['https://ik.imagekit.io/demo/a.jpg', 'https://ik.imagekit.io/demo/b.jpg'], {
      source: 'test',
    });
    assert.deepEqual(
      out?.results.map((r) => r.status),
      ['accepted', 'accepted'],
    );
    assert.equal(quotaUsed(memento), 2);
    await history.flush();
    const req = history.all()[0].requests[0];
    assert.equal(req.state, 'accepted');
    assert.match(req.supportId ?? '', /^[0-9a-f-]{36}$/);
  });

  it('a refused purge (400, 500) is not counted; a purge sent with no answer ("unknown") is counted', async () => {
    let mode: 'refuse' | 'silent' | 'fail' = 'refuse';
    const server: TestServer = await startServer((_req, res, raw) => {
      if (mode === 'refuse') reply(res, 400, { message: 'no' }, { 'x-ik-requestid': 'ik-support-1' });
      else if (mode === 'fail') reply(res, 500, { message: 'down' });
      else raw.socket.destroy();
    });
    servers.push(server);
    const memento = new MemoryMemento();
    const { svc, history } = service(server.base, memento);
    const refused = await svc.purge(['https://ik.imagekit.io/demo/a.jpg'], { source: 'test' });
    assert.equal(refused?.results[0].status, 'failed');
    assert.equal(refused?.results[0].supportId, 'ik-support-1');
    assert.equal(quotaUsed(memento), 0, 'a 400 spends nothing');
    mode = 'fail';
    const failed = await svc.purge(['https://ik.imagekit.io/demo/b.jpg'], { source: 'test' });
    assert.equal(failed?.results[0].status, 'failed');
    assert.equal(failed?.results[0].httpStatus, 500);
    assert.equal(quotaUsed(memento), 0, 'a 5xx spends nothing');
    mode = 'silent';
    const posts = () => server.requests.filter((r) => r.method === 'POST').length;
    const before = posts();
    const unknown = await svc.purge(['https://ik.imagekit.io/demo/c.jpg'], { source: 'test' });
    assert.equal(unknown?.results[0].status, 'unknown');
    assert.equal(posts() - before, 1, 'ImageKit: never sent again');
    assert.equal(quotaUsed(memento), 1, 'a purge that may have been received is counted');
    await history.flush();
    assert.equal(history.all()[0].requests[0].state, 'unknown');
    assert.ok(shown.some((m) => m.kind === 'warning' && /may have been received/.test(m.message)));
  });

  it('imgix purges follow cdnPurge.imgix.rateLimit (here 0: no fixed pace) and carry the error id of a refusal', async () => {
    const emu: Emulator = await startEmulator({ rate: 0 });
    servers.push(emu);
    const memento = new MemoryMemento();
    const { svc } = service(emu.url, memento, 0);
    const first = await svc.purge(['https://assets.imgix.net/a.png'], { source: 'test' });
    assert.equal(first?.results[0].status, 'accepted');
    const again = await svc.purge(['https://assets.imgix.net/a.png'], { source: 'test' });
    assert.equal(again?.results[0].status, 'duplicate');
    assert.match(again?.results[0].supportId ?? '', /^[0-9a-f-]{36}$/, 'the JSON:API error id');
    assert.equal(quotaUsed(memento), 0, 'imgix has no quota counter');
  });

  it('words what the pipeline gives as data: the settings that fix a problem, the key command for a refused key', async () => {
    const server: TestServer = await startServer((_req, res) =>
      reply(res, 401, { message: 'Your account cannot be authenticated.' }),
    );
    servers.push(server);
    const memento = new MemoryMemento();
    const history = new HistoryStore(memento);
    const settings = {
      ...fakeSettings(server.base),
      providerOf: (url: string) =>
        url.includes('ik.imagekit.io') || url.includes('example.org') ? 'imagekit' : undefined,
      checker: () => imagekit.checker({ endpoints: ['https://ik.imagekit.io/demo'] }),
    };
    const svc = new PurgeService(settings, keys as never, history, log as never, memento);
    services.push(svc);
    // No provider claims the host: the message names each provider's endpoints setting.
    assert.equal(await svc.purge(['https://cdn.example.com/a.jpg'], { source: 'test' }), undefined);
    assert.ok(
      shown.some(
        (m) =>
          m.kind === 'error' &&
          m.message ===
            '"https://cdn.example.com/a.jpg" is not on a host of ImageKit or imgix. Add the custom domain to the settings (cdnPurge.imagekit.endpoints or cdnPurge.imgix.domains).',
      ),
      JSON.stringify(shown),
    );
    // A URL outside the configured endpoints: the core's message, then the setting that fixes it.
    await svc.purge(['https://ik.imagekit.io/other/a.jpg'], { source: 'test' });
    assert.ok(
      shown.some(
        (m) =>
          m.kind === 'error' &&
          /not under a configured ImageKit endpoint .*\(setting cdnPurge\.imagekit\.endpoints\)$/.test(m.message),
      ),
      JSON.stringify(shown),
    );
    // A refused key on a loopback API base (the local emulator, which takes only its test keys): the summary says
    // to run Use Local Emulator… and offers it; Set API Key (a real key's slot) would not fix it.
    const out = await svc.purge(['https://ik.imagekit.io/demo/a.jpg'], { source: 'test' });
    assert.equal(out?.results[0].remedy, 'key');
    await new Promise<void>((r) => setImmediate(r));
    const refused = shown.find((m) => m.kind === 'error' && /HTTP 401/.test(m.message));
    assert.ok(refused, JSON.stringify(shown));
    assert.match(refused.message, /run "CDN Purge: Use Local Emulator…" to store them again\.$/);
    assert.doesNotMatch(refused.message, /Set API Key/);
    assert.deepEqual(refused.items, ['Show Output', 'Use Local Emulator…']);
  });
});

describe('extension PurgeService: the cancel report and workspace trust', () => {
  it('counts a cancelled batch as answered / sent with no answer / not sent, and what spends quota', async () => {
    const { cancelCounts } = require('../../src/host/purgeService') as typeof import('../../src/host/purgeService');
    const { spendsQuota } = await import('../../src/core/purge');
    const results = [
      { status: 'accepted' as const, httpStatus: 201 },
      { status: 'duplicate' as const, httpStatus: 409 },
      { status: 'failed' as const, httpStatus: 400 },
      { status: 'unknown' as const },
      { status: 'cancelled' as const },
      { status: 'error' as const },
    ];
    assert.deepEqual(cancelCounts(results, spendsQuota), { answered: 3, noAnswer: 1, notSent: 2, spent: 3 });
  });

  it('requireTrust refuses in Restricted Mode, with Manage Workspace Trust, and lets a trusted workspace through', () => {
    const { requireTrust } = require('../../src/host/purgeService') as typeof import('../../src/host/purgeService');
    const { workspaceState } = require('./helpers/vscode-stub') as typeof import('./helpers/vscode-stub');
    shown.length = 0;
    assert.equal(requireTrust(), true);
    assert.equal(shown.length, 0);
    workspaceState.trusted = false;
    try {
      assert.equal(requireTrust(), false);
    } finally {
      workspaceState.trusted = true;
    }
    assert.equal(shown.length, 1);
    assert.match(shown[0].message, /Restricted Mode/);
    assert.deepEqual(shown[0].items, ['Manage Workspace Trust']);
  });
});
