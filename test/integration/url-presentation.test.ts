// The hover and the Purge CodeLens on ImageKit and imgix URLs (issue 12, item 3), in the real VS Code: the hover
// VS Code gets from the extension says what purging covers and the last purge; "Check cache state" sends one HEAD to
// the emulator's CDN only when asked and the hover then shows its headers; the CodeLens purges through the emulator;
// both settings apply without a reload. Then through the UI (playwright): hovering a URL shows the hover, its link
// checks the cache state, and clicking a CodeLens purges.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { describeUi, sleep, ui } from './harness';
import { emulatorRequests, resetEmulator, useEmulator, waitFor } from './helpers';

/** An untitled document (indexed like a file) with the text, in an editor. */
async function editorWith(text: string, language = 'markdown'): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument({ content: text, language });
  return vscode.window.showTextDocument(doc, { preview: false });
}

/** The Markdown of every hover VS Code has at the position (ours among them). */
async function hoverTexts(doc: vscode.TextDocument, pos: vscode.Position): Promise<string> {
  const hovers =
    (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, pos)) ?? [];
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n---\n');
}

async function lensesOf(doc: vscode.TextDocument): Promise<vscode.CodeLens[]> {
  return (
    (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 100)) ?? []
  ).filter((l) => l.command?.command === 'cdnPurge.purgeUrl');
}

async function setting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('cdnPurge').update(key, value, vscode.ConfigurationTarget.Global);
}

async function closeEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

