// The status bar item (src/host/statusBar.ts) and Show Status… (src/commands/showStatus.ts) in plain Node: where
// purges go (the real APIs with the ImageKit account, or the emulator), this month's count from the quota counters
// the pipeline keeps (core/quota.ts's keys, the emulator's apart), the warning and error backgrounds near and at
// 1000, hiding by setting, live updates on settings, keys and counts, and the quick pick's actions. No key shown.
import assert from 'node:assert/strict';
import { executedWith, install, MemoryMemento, reset, setConfiguration, stub } from '../helpers/vscode-stub';
install();

// What the stub lacks for the status bar, added here (the shared stub stays as it is).
interface FakeItem {
  id: string;
  text: string;
  name?: string;
  command?: unknown;
  tooltip?: { value: string };
  backgroundColor?: { id: string };
  accessibilityInformation?: { label: string };
  visible: boolean;
  show(): void;
  hide(): void;
  dispose(): void;
}
const items: FakeItem[] = [];
const bg = (item: FakeItem): string | undefined => item.backgroundColor?.id;
let picked: ((items: Array<{ label: string; action?: string; kind?: number }>) => unknown) | undefined;
const windowFocus = new stub.EventEmitter<{ focused: boolean }>();
const w = stub.window as unknown as Record<string, unknown>;
const s = stub as unknown as Record<string, unknown>;
s.StatusBarAlignment = { Left: 1, Right: 2 };
s.QuickPickItemKind = { Separator: -1, Default: 0 };
w.onDidChangeWindowState = windowFocus.event;
w.createStatusBarItem = (id: string) => {
  const item: FakeItem = {
    id,
    text: '',
    visible: false,
    show() {
      this.visible = true;
    },
    hide() {
      this.visible = false;
    },
    dispose() {},
  };
  items.push(item);
  return item;
};
w.showQuickPick = async (list: Array<{ label: string; action?: string; kind?: number }>) => picked?.(list);

/* eslint-disable @typescript-eslint/no-require-imports */
const { PurgeStatusBar, readStatus } =
  require('../../../src/host/statusBar') as typeof import('../../../src/host/statusBar');
const { showStatus } = require('../../../src/commands/showStatus') as typeof import('../../../src/commands/showStatus');
const { Settings } = require('../../../src/host/settings') as typeof import('../../../src/host/settings');
const { Quota, monthKey } = require('../../../src/core/quota') as typeof import('../../../src/core/quota');
const { imagekit } =
  require('../../../src/core/providers/imagekit') as typeof import('../../../src/core/providers/imagekit');

const NOW = new Date(Date.UTC(2026, 11, 2, 3, 0, 0));
const MONTH = monthKey(NOW);
const SECRET = 'private_Zq9Wx8Ec7Rv6Tb5Yn4Um3=';

function fakeKeys(stored: Set<string>) {
  const changed = new stub.EventEmitter<string>();
  return {
    onDidChange: changed.event,
    has: async (p: string, slot: string) => stored.has(`${p}/${slot}`),
    get: async (p: string, slot: string) => (stored.has(`${p}/${slot}`) ? SECRET : undefined),
    fire: (p: string) => changed.fire(p),
  };
}

/** A memento whose quota counters are written by the core's own Quota (the pipeline's store), as purges count them. */
async function spend(memento: InstanceType<typeof MemoryMemento>, account: string, n: number, prefix = '') {
  const store = { get: (k: string) => memento.get<number>(k), set: (k: string, v: number) => memento.update(k, v) };
  await new Quota(store, imagekit, { now: () => NOW }).record(`${prefix}${account}`, n);
}

