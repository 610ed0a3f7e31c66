// "Use Local Emulator…" with an emulator started with a custom key: the key typed is checked against the emulator
// (which answers the key check as the real API does) before it is stored; a refused key is not stored.
import assert from 'node:assert/strict';
import { install, reset, shown, stub } from '../helpers/vscode-stub';
install();
/* eslint-disable @typescript-eslint/no-require-imports */
const { useEmulator } =
  require('../../../src/commands/useEmulator') as typeof import('../../../src/commands/useEmulator');
const { Settings } = require('../../../src/host/settings') as typeof import('../../../src/host/settings');
const { HttpClient } = require('../../../src/core/http') as typeof import('../../../src/core/http');
const { startEmulator } = require('../../../src/emulator') as typeof import('../../../src/emulator');

const w = stub.window as unknown as Record<string, unknown>;

describe('host: Use Local Emulator checks a custom key against the emulator', function () {
  this.timeout(20_000);
  afterEach(() => {
    reset();
    delete w.showInputBox;
  });

  it('a wrong custom key is refused by the emulator and not stored; the right one is stored', async () => {
    const emu = await startEmulator({ rate: 0, imagekitKey: 'private_custom_emulator_key' });
    const stored = new Map<string, string>();
    const client = new HttpClient({ timeoutMs: 5000, retry: { maxRetries: 0 } });
    const settings = new Settings();
    const s = {
      settings,
      transport: { api: async () => client },
      keys: { set: async (p: string, slot: string, k: string) => void stored.set(`${p}/${slot}`, k) },
      log: { info: () => {}, warn: () => {}, error: () => {} },
    };
    try {
      const typed = ['private_wrong_key'];
      w.showInputBox = async () => typed.shift();
      await useEmulator(s as never)(emu.url);
      assert.equal(stored.has('imagekit/emulator'), false);
      assert.match(
        shown.find((m) => m.kind === 'error')?.message ?? '',
        /emulator refused this ImageKit private key.*401/,
      );
      assert.ok(!shown.some((m) => m.message.includes('private_wrong_key')));
      assert.equal(stored.get('imgix/emulator'), 'emulator_test_key_imgix', 'the default test key of imgix is stored');

      typed.push('private_custom_emulator_key');
      await useEmulator(s as never)(emu.url);
      assert.equal(stored.get('imagekit/emulator'), 'private_custom_emulator_key');
    } finally {
      await client.close();
      settings.dispose();
      await emu.close();
    }
  });
});
