// Inline diagnostics for purge patterns, as vscode-markdownlint does it: each with `source` and a `code` that links
// to its README section. They follow the document index (documentIndex.ts): set when a document is indexed (open,
// edit after the debounce, settings change), removed when it closes or diagnostics are turned off.

import * as vscode from 'vscode';
import type { LintFinding } from '../core/lint';
import { docsUrl } from '../core/problems';
import type { DocumentEntry, DocumentIndex } from './documentIndex';
import type { Settings } from './settings';

export const DIAGNOSTIC_SOURCE = 'CDN Purge';

export function toDiagnostic(doc: vscode.TextDocument, f: LintFinding): vscode.Diagnostic {
  const range = new vscode.Range(doc.positionAt(f.start), doc.positionAt(f.end));
  const severity = f.problem.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning;
  const d = new vscode.Diagnostic(range, f.problem.message, severity);
  d.source = DIAGNOSTIC_SOURCE;
  d.code = { value: f.problem.code, target: vscode.Uri.parse(docsUrl(f.problem.code)) };
  return d;
}

/** The problem code of one of our diagnostics (undefined for another source's). */
export function diagnosticCode(d: vscode.Diagnostic): string | undefined {
  if (d.source !== DIAGNOSTIC_SOURCE || d.code === undefined) return undefined;
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

export class UrlDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('cdn-purge');
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    index: DocumentIndex,
    private readonly settings: Settings,
  ) {
    this.disposables.push(
      this.collection,
      index.onDidUpdate(({ document, entry }) => this.show(document, entry)),
      index.onDidRemove((uri) => this.collection.delete(uri)),
    );
  }

  private show(doc: vscode.TextDocument, entry: DocumentEntry): void {
    if (!this.settings.diagnosticsEnabled || entry.findings.length === 0) {
      this.collection.delete(doc.uri);
      return;
    }
    this.collection.set(
      doc.uri,
      entry.findings.map((f) => toDiagnostic(doc, f)),
    );
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