describe('URLs in editors: hover and CodeLens', function () {
  this.timeout(60_000);

  before(async () => {
    await useEmulator();
  });
  beforeEach(async () => {
    await resetEmulator();
  });
  afterEach(async () => {
    await setting('hover.enabled', undefined);
    await setting('codeLens.enabled', undefined);
    await closeEditors();
  });

  it('the hover says what purging covers and the last purge; the cache state only when asked, by one HEAD', async () => {
    const a = await useEmulator();
    const url = 'https://ik.imagekit.io/demo/hover-it/shoe.jpg';
    const editor = await editorWith(`# Shoes\n\n![shoe](${url})\n`);
    const doc = editor.document;
    const pos = doc.positionAt(doc.getText().indexOf(url) + 10);
    const before = await waitFor('our hover', async () => {
      const t = await hoverTexts(doc, pos);
      return t.includes('CDN Purge') ? t : undefined;
    });
    assert.ok(before.includes(`Purges \`${url}\``), before);
    assert.match(before, /Counts as 1 of the 1000 purge requests account `demo` may send a month/);
    assert.match(before, /Not in the Purge History/);
    assert.ok(!/Cache state/.test(before));
    assert.deepEqual(
      (await emulatorRequests()).filter((r) => r.provider === 'cdn'),
      [],
      'a hover fetches nothing',
    );

    await vscode.commands.executeCommand('cdnPurge.purgeUrl', url);
    await waitFor('the purge in the history', () => a.history.all().some((b) => b.requests[0]?.url === url));
    // The purge read the asset's version first (for Verify): only what the check sends is counted below.
    await resetEmulator();
    const report = await vscode.commands.executeCommand<{ status?: number; cache?: string }>(
      'cdnPurge.checkCacheState',
      { url },
    );
    assert.equal(report?.status, 200);
    const cdn = (await emulatorRequests()).filter((r) => r.provider === 'cdn');
    assert.deepEqual(
      cdn.map((r) => [r.method, r.path]),
      [['HEAD', '/cdn/ik.imagekit.io/demo/hover-it/shoe.jpg']],
      'one HEAD, to the emulator CDN',
    );
    const after = await hoverTexts(doc, pos);
    assert.match(after, /Last purged \d+ s ago: (pending|completed) · HTTP 201/);
    assert.match(after, /Cache state \(\d+ s ago\): HTTP 200/);
    assert.match(after, /x-cache: `(HIT|MISS)`/);
    assert.match(after, /cache-control: `/);
  });

  it('Check cache state refuses a URL that is not an ImageKit or imgix one (no request)', async () => {
    const report = await vscode.commands.executeCommand('cdnPurge.checkCacheState', { url: 'http://127.0.0.1:1/x' });
    assert.equal(report, undefined);
    assert.deepEqual(
      (await emulatorRequests()).filter((r) => r.provider === 'cdn'),
      [],
    );
  });

  it('the CodeLens purges the URL of its line through the emulator; Purge all N purges the file', async () => {
    await useEmulator();
    const a = 'https://ik.imagekit.io/demo/lens-it/a.jpg';
    const b = 'https://assets.imgix.net/lens-it/b.png?w=300';
    const editor = await editorWith(`<img src="${a}">\n<p>text</p>\n<img src="${b}">\n`, 'html');
    const lenses = await waitFor('the lenses', async () => {
      const l = await lensesOf(editor.document);
      return l.length >= 3 ? l : undefined;
    });
    assert.deepEqual(
      lenses.map((l) => [l.range.start.line, l.command?.title]),
      [
        [0, '$(flame) Purge all 2 URLs in this file'],
        [0, '$(flame) Purge'],
        [2, '$(flame) Purge'],
      ],
    );
    const one = lenses[2].command!;
    await vscode.commands.executeCommand(one.command, ...(one.arguments ?? []));
    const imgix = await emulatorRequests('imgix');
    assert.deepEqual(
      imgix.map((r) => (r.body as { data: { attributes: { url: string } } }).data.attributes.url),
      ['https://assets.imgix.net/lens-it/b.png'],
    );
    await resetEmulator();
    const all = lenses[0].command!;
    await vscode.commands.executeCommand(all.command, ...(all.arguments ?? []));
    const sent = (await emulatorRequests()).filter((r) => r.method === 'POST').map((r) => r.provider);
    assert.deepEqual(sent.sort(), ['imagekit', 'imgix']);
  });

  it('cdnPurge.hover.enabled and cdnPurge.codeLens.enabled apply without a reload', async () => {
    const url = 'https://ik.imagekit.io/demo/settings-it/a.jpg';
    const editor = await editorWith(url);
    const pos = new vscode.Position(0, 5);
    await waitFor('the hover', async () => ((await hoverTexts(editor.document, pos)).includes('CDN Purge') ? 1 : 0));
    await waitFor('a lens', async () => ((await lensesOf(editor.document)).length === 1 ? 1 : 0));
    await setting('hover.enabled', false);
    await setting('codeLens.enabled', false);
    assert.ok(!(await hoverTexts(editor.document, pos)).includes('CDN Purge'), 'no hover');
    assert.deepEqual(await lensesOf(editor.document), [], 'no lens');
    await setting('hover.enabled', true);
    await setting('codeLens.enabled', true);
    assert.ok((await hoverTexts(editor.document, pos)).includes('CDN Purge'));
    assert.equal((await lensesOf(editor.document)).length, 1);
  });
});

const HOVER = '.monaco-editor .monaco-hover';

/**
 * Moves the mouse off and then onto the line's text until a hover with `text` shows (a hover needs a move in). In
 * full runs the mouse hover sometimes never opens (seen in CI, never alone); after two tries the same hover widget is
 * opened from the keyboard instead (the cursor on the URL, then Show Hover), which is still what the UI draws.
 */
async function hoverLine(
  line: { x: number; y: number; height: number },
  text: string,
  at: { editor: vscode.TextEditor; pos: vscode.Position },
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    if (attempt <= 2) {
      await ui.mouse(line.x + 600, line.y + 300, { action: 'move' });
      await sleep(200);
      await ui.mouse(line.x + 60 + attempt * 4, line.y + line.height / 2, { action: 'move' });
    } else {
      await vscode.window.showTextDocument(at.editor.document, { preview: false });
      at.editor.selection = new vscode.Selection(at.pos, at.pos);
      await vscode.commands.executeCommand('editor.action.showHover');
    }
    try {
      await ui.waitFor(`${HOVER}:has-text("${text}")`, { timeoutMs: 5_000 });
      return;
    } catch (e) {
      if (attempt >= 4) throw e;
    }
  }
}

describeUi('URLs in editors: hover and CodeLens, through the UI', function () {
  this.timeout(90_000);

  before(async () => {
    await useEmulator();
  });
  afterEach(async () => {
    await ui.press('Escape').catch(() => undefined);
    await closeEditors();
  });

  it('hovering a URL shows what purging covers; its Check cache state link shows the CDN headers', async () => {
    await resetEmulator();
    const url = 'https://ik.imagekit.io/demo/hover-ui/images/upload/*';
    const exact = 'https://ik.imagekit.io/demo/hover-ui/photo.jpg';
    const editor = await editorWith(`${url}\n\n${exact}\n`, 'plaintext');
    await vscode.commands.executeCommand('notifications.clearAll');
    // In the editor part: the Output panel is a Monaco editor too, and its log may show the same URL.
    const line = await waitFor('the wildcard line', () =>
      ui.box('.part.editor .monaco-editor .view-line:has-text("hover-ui/images")'),
    );
    await hoverLine(line, 'Wildcard rules', { editor, pos: new vscode.Position(0, 10) });
    const texts = (await ui.texts(HOVER)).join('\n');
    assert.match(texts, /Purges every cached URL that starts with/);
    assert.match(texts, /hover-ui\/images\/upload\/: 3 levels \(at least 2\), 22 characters/);
    assert.match(texts, /meets the rules/);
    await ui.press('Escape');

    const exactLine = await waitFor('the exact line', () =>
      ui.box('.part.editor .monaco-editor .view-line:has-text("hover-ui/photo.jpg")'),
    );
    await hoverLine(exactLine, 'Check cache state', { editor, pos: new vscode.Position(2, 10) });
    await ui.click(`${HOVER} a:has-text("Check cache state")`);
    await waitFor('one HEAD at the emulator CDN', async () =>
      (await emulatorRequests()).some((r) => r.provider === 'cdn' && r.method === 'HEAD') ? true : undefined,
    );
    // The hover comes back on the URL with the cache state.
    await ui.waitFor(`${HOVER}:has-text("Cache state (")`, { timeoutMs: 15_000 });
    const shown = (await ui.texts(HOVER)).join('\n');
    assert.match(shown, /x-cache: (HIT|MISS)/);
  });

  it('clicking the Purge CodeLens purges the URL of its line (the emulator receives it)', async () => {
    await resetEmulator();
    const url = 'https://ik.imagekit.io/demo/lens-ui/click.jpg';
    await editorWith(`intro\n<img src="${url}">\n`, 'html');
    const lens = '.monaco-editor .codelens-decoration a:text-is("Purge")';
    await ui.waitFor(lens, { timeoutMs: 20_000 });
    await ui.click(lens);
    const got = await waitFor('the purge at the emulator', async () => {
      const r = (await emulatorRequests('imagekit')).filter((x) => x.method === 'POST');
      return r.length ? r : undefined;
    });
    assert.deepEqual(
      got.map((r) => (r.body as { url: string }).url),
      [url],
    );
  });
});
