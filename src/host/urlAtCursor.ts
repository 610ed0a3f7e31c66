// The URLs a command acts on in an editor: those in the selection, or the one under the cursor. Also keeps the
// context key `cdnPurge.documentHasUrls` current for the editor's context menu, from the document index. A key for
// "the cursor is on a URL" would not do: a right-click moves the cursor and opens the menu at once, before such a
// key could follow. So the item shows in any document with CDN URLs, and the command reads the URL at the (moved)
// cursor.

import * as vscode from 'vscode';
import { scanText, type ScanMatch } from '../core/scanner';
import type { DocumentIndex } from './documentIndex';
import { ContextKey, VsCodeCommand } from './ids';
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

/** Keeps `cdnPurge.documentHasUrls` true while the active editor's document has a CDN URL, from the index. */
export class DocumentUrlsContext implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private last: boolean | undefined;

  constructor(private readonly index: DocumentIndex) {
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
      index.onDidUpdate(({ document }) => {
        if (document === vscode.window.activeTextEditor?.document) this.update();
      }),
    );
    this.update();
  }

  private update(): void {
    const doc = vscode.window.activeTextEditor?.document;
    const has = doc ? (this.index.get(doc)?.matches.length ?? 0) > 0 : false;
    if (has === this.last) return;
    this.last = has;
    void vscode.commands.executeCommand(VsCodeCommand.setContext, ContextKey.documentHasUrls, has);
  }

  /** The value last set (for tests). */
  get value(): boolean | undefined {
    return this.last;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
