// Keys: typed into a password box, kept in SecretStorage only, never in settings or the output channel.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { describeUi, ui } from './harness';
import { api, outputChannelText, waitFor } from './helpers';

describeUi('API keys', function () {
  this.timeout(60_000);

  it('Set API Key stores what is typed in a password box in secret storage, and nowhere else', async () => {
    const a = await api();
    const key = `imgix_test_${Date.now().toString(36)}_secret`;
    const running = vscode.commands.executeCommand<boolean>('cdnPurge.setKey', 'imgix');
    const input = '.quick-input-widget input[type="password"]';
    await ui.waitFor(input);
    await ui.type(key);
    await ui.press('Enter');
    assert.equal(await running, true);
    assert.equal(await a.keys.get('imgix', 'real'), key);
    assert.equal((await a.keys.get('imgix', 'emulator')) === key, false, 'the emulator slot is separate');

    // Not in any settings file of this profile, not in the output channel.
    const userData = path.resolve(a.context.globalStorageUri.fsPath, '..', '..');
    const settingsFiles = ['settings.json', path.join('..', 'Machine', 'settings.json')]
      .map((f) => path.join(userData, f))
      .filter((f) => fs.existsSync(f));
    assert.ok(settingsFiles.length >= 1, `the profile's settings files under ${userData}`);
    for (const f of settingsFiles) assert.ok(!fs.readFileSync(f, 'utf8').includes(key), `${f} has no key`);
    await waitFor('the log line about the key', () =>
      outputChannelText(a.context).includes('imgix API key stored') ? true : undefined,
    );
    assert.ok(!outputChannelText(a.context).includes(key), 'the output channel has no key');
    assert.equal(JSON.stringify(vscode.workspace.getConfiguration('cdnPurge')).includes(key), false);

    await a.keys.delete('imgix', 'real');
    assert.equal(await a.keys.get('imgix', 'real'), undefined);
  });

  it('refuses an ImageKit public key with a message that says which key is needed', async () => {
    const running = vscode.commands.executeCommand<boolean>('cdnPurge.setKey', 'imagekit');
    await ui.waitFor('.quick-input-widget input[type="password"]');
    await ui.type('public_abcdef');
    await ui.waitFor('.quick-input-widget .quick-input-message:has-text("private key")');
    await ui.press('Escape');
    assert.equal(await running, false);
    assert.equal(await (await api()).keys.get('imagekit', 'real'), undefined);
  });
});
