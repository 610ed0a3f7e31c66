// `npm run screenshots`, the editor's URLs (issue 12, item 3): the hover on an ImageKit URL after a purge and a cache
// check, with the Purge CodeLens above its line. Checks that what it pictures is there before it saves the PNG.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { CdnPurgeApi } from '../../../src/extension';
import { describeUi, emulatorUrl, extension, openAt, sleep, ui, waitFor } from '../harness';

describeUi('README screenshots: the URL hover', function () {
  this.timeout(150_000);

  it('url-hover: what purging covers, the last purge and the cache state, under the Purge CodeLens', async () => {
    const url = 'https://ik.imagekit.io/demo/images/hero.png';
    const ext = extension<CdnPurgeApi>();
    const editor = await openAt('index.html', url, 20);
    await waitFor('the extension to be active', () => ext.isActive, { timeoutMs: 60000 });
    const api = ext.exports;
    assert.ok(await vscode.commands.executeCommand<string>('cdnPurge.useEmulator', emulatorUrl()));
    await vscode.workspace.getConfiguration('cdnPurge').update('confirm', false, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('cdnPurge.purgeUrl', url);
    await waitFor('the purge completed', () => api.history.pending().length === 0, { timeoutMs: 60000 });
    await vscode.commands.executeCommand('notifications.clearAll');
    const at = editor.document.getText().indexOf(url);
    const start = editor.document.positionAt(at);
    await ui.waitFor('.monaco-editor .codelens-decoration a:has-text("Purge")', { timeoutMs: 20000 });
    // The command shows the hover again on the URL once the HEAD is answered.
    await vscode.commands.executeCommand('cdnPurge.checkCacheState', {
      url,
      uri: editor.document.uri.toString(),
      line: start.line,
      character: start.character,
    });
    await ui.waitFor('.monaco-editor .monaco-hover:has-text("Cache state (")', { timeoutMs: 15000 });
    await ui.waitFor('.monaco-editor .monaco-hover:has-text("Last purged")');
    await sleep(600);
    const file = await ui.screenshot('url-hover');
    const b = fs.readFileSync(file);
    assert.ok(b.length > 1000 && b.subarray(1, 4).toString('latin1') === 'PNG', `${file} is a PNG`);
    await ui.press('Escape');
  });
});
