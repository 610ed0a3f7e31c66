// `npm run screenshots`, the status bar item (issue 12, item 2): where purges go and this month's ImageKit count,
// with its tooltip open. Checks that what it pictures is there before it saves the PNG.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { CdnPurgeApi } from '../../../src/extension';
import { describeUi, emulatorUrl, extension, openAt, sleep, ui, waitFor } from '../harness';

describeUi('README screenshots: the status bar', function () {
  this.timeout(150_000);

  it('status-bar: the emulator as target and the ImageKit count, with the tooltip', async () => {
    const url = 'https://ik.imagekit.io/demo/images/hero.png';
    const ext = extension<CdnPurgeApi>();
    await openAt('index.html', url, 20);
    await waitFor('the extension to be active', () => ext.isActive, { timeoutMs: 60000 });
    const api = ext.exports;
    assert.ok(await vscode.commands.executeCommand<string>('cdnPurge.useEmulator', emulatorUrl()));
    await vscode.workspace.getConfiguration('cdnPurge').update('confirm', false, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('cdnPurge.purgeUrl', url);
    await waitFor('the purge completed', () => api.history.pending().length === 0, { timeoutMs: 60000 });
    await vscode.commands.executeCommand('notifications.clearAll');
    const item = '.part.statusbar .statusbar-item:has-text("Emulator ·")';
    await ui.waitFor(item, { timeoutMs: 20_000 });
    const [text] = await ui.texts(item);
    assert.match(text, /ImageKit .*\d+\/1000/, `the item shows the month's count: ${text}`);
    await ui.hover(item);
    await ui.waitFor('.workbench-hover, .monaco-hover', { timeoutMs: 15_000 });
    await sleep(600);
    const file = await ui.screenshot('status-bar');
    const b = fs.readFileSync(file);
    assert.ok(b.length > 1000 && b.subarray(1, 4).toString('latin1') === 'PNG', `${file} is a PNG`);
    await ui.press('Escape');
  });
});
