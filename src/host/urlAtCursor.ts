// The URLs a command acts on in an editor: those in the selection, or the one under the cursor. Also keeps the
// context key `cdnPurge.documentHasUrls` current for the editor's context menu. A key for "the cursor is on a URL"
// would not do: a right-click moves the cursor and opens the menu at once, before such a key could follow. So the
// item shows in any document with CDN URLs, and the command reads the URL at the (moved) cursor.

import * as vscode from 'vscode';
import { scanText, type ScanMatch } from '../core/scanner';
import type { Settings } from './settings';

/** Only this much text around the cursor is scanned, so a minified one-line file stays cheap. */
const WINDOW = 4096;

export function urlsAt(editor: vscode.TextEditor, settings: Settings): ScanMatch[] {
  const doc = editor.document;
  const classify = settings.classifier();
  const sel = editor.selection;
  if (!sel.isEmpty) {
    const text = doc.getText(sel);
    const found = scanText(text, classify);
    if (found.length) return found;
  }
  const cursor = doc.offsetAt(sel.active);
  const line = doc.lineAt(sel.active.line);
  const lineStart = doc.offsetAt(line.range.start);
  const from = Math.max(lineStart, cursor - WINDOW);
  const text = doc.getText(
    new vscode.Range(doc.positionAt(from), doc.positionAt(Math.min(doc.offsetAt(line.range.end), cursor + WINDOW))),
  );
  const at = cursor - from;
  return scanText(text, classify).filter((m) => m.start <= at && at <= m.end);
}

const DOCUMENT_DEBOUNCE_MS = 300;
/** Documents larger than this are not scanned for the menu (the diagnostics' limit too). */
const MAX_SCANNED = 5 * 1024 * 1024;

export class DocumentUrlsContext implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private last: boolean | undefined;
  private timer?: ReturnType<typeof setTimeout>;

  constructor(private readonly settings: Settings) {
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor((e) => this.update(e)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document !== vscode.window.activeTextEditor?.document) return;
        if (this.timer) clearTimeout(this.timer);
        this.timer = setTimeout(() => this.update(vscode.window.activeTextEditor), DOCUMENT_DEBOUNCE_MS);
      }),
      settings.onDidChange(() => this.update(vscode.window.activeTextEditor)),
    );
    this.update(vscode.window.activeTextEditor);
  }

  private update(editor: vscode.TextEditor | undefined): void {
    const text = editor?.document.getText() ?? '';
    const has =
      text.length > 0 && text.length <= MAX_SCANNED && scanText(text, this.settings.classifier(), 1).length > 0;
    if (has === this.last) return;
    this.last = has;
    void vscode.commands.executeCommand('setContext', 'cdnPurge.documentHasUrls', has);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
