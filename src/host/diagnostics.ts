// Inline diagnostics for purge patterns, as vscode-markdownlint does it: linted on open, debounced on change,
// cleared on close, again when settings change; each with `source` and a `code` that links to its README section.

import * as vscode from 'vscode';
import { lintText, type LintFinding } from '../core/lint';
import { docsUrl } from '../core/problems';
import type { Settings } from './settings';

export const DIAGNOSTIC_SOURCE = 'CDN Purge';
const DEBOUNCE_MS = 250;
const MAX_TEXT = 5 * 1024 * 1024;
const SCHEMES = new Set(['file', 'untitled', 'vscode-remote', 'vscode-vfs', 'vscode-userdata']);

export function toDiagnostic(doc: vscode.TextDocument, f: LintFinding): vscode.Diagnostic {
  const range = new vscode.Range(doc.positionAt(f.start), doc.positionAt(f.end));
  const severity = f.problem.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning;
  const d = new vscode.Diagnostic(range, f.problem.message, severity);
  d.source = DIAGNOSTIC_SOURCE;
  d.code = { value: f.problem.code, target: vscode.Uri.parse(docsUrl(f.problem.code)) };
  return d;
}

export class UrlDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('cdn-purge');
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly settings: Settings) {
    this.disposables.push(
      this.collection,
      vscode.workspace.onDidOpenTextDocument((d) => this.lint(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)),
      vscode.workspace.onDidCloseTextDocument((d) => {
        this.cancel(d);
        this.collection.delete(d.uri);
      }),
      settings.onDidChange(() => this.lintAll()),
    );
    this.lintAll();
  }

  lintAll(): void {
    for (const d of vscode.workspace.textDocuments) this.lint(d);
  }

  private schedule(doc: vscode.TextDocument): void {
    if (!SCHEMES.has(doc.uri.scheme)) return; // e.g. output channels, which change on every log line
    this.cancel(doc);
    this.timers.set(
      doc.uri.toString(),
      setTimeout(() => {
        this.timers.delete(doc.uri.toString());
        this.lint(doc);
      }, DEBOUNCE_MS),
    );
  }

  private cancel(doc: vscode.TextDocument): void {
    const t = this.timers.get(doc.uri.toString());
    if (t) clearTimeout(t);
    this.timers.delete(doc.uri.toString());
  }

  lint(doc: vscode.TextDocument): void {
    if (!SCHEMES.has(doc.uri.scheme) || doc.isClosed) return;
    if (!this.settings.diagnosticsEnabled) {
      this.collection.delete(doc.uri);
      return;
    }
    const text = doc.getText();
    if (text.length > MAX_TEXT || !text.includes('*')) {
      this.collection.delete(doc.uri);
      return;
    }
    const findings = lintText(text, this.settings.checkers());
    this.collection.set(
      doc.uri,
      findings.map((f) => toDiagnostic(doc, f)),
    );
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const d of this.disposables) d.dispose();
  }
}