describe('host: the status bar item', () => {
  let settings: InstanceType<typeof Settings>;
  let bar: InstanceType<typeof PurgeStatusBar> | undefined;
  beforeEach(() => {
    items.length = 0;
    settings = new Settings();
  });
  afterEach(() => {
    bar?.dispose();
    bar = undefined;
    settings.dispose();
    picked = undefined;
    reset();
  });

  function make(memento = new MemoryMemento(), stored = new Set<string>(['imagekit/real'])) {
    const keys = fakeKeys(stored);
    const purged = new stub.EventEmitter<unknown>();
    bar = new PurgeStatusBar({ settings, keys, globalState: memento }, [purged.event], () => NOW, 0);
    return { item: items[0], keys, purged, memento };
  }

  it('real APIs: the ImageKit account from its endpoint and its count this month, out of 1000', async () => {
    setConfiguration('imagekit.endpoints', ['https://ik.imagekit.io/demo']);
    const memento = new MemoryMemento();
    await spend(memento, 'demo', 123);
    await spend(memento, 'demo', 7, 'emulator:');
    const { item } = make(memento);
    await bar!.settled();
    assert.equal(item.visible, true);
    assert.equal(item.text, '$(cloud-upload) ImageKit demo 123/1000 · imgix');
    assert.equal(item.backgroundColor, undefined);
    assert.equal(item.command, 'cdnPurge.showStatus');
    const tip = item.tooltip?.value ?? '';
    assert.match(tip, /real APIs/);
    assert.match(tip, /demo: 123 of 1000 purges in 2026\\-12/);
    assert.match(tip, /ImageKit private key stored/);
    assert.match(tip, /no imgix API key: run Set API Key/);
    assert.ok(!tip.includes(SECRET) && !item.text.includes(SECRET));
  });

  it('the emulator: says so, and shows its own count (apart from the real account)', async () => {
    setConfiguration('imagekit.endpoints', ['https://ik.imagekit.io/demo']);
    setConfiguration('imagekit.apiBase', 'http://127.0.0.1:8787');
    setConfiguration('imgix.apiBase', 'http://127.0.0.1:8787');
    const memento = new MemoryMemento();
    await spend(memento, 'demo', 900);
    await spend(memento, 'demo', 4, 'emulator:');
    const { item } = make(memento, new Set(['imagekit/emulator', 'imgix/emulator']));
    await bar!.settled();
    assert.equal(item.text, '$(beaker) Emulator · ImageKit demo 4/1000 · imgix');
    assert.equal(item.backgroundColor, undefined, "the emulator's count is not the account's");
    assert.match(item.tooltip?.value ?? '', /local emulator at http:\/\/127\\\.0\\\.0\\\.1:8787/);
    assert.match(item.tooltip?.value ?? '', /emulator's test key is stored/);
  });

  it('warning background from 900, error at 1000, for the busiest account; a label from settings', async () => {
    setConfiguration('imagekit.endpoints', ['https://ik.imagekit.io/demo', 'https://ik.imagekit.io/other']);
    const memento = new MemoryMemento();
    await spend(memento, 'demo', 10);
    await spend(memento, 'other', 899);
    const { item, purged } = make(memento);
    await bar!.settled();
    assert.equal(item.text, '$(cloud-upload) ImageKit other 899/1000 · imgix');
    assert.equal(item.backgroundColor, undefined);
    await spend(memento, 'other', 1);
    purged.fire(undefined);
    await bar!.settled();
    assert.equal(item.text, '$(warning) ImageKit other 900/1000 · imgix');
    assert.equal(bg(item), 'statusBarItem.warningBackground');
    await spend(memento, 'other', 100);
    setConfiguration('statusBar.label', 'prod');
    await bar!.settled();
    assert.equal(item.text, '$(warning) ImageKit prod 1000/1000 · imgix');
    assert.equal(bg(item), 'statusBarItem.errorBackground');
  });

  it('updates live: a key stored, the emulator switched on, and hidden by cdnPurge.statusBar.enabled', async () => {
    const stored = new Set<string>();
    const { item, keys } = make(new MemoryMemento(), stored);
    await bar!.settled();
    assert.equal(item.text, '$(cloud-upload) ImageKit 0/1000 · imgix');
    assert.match(item.tooltip?.value ?? '', /no ImageKit private key/);
    stored.add('imagekit/real');
    keys.fire('imagekit');
    await bar!.settled();
    assert.match(item.tooltip?.value ?? '', /ImageKit private key stored/);
    setConfiguration('imagekit.apiBase', 'http://127.0.0.1:9999');
    await bar!.settled();
    assert.match(item.text, /^\$\(beaker\) Emulator/);
    setConfiguration('statusBar.enabled', false);
    await bar!.settled();
    assert.equal(item.visible, false);
    setConfiguration('statusBar.enabled', true);
    await bar!.settled();
    assert.equal(item.visible, true);
  });

  it("another window's purges show when this window gets the focus", async () => {
    setConfiguration('imagekit.endpoints', ['https://ik.imagekit.io/demo']);
    const memento = new MemoryMemento();
    const { item } = make(memento);
    await bar!.settled();
    assert.match(item.text, /demo 0\/1000/);
    await spend(memento, 'demo', 5);
    windowFocus.fire({ focused: true });
    await bar!.settled();
    assert.match(item.text, /demo 5\/1000/);
  });

  it('counts of another month, of another provider, or not numbers are not counted', async () => {
    const memento = new MemoryMemento();
    await memento.update(`quota:imagekit:demo:2026-11`, 500);
    await memento.update(`quota:imgix:demo:${MONTH}`, 500);
    await memento.update(`quota:imagekit:demo:${MONTH}`, 'lots');
    const status = await readStatus({ settings, keys: fakeKeys(new Set()), globalState: memento }, NOW);
    assert.deepEqual(status.providers.find((p) => p.plugin.id === 'imagekit')?.counts, []);
  });
});

describe('host: Show Status… (the status bar click)', () => {
  let settings: InstanceType<typeof Settings>;
  beforeEach(() => {
    settings = new Settings();
  });
  afterEach(() => {
    settings.dispose();
    picked = undefined;
    reset();
  });

  function services() {
    return {
      settings,
      keys: fakeKeys(new Set(['imagekit/real'])),
      context: { globalState: new MemoryMemento() },
    } as never;
  }

  it('lists each provider and the actions; real APIs offer Use Local Emulator…, which runs that command', async () => {
    let labels: string[] = [];
    picked = (list) => {
      labels = list.map((i) => i.label);
      return list.find((i) => i.action === 'emulator');
    };
    assert.equal(await showStatus(services())(), 'emulator');
    assert.deepEqual(labels, [
      'Purges go to the real APIs',
      '$(cloud) ImageKit',
      '$(cloud) imgix',
      'Actions',
      '$(beaker) Use Local Emulator…',
      '$(key) Set API Key…',
      '$(output) Show Output',
      '$(gear) Status Bar Settings',
    ]);
    assert.deepEqual(executedWith.at(-1), { id: 'cdnPurge.useEmulator', args: [] });
  });

  it('with the emulator in use: Switch to the Real APIs runs Use Local Emulator with "off"', async () => {
    setConfiguration('imagekit.apiBase', 'http://127.0.0.1:8787');
    picked = (list) => list.find((i) => i.action === 'real');
    assert.equal(await showStatus(services())(), 'real');
    assert.deepEqual(executedWith.at(-1), { id: 'cdnPurge.useEmulator', args: ['off'] });
  });

  it("Set API Key…, Show Output, the settings, and a provider's row (its settings)", async () => {
    for (const [action, id, args] of [
      ['setKey', 'cdnPurge.setKey', []],
      ['output', 'cdnPurge.showOutput', []],
      ['settings', 'workbench.action.openSettings', ['cdnPurge.statusBar']],
      ['provider:imagekit', 'workbench.action.openSettings', ['cdnPurge.imagekit']],
    ] as const) {
      picked = (list) => list.find((i) => i.action === action);
      assert.equal(await showStatus(services())(), action);
      assert.deepEqual(executedWith.at(-1), { id, args: [...args] });
    }
    picked = () => undefined;
    const before = executedWith.length;
    assert.equal(await showStatus(services())(), undefined);
    assert.equal(executedWith.length, before, 'dismissed: nothing runs');
  });
});
