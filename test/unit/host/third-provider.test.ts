// A third provider registered from the test folder alone (registerProvider, no edit under src/) is served by the
// extension's host side: its settings are read from its plugin's section and merged with cdn-purge.json, its URLs
// are indexed and checked, its history is kept (not put aside as unreadable), the poller follows it with its own
// status words, the tree names it, Set API Key offers it.
import assert from 'node:assert/strict';
import { reply, startServer } from '../helpers/server';
import { silentLog } from '../helpers/purge-service';
import {
  answers,
  collections,
  configuration,
  install,
  ManualTimers,
  MemoryMemento,
  openDocument,
  reset,
  Uri,
  workspaceState,
  writeFile,
} from '../helpers/vscode-stub';
install();
/* eslint-disable @typescript-eslint/no-require-imports */
const { registerProvider } =
  require('../../../src/core/providers/registry') as typeof import('../../../src/core/providers/registry');
const { imagekit } =
  require('../../../src/core/providers/imagekit') as typeof import('../../../src/core/providers/imagekit');
const { imgix } = require('../../../src/core/providers/imgix') as typeof import('../../../src/core/providers/imgix');
const { Settings } = require('../../../src/host/settings') as typeof import('../../../src/host/settings');
const { HistoryStore } = require('../../../src/host/history') as typeof import('../../../src/host/history');
const { HistoryTreeProvider } =
  require('../../../src/host/historyTree') as typeof import('../../../src/host/historyTree');
const { StatusPoller } = require('../../../src/host/statusPoller') as typeof import('../../../src/host/statusPoller');
const { DocumentIndex } =
  require('../../../src/host/documentIndex') as typeof import('../../../src/host/documentIndex');
const { UrlDiagnostics } = require('../../../src/host/diagnostics') as typeof import('../../../src/host/diagnostics');
const { pickProvider } = require('../../../src/commands/setKey') as typeof import('../../../src/commands/setKey');
const { StorageKey } = require('../../../src/host/ids') as typeof import('../../../src/host/ids');
const { PurgeService } = require('../../../src/host/purgeService') as typeof import('../../../src/host/purgeService');
const { Transport } = require('../../../src/core/transport') as typeof import('../../../src/core/transport');

type Plugin = Parameters<typeof registerProvider>[0];

/** "Fastly-ish": imgix's rules on its own hosts, a status API with its own words, its own settings section. */
const fake: Plugin = {
  ...imgix,
  id: 'fakecdn',
  label: 'FakeCDN',
  requestIdLabel: 'ticket',
  key: { env: 'FAKECDN_KEY', label: 'FakeCDN token', help: 'Token, from FakeCDN → Account' },
  settings: { ...imgix.settings, section: 'fakecdn', endpointsKey: 'hosts', rateLimit: undefined, options: [] },
  status: {
    ...imagekit.status!,
    pending: 'queued',
    completed: 'done',
    // Its own words (ImageKit's parser takes only ImageKit's documented "Pending" and "Completed").
    parse: (httpStatus: number, body: string) => {
      const json = JSON.parse(body || '{}') as { status?: unknown };
      return httpStatus === 200 && typeof json.status === 'string'
        ? { ok: true, status: json.status, httpStatus }
        : { ok: false, httpStatus, message: `HTTP ${httpStatus}` };
    },
  },
  checker: (config) => {
    const c = imgix.checker(config);
    return {
      provider: 'fakecdn',
      configProblems: c.configProblems,
      ownsHost: (h) => h.endsWith('.fakecdn.test'),
      check: (input) => ({ ...c.check(input.replace('.fakecdn.test', '.imgix.net')), provider: 'fakecdn', input }),
    };
  },
};

