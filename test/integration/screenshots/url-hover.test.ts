// `npm run screenshots`, the editor's URLs (issue 12, item 3): the hover on an ImageKit URL after a purge and a cache
// check, with the Purge CodeLens above its line. Checks that what it pictures is there before it saves the PNG.
import * as vscode from 'vscode';
import { describeUi, ui } from '../harness';
import { purgedOnEmulator, shot } from './steps';

describeUi('README screenshots: the URL hover', function () {
  this.timeout(150_000);

  it('url-hover: what purging covers, the last purge and the cache state, under the Purge CodeLens', async () => {
    const url = 'https://ik.imagekit.io/demo/images/hero.png';
    const { editor } = await purgedOnEmulator('index.html', url);
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
    await shot('url-hover');
    await ui.press('Escape');
  });
});
