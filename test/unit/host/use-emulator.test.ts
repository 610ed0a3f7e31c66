// "Use Local Emulator…" (src/commands/useEmulator.ts) in plain Node against a running emulator: it reads the
// emulator's info, stores each emulated provider's test key in that provider's emulator slot (never the real one),
// points their API bases at it; 'off' puts them back; a URL where no emulator answers changes nothing.
import assert from 'node:assert/strict';
import { configuration, install, reset, shown } from '../helpers/vscode-stub';
install();
/* eslint-disable @typescript-eslint/no-require-imports */
const { useEmulator } =
  require('../../../src/commands/useEmulator') as typeof import('../../../src/commands/useEmulator');
const { Settings } = require('../../../src/host/settings') as typeof import('../../../src/host/settings');
const { HttpClient } = require('../../../src/core/http') as typeof import('../../../src/core/http');
const { startEmulator } = require('../../../src/emulator') as typeof import('../../../src/emulator');
const { imagekit } =
  require('../../../src/core/providers/imagekit') as typeof import('../../../src/core/providers/imagekit');
const { imgix } = require('../../../src/core/providers/imgix') as typeof import('../../../src/core/providers/imgix');

describe('host: Use Local Emulator (plain Node, against the emulator)', function () {
  this.timeout(20_000);
  afterEach(() => reset());

  function services() {
    const stored = new Map<string, string>();
    const client = new HttpClient({ timeoutMs: 5000, retry: { maxRetries: 0 } });
    const settings = new Settings();
    const s = {
      settings,
      transport: { api: async () => client },
      keys: {
        set: async (p: string, slot: string, k: string) => void stored.set(`${p}/${slot}`, k),
        has: async (p: string, slot: string) => stored.has(`${p}/${slot}`),
      },
      log: { info: () => {}, warn: () => {}, error: () => {} },
    };
    return { s, stored, close: () => Promise.all([client.close(), Promise.resolve(settings.dispose())]) };
  }

  it('stores the test keys in the emulator slots and points every emulated provider at it; off switches back', async () => {
    const emu = await startEmulator({ rate: 0 });
    const { s, stored, close } = services();
    try {
      const base = await useEmulator(s as never)(emu.url);
      assert.equal(base, emu.url);
      assert.deepEqual(Object.fromEntries(stored), {
        'imagekit/emulator': imagekit.emulator!.testKey,
        'imgix/emulator': imgix.emulator!.testKey,
      });
      assert.equal(configuration.get('imagekit.apiBase'), emu.url);
      assert.equal(configuration.get('imgix.apiBase'), emu.url);
      assert.equal(s.settings.emulatorUrl, emu.url);
      assert.equal(shown.length, 0, 'called with a URL: no notification');

      await useEmulator(s as never)('off');
      assert.equal(configuration.has('imagekit.apiBase'), false);
      assert.equal(configuration.has('imgix.apiBase'), false);
      assert.equal(s.settings.emulatorUrl, undefined);
      assert.match(shown.at(-1)?.message ?? '', /real ImageKit and imgix APIs again/);
    } finally {
      await close();
      await emu.close();
    }
  });

  it('no emulator at the URL: an error that says how to start one, and nothing changed', async () => {
    const emu = await startEmulator({ rate: 0 });
    const url = emu.url;
    await emu.close();
    const { s, stored, close } = services();
    try {
      assert.equal(await useEmulator(s as never)(url), undefined);
      assert.equal(stored.size, 0);
      assert.equal(configuration.size, 0);
      assert.match(shown.at(-1)?.message ?? '', /No CDN Purge emulator answers at .*npx cdn-purge emulator --port/);
    } finally {
      await close();
    }
  });

  it('refuses a URL that is not loopback, without a request', async () => {
    const { s, close } = services();
    try {
      assert.equal(await useEmulator(s as never)('https://api.imagekit.io'), undefined);
      assert.match(shown.at(-1)?.message ?? '', /is not a loopback URL/);
      assert.equal(configuration.size, 0);
    } finally {
      await close();
    }
  });
});
