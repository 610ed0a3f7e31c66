// The extension in a real VS Code (activation by itself is proven first, in activation.test.ts): it registers every
// command it contributes, its view exists and opens, it reads the settings the runner seeded; and, through the
// browser, the activity bar icon opens the history view and the editor's context menu offers "Purge URL…" on a CDN
// URL and purges it.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { CdnPurgeApi } from '../../src/extension';
import { describeUi, emulatorUrl, extension, openAt, sel, ui, waitFor } from './harness';
import { emulatorRequests, resetEmulator, useEmulator } from './helpers';
import { checkContributedCommands } from './shared-checks';

describe('CDN Purge in VS Code', () => {
  it('registers every command it contributes', async () => {
    await checkContributedCommands(extension<CdnPurgeApi>());
  });

  it('contributes the CDN Purge view container with the Purge History view, which opens', async () => {
    const ext = extension<CdnPurgeApi>();
    const pj = ext.packageJSON;
    assert.ok(
      pj.contributes.viewsContainers.activitybar.some((c: { id: string }) => c.id === 'cdnPurge'),
      'view container cdnPurge',
    );
    assert.ok(
      pj.contributes.views.cdnPurge.some(
        (v: { id: string; name: string }) => v.id === 'cdnPurge.history' && v.name === 'Purge History',
      ),
      'view cdnPurge.history',
    );
    await vscode.commands.executeCommand('cdnPurge.history.focus');
    const api = ext.exports;
    await waitFor('the history tree view to be visible', () => api.tree.visible);
    await vscode.commands.executeCommand('workbench.view.explorer');
    await waitFor('the history tree view to be hidden again', () => !api.tree.visible);
  });

  it('reads the settings the runner seeded (the emulator as API base)', () => {
    const url = emulatorUrl();
    const c = vscode.workspace.getConfiguration('cdnPurge');
    assert.equal(c.get('imagekit.apiBase'), url);
    assert.equal(c.get('imgix.apiBase'), url);
    assert.equal(extension<CdnPurgeApi>().exports.settings.emulatorUrl, url, 'a loopback API base is the emulator');
  });
});

describeUi('CDN Purge in the workbench (browser UI)', () => {
  it('the CDN Purge activity bar icon opens the Purge History view', async () => {
    const api = extension<CdnPurgeApi>().exports;
    await vscode.commands.executeCommand('workbench.view.explorer');
    await waitFor('the history view to be hidden', () => !api.tree.visible);
    await ui.click(sel.activityItem('CDN Purge'));
    // A container with one view shows it without a pane header, under the title "CDN Purge: Purge History".
    await ui.waitFor(`${sel.sidebarTitle}:has-text("Purge History")`);
    await waitFor('the history tree view to be visible', () => api.tree.visible);
    const title = (await ui.texts(sel.sidebarTitle)).join(' ');
    assert.match(title, /CDN Purge: Purge History/i, `side bar title: ${title}`);
  });

  it('right-clicking straight on an ImageKit URL offers "Purge URL…", which purges that URL; a document without CDN URLs does not offer it', async () => {
    const a = await useEmulator();
    await resetEmulator();
    // The cursor starts elsewhere: the right-click itself moves it onto the URL, as it does for a user.
    const editor = await openAt('index.html', '<title>Sample shop', 3);
    await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
    const target = 'https://ik.imagekit.io/demo/images/hero.png';
    const line = editor.document.positionAt(editor.document.getText().indexOf(target)).line;
    // The innermost span holding the URL (`:has-text` also matches the whole line's span, so take the last match).
    // The Purge CodeLens above the line comes a moment after the text and moves it down: the right-click waits for
    // it, and is tried again at the URL's new place if it landed on a lens (which opens no context menu).
    await ui.waitFor('.editor-group-container.active .codelens-decoration', { timeoutMs: 15_000 }).catch(() => {});
    for (let attempt = 1; ; attempt++) {
      const urlText = await waitFor('the URL on screen', () =>
        ui.box('.editor-group-container.active .view-line span:has-text("ik.imagekit.io/demo/images/hero.png")', {
          nth: -1,
        }),
      );
      assert.ok(urlText.width < 600, `the span is the URL's, not the line's (${urlText.width}px wide)`);
      await ui.mouse(urlText.x + urlText.width / 2, urlText.y + urlText.height / 2, { button: 'right' });
      try {
        await ui.waitFor(sel.contextMenu, { timeoutMs: 5_000 });
        break;
      } catch (e) {
        if (attempt === 3) throw e;
      }
    }
    const onUrl = await ui.texts(`${sel.contextMenu} .action-label`);
    assert.ok(onUrl.includes('Purge URL…'), `context menu on the URL: ${JSON.stringify(onUrl)}`);
    const before = a.history.all().length;
    await ui.click(sel.contextMenuItem('Purge URL…'));
    await waitFor('the purge in the history', () => (a.history.all().length > before ? true : undefined));
    assert.equal(editor.selection.active.line, line, 'the right-click moved the cursor onto the URL');
    assert.equal(a.history.all()[0].requests[0].url, target);
    // The history records the batch when it starts (queued); the request reaches the emulator after that.
    const wire = await waitFor('the purge at the emulator', async () => {
      const posts = (await emulatorRequests('imagekit')).filter((x) => x.method === 'POST');
      return posts.length > 0 ? posts : undefined;
    });
    assert.deepEqual(
      wire.map((x) => x.body),
      [{ url: target }],
    );

    // A document with no CDN URL: the item is not there.
    const plain = await vscode.workspace.openTextDocument({
      content: 'no CDN URL here\nnor here\n',
      language: 'plaintext',
    });
    await vscode.window.showTextDocument(plain);
    await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
    const cursor = await waitFor('the cursor in the plain document', () => ui.box(sel.cursor));
    await ui.mouse(cursor.x + 1, cursor.y + cursor.height / 2, { button: 'right' });
    await ui.waitFor(sel.contextMenu);
    const offUrl = await ui.texts(`${sel.contextMenu} .action-label`);
    await ui.press('Escape');
    assert.ok(
      offUrl.length > 0 && !offUrl.includes('Purge URL…'),
      `context menu without CDN URLs: ${JSON.stringify(offUrl)}`,
    );
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
