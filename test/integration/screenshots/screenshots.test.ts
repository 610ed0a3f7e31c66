// `npm run screenshots`: drives the real extension in code-server and asks the runner for PNGs of the workbench
// (saved into media/screenshots/ for README). Runs only when selected (CDN_PURGE_SUITE=screenshots); each test also
// checks that what it pictures is really there.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { CdnPurgeApi } from '../../../src/extension';
import { describeUi, emulatorUrl, extension, openAt, sel, ui, waitFor } from '../harness';
import { setConfirm } from '../helpers';
import { shot } from './steps';

describeUi('README screenshots', () => {
  let api: CdnPurgeApi;

  before(async () => {
    const ext = extension<CdnPurgeApi>();
    await openAt('index.html');
    await waitFor('the extension to be active', () => ext.isActive, { timeoutMs: 60000 });
    api = ext.exports;
    // The emulator and its test keys, as `npm start` sets them up; no confirmation prompts in a scripted run.
    const base = await vscode.commands.executeCommand<string>('cdnPurge.useEmulator', emulatorUrl());
    assert.ok(base, 'cdnPurge.useEmulator accepted the emulator');
    await setConfirm(false);
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  it('history: the Purge History view with live statuses', async () => {
    await vscode.commands.executeCommand('cdnPurge.purgeUrl', [
      'https://ik.imagekit.io/demo/images/hero.png',
      'https://ik.imagekit.io/demo/images/products/shoe.png',
    ]);
    await vscode.commands.executeCommand('cdnPurge.purgeUrl', 'https://ik.imagekit.io/demo/images/products/*');
    await vscode.commands.executeCommand('cdnPurge.purgeUrl', 'https://assets.imgix.net/products/watch.png?w=400');
    await waitFor('three purges in the history', () => api.history.all().length >= 3);
    await openAt('index.html', 'https://ik.imagekit.io/demo/images/hero.png', 20);
    await vscode.commands.executeCommand('cdnPurge.history.focus');
    await waitFor('the history view', () => api.tree.visible);
    // A wider side bar, so the history's labels are readable: drag the sash on its right edge.
    const bar = await ui.box(sel.sidebar);
    assert.ok(bar, 'the side bar is on the page');
    if (bar.width < 420)
      await ui.drag(
        { x: bar.x + bar.width + 1, y: bar.y + bar.height / 2 },
        { x: bar.x + 440, y: bar.y + bar.height / 2 },
      );
    await ui.mouse(bar.x + 150, bar.y + bar.height - 40, { action: 'move' }); // off the sash, so it is not highlighted
    await vscode.commands.executeCommand('notifications.clearAll');
    // Wait until the emulator reports the ImageKit purges done, so the picture shows final statuses.
    await waitFor('no pending purges', () => api.history.pending().length === 0, { timeoutMs: 60000 });
    await ui.waitFor('.part.sidebar .monaco-list-row');
    // Expand the batch of two ImageKit purges to show its requests.
    const batch = '.part.sidebar .monaco-list-row[aria-expanded="false"]';
    if ((await ui.count(batch)) > 0) {
      await ui.click(`${batch} .monaco-tl-twistie`);
      await ui.waitFor('.part.sidebar .monaco-list-row[aria-expanded="true"]');
    }
    await shot('history');
  });

  async function invalidWildcard(
    url = 'https://ik.imagekit.io/demo/images*',
    lineMark = 'demo/images* ',
  ): Promise<{ editor: vscode.TextEditor; target: vscode.Diagnostic }> {
    const editor = await openAt('purge-plan.md', url, 30);
    const diags = await waitFor('diagnostics on purge-plan.md', () => {
      const d = vscode.languages.getDiagnostics(editor.document.uri);
      return d.length ? d : undefined;
    });
    const target = diags.find((d) => editor.document.lineAt(d.range.start.line).text.includes(lineMark));
    assert.ok(
      target,
      `a diagnostic on the ${lineMark} line; got ${diags.map((d) => `${d.range.start.line}:${JSON.stringify(d.code)}`).join(', ')}`,
    );
    assert.match(String(typeof target.code === 'object' ? target.code.value : target.code), /wildcard/);
    // Hovers and quick fixes are offered where the diagnostic is: put the cursor inside it.
    editor.selection = new vscode.Selection(target.range.start, target.range.start);
    await vscode.commands.executeCommand('workbench.view.explorer');
    await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
    return { editor, target };
  }

  it('diagnostic: an invalid wildcard underlined, with its problem hover', async () => {
    await invalidWildcard();
    await vscode.commands.executeCommand('editor.action.showHover');
    await ui.waitFor('.monaco-hover:has-text("ImageKit")');
    await shot('diagnostic');
    await ui.press('Escape');
  });

  it('quick fix: the fixes offered for an invalid wildcard', async () => {
    const { editor, target } = await invalidWildcard(
      'https://ik.imagekit.io/demo/images/products/*/shoe.png',
      'products/*/shoe.png',
    );
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      editor.document.uri,
      target.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    // Actions come back through the command without their diagnostics: keep the quick fixes whose title is ours.
    const fixes = (actions ?? []).filter(
      (a) => a.kind?.value === vscode.CodeActionKind.QuickFix.value && /"\*"/.test(a.title),
    );
    assert.ok(
      fixes.length > 0,
      `the extension offers no quick fix for ${JSON.stringify(target.code)} at ${target.range.start.line + 1}:${target.range.start.character + 1}`,
    );
    await vscode.commands.executeCommand('editor.action.quickFix');
    await ui.waitFor('.action-widget:has-text("Purge everything up to the first")');
    const items = await ui.texts('.action-widget .monaco-list-row');
    assert.ok(
      items.some((t) => /\*/.test(t)),
      `quick fixes: ${JSON.stringify(items)}`,
    );
    await shot('quick-fix');
    await ui.press('Escape');
  });

  it('output: the CDN Purge output channel with each request', async () => {
    await vscode.commands.executeCommand('cdnPurge.showOutput');
    await ui.waitFor('.part.panel .monaco-editor .view-lines');
    await waitFor('the output to show a request', async () =>
      (await ui.texts('.part.panel .monaco-editor .view-lines')).join('\n').includes('imagekit'),
    );
    await shot('output');
  });
});