describe('host: a third provider registered from the test folder', () => {
  let remove: () => void;
  beforeEach(() => {
    remove = registerProvider(fake);
  });
  afterEach(() => {
    remove();
    reset();
  });

  it("Settings read its section (its own endpoint key), merged with cdn-purge.json's", async () => {
    const ws = Uri.file('/ws');
    workspaceState.folders = [{ uri: ws, name: 'ws', index: 0 }];
    writeFile(Uri.joinPath(ws, 'cdn-purge.json'), JSON.stringify({ fakecdn: { hosts: ['https://a.fakecdn.test'] } }));
    configuration.set('fakecdn.hosts', ['https://b.fakecdn.test']);
    configuration.set('fakecdn.apiBase', 'http://127.0.0.1:9999');
    const settings = new Settings();
    await settings.reloadProject();
    assert.deepEqual(settings.providerConfig('fakecdn').endpoints, [
      'https://a.fakecdn.test',
      'https://b.fakecdn.test',
    ]);
    assert.deepEqual(settings.apiBase('fakecdn'), { base: 'http://127.0.0.1:9999', loopback: true });
    assert.ok('fakecdn' in settings.checkers());
    assert.equal(settings.providerOf('https://x.fakecdn.test/a.png'), 'fakecdn');
    assert.equal(settings.rateLimit('fakecdn'), undefined, 'no rate setting in its plugin');
    settings.dispose();
  });

  it('its URLs are indexed and their wildcards checked (diagnostics)', () => {
    const settings = new Settings();
    const index = new DocumentIndex(settings, { timers: new ManualTimers() });
    const diagnostics = new UrlDiagnostics(index, settings);
    const doc = openDocument('file:///ws/a.md', 'see https://x.fakecdn.test/photos/* here');
    assert.equal(index.get(doc as never)?.matches[0]?.provider, 'fakecdn');
    const d = collections.find((c) => c.name === 'cdn-purge')?.get(doc.uri) ?? [];
    assert.equal(d.length, 1, 'its checker (no wildcards) flags the *');
    diagnostics.dispose();
    index.dispose();
    settings.dispose();
  });

  it('its history is kept, not put aside as unreadable, and the tree names it', async () => {
    const m = new MemoryMemento();
    const batch = {
      id: 'b1',
      provider: 'fakecdn',
      source: 'palette',
      target: 'emulator 127.0.0.1:9999',
      createdAt: 1,
      requests: [
        {
          id: 'r1',
          url: 'https://x.fakecdn.test/a.png',
          kind: 'exact',
          covers: [],
          state: 'accepted',
          requestId: 'T123',
          startedAt: 1,
        },
      ],
    };
    await m.update(StorageKey.history, { version: 1, batches: [batch] });
    const history = new HistoryStore(m, new ManualTimers());
    assert.deepEqual(
      history.all().map((b) => b.provider),
      ['fakecdn'],
    );
    assert.equal(m.get(StorageKey.historyUnreadable), undefined, 'nothing put aside');
    const tree = new HistoryTreeProvider(history);
    const item = tree.getTreeItem({ type: 'request', batchId: 'b1', requestId: 'r1' });
    assert.match(String(item.description), /FakeCDN$/);
    const tooltip = (item.tooltip as { value: string }).value;
    assert.match(tooltip, /\*\*FakeCDN\*\*/);
    assert.match(tooltip, /ticket: `T123`/, "its plugin's name for the request id");
    tree.dispose();
    history.dispose();
  });

  it('a batch of a provider not registered in this session is kept too (an id that could be one), shown by its id', async () => {
    remove();
    const m = new MemoryMemento();
    await m.update(StorageKey.history, {
      version: 1,
      batches: [
        { id: 'b1', provider: 'gonecdn', source: 'x', target: 't', createdAt: 1, requests: [] },
        { id: 'b2', provider: 'Not An Id', source: 'x', target: 't', createdAt: 1, requests: [] },
      ],
    });
    const history = new HistoryStore(m, new ManualTimers());
    assert.deepEqual(
      history.all().map((b) => b.id),
      ['b1'],
    );
    assert.equal((m.get(StorageKey.historyUnreadable) as Array<{ id: string }>)[0].id, 'b2');
    history.dispose();
    remove = registerProvider(fake);
  });

  it("the poller follows it with its plugin's status words (queued → done)", async () => {
    const timers = new ManualTimers();
    const history = new HistoryStore(new MemoryMemento(), timers);
    const b = history.add({
      provider: 'fakecdn',
      source: 'palette',
      target: 'emulator',
      apiBase: 'http://127.0.0.1:9999',
      requests: [
        {
          id: 'r1',
          url: 'https://x.fakecdn.test/a.png',
          kind: 'exact',
          covers: [],
          state: 'accepted',
          requestId: 'T1',
          live: 'Pending',
          startedAt: timers.now(),
        },
      ],
    });
    let answer = 'queued';
    const client = {
      send: async () => ({ status: 200, headers: {}, body: JSON.stringify({ status: answer }), ms: 1, attempts: 1 }),
    };
    const poller = new StatusPoller(
      history,
      { http: async () => client as never, storedKey: async () => 'token' },
      { info: () => {}, warn: () => {}, error: () => {} },
      timers,
    );
    assert.equal(await poller.round(), 1);
    assert.equal(history.find(b.requests[0].id)?.request.live, 'Pending');
    answer = 'done';
    assert.equal(await poller.round(), 0);
    assert.equal(history.find(b.requests[0].id)?.request.live, 'Completed');
    poller.dispose();
    history.dispose();
  });

  it('Set API Key offers it, with where to find its key', async () => {
    answers.length = 0;
    const items: Array<{ label: string; detail?: string }> = [];
    const vscode = require('vscode') as { window: Record<string, unknown> };
    vscode.window.showQuickPick = async (xs: typeof items) => {
      items.push(...xs);
      return undefined;
    };
    try {
      await pickProvider('Set API Key for…', { keys: { has: async () => false } } as never);
    } finally {
      delete vscode.window.showQuickPick;
    }
    assert.deepEqual(
      items.map((i) => i.label),
      ['ImageKit', 'imgix', 'FakeCDN'],
    );
    assert.equal(items[2].detail, 'Token, from FakeCDN → Account');
  });

  it("the extension's purge service and poller send its purges and follow them to done, against a loopback server", async () => {
    // Its own wire (imgix's JSON:API purge with a Bearer key, ImageKit's status path) on a server of its own.
    const wire: Plugin = {
      ...fake,
      id: 'fakewire',
      label: 'FakeWire',
      settings: { ...fake.settings, section: 'fakewire' },
      checker: (config) => {
        const c = imgix.checker(config);
        return {
          provider: 'fakewire',
          configProblems: c.configProblems,
          ownsHost: (h) => c.ownsHost(h),
          check: (input) => ({ ...c.check(input), provider: 'fakewire' }),
        };
      },
    };
    const removeWire = registerProvider(wire);
    let status = 'queued';
    const server = await startServer((req, res) => {
      if (req.method === 'POST') reply(res, 200, { data: { type: 'purges', id: 'W1' } });
      else reply(res, 200, { status });
    });
    const transport = new Transport();
    try {
      configuration.set('fakewire.hosts', ['https://img.fakewire.test']);
      configuration.set('fakewire.apiBase', server.base);
      configuration.set('confirm', false);
      const settings = new Settings();
      const timers = new ManualTimers();
      const memento = new MemoryMemento();
      const history = new HistoryStore(memento, timers);
      const keys = {
        get: async (p: string, slot: string) => (p === 'fakewire' && slot === 'emulator' ? 'tok' : undefined),
      };
      const svc = new PurgeService(settings, keys as never, history, silentLog as never, memento, transport);
      const out = await svc.purge(['https://img.fakewire.test/a b.png'], { source: 'test' });
      assert.deepEqual(
        out?.results.map((r) => [r.url, r.status, r.requestId]),
        [['https://img.fakewire.test/a%20b.png', 'accepted', 'W1']],
      );
      const post = server.requests.find((r) => r.method === 'POST');
      assert.equal(post?.headers.authorization, 'Bearer tok', 'its key, from its emulator slot (loopback API base)');
      assert.deepEqual(JSON.parse(post?.body ?? '{}'), {
        data: { type: 'purges', attributes: { url: 'https://img.fakewire.test/a%20b.png' } },
      });
      const request = history.all()[0].requests[0];
      assert.equal(history.all()[0].provider, 'fakewire');
      assert.equal(request.live, 'Pending', 'it has a status API: followed');

      const poller = new StatusPoller(
        history,
        { http: () => transport.api(), storedKey: (p, loopback) => svc.storedKey(p, loopback) },
        { info: () => {}, warn: () => {}, error: () => {} },
        timers,
      );
      assert.equal(await poller.round(), 1);
      status = 'done';
      assert.equal(await poller.round(), 0);
      assert.equal(history.find(request.id)?.request.live, 'Completed');
      assert.ok(server.requests.some((r) => r.method === 'GET' && r.url === '/v1/files/purge/W1'));
      poller.dispose();
      svc.dispose();
      history.dispose();
      settings.dispose();
    } finally {
      await transport.close();
      await server.close();
      removeWire();
    }
  });
});
