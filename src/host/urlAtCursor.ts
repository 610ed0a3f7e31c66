// The URLs a command acts on in an editor: those in the selection, or the one under the cursor. Also keeps two
// context keys current for the editor's context menu: `cdnPurge.urlAtCursor` (the cursor is on a CDN URL) and
// `cdnPurge.documentHasUrls` (the active document has one). The second one matters: a right-click moves the
// cursor and opens the menu at once, before the first key can follow, so the menu item shows in any document with
// CDN URLs, and the command then reads the URL at the (moved) cursor.

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
  const text = doc.getText(new vscode.Range(doc.positionAt(from), doc.positionAt(Math.min(doc.offsetAt(line.range.end), cursor + WINDOW))));
  const at = cursor - from;
  return scanText(text, classify).filter((m) => m.start <= at && at <= m.end);
}

const DOCUMENT_DEBOUNCE_MS = 300;

export class UrlAtCursorContext implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly last = new Map<string, boolean>();
  private timer?: ReturnType<typeof setTimeout>;

  constructor(private readonly settings: Settings) {
    this.disposables.push(
      vscode.window.onDidChangeTextEditorSelection((e) => this.updateCursor(e.textEditor)),
      vscode.window.onDidChangeActiveTextEditor((e) => {
        this.updateCursor(e);
        this.updateDocument(e);
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document !== vscode.window.activeTextEditor?.document) return;
        if (this.timer) clearTimeout(this.timer);
        this.timer = setTimeout(() => this.updateDocument(vscode.window.activeTextEditor), DOCUMENT_DEBOUNCE_MS);
      }),
      settings.onDidChange(() => this.updateDocument(vscode.window.activeTextEditor)),
    );
    this.updateCursor(vscode.window.activeTextEditor);
    this.updateDocument(vscode.window.activeTextEditor);
  }

  private set(key: string, value: boolean): void {
    if (this.last.get(key) === value) return;
    this.last.set(key, value);
    void vscode.commands.executeCommand('setContext', key, value);
  }

  private updateCursor(editor: vscode.TextEditor | undefined): void {
    this.set('cdnPurge.urlAtCursor', editor ? urlsAt(editor, this.settings).some((m) => !m.templated) : false);
  }

  private updateDocument(editor: vscode.TextEditor | undefined): void {
    const text = editor?.document.getText() ?? '';
    this.set('cdnPurge.documentHasUrls', text.length > 0 && scanText(text, this.settings.classifier(), 1).length > 0);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
