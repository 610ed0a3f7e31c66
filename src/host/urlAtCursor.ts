// The URLs a command acts on in an editor: those in the selection, or the one under the cursor. Also keeps the
// `cdnPurge.urlAtCursor` context key current, which shows "Purge URL…" in the editor's context menu.

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

export class UrlAtCursorContext implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private last: boolean | undefined;

  constructor(private readonly settings: Settings) {
    this.disposables.push(
      vscode.window.onDidChangeTextEditorSelection((e) => this.update(e.textEditor)),
      vscode.window.onDidChangeActiveTextEditor((e) => this.update(e)),
    );
    this.update(vscode.window.activeTextEditor);
  }

  private update(editor: vscode.TextEditor | undefined): void {
    const has = editor ? urlsAt(editor, this.settings).some((m) => !m.templated) : false;
    if (has !== this.last) {
      this.last = has;
      void vscode.commands.executeCommand('setContext', 'cdnPurge.urlAtCursor', has);
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
