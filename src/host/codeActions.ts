// Quick fixes for the purge-pattern diagnostics: each fix the core computed for a problem (cut after the first
// `*`, remove the `*`, drop the query, encode `*` as %2A…), the preferred one marked so. Computed again from the
// line the diagnostic is on, so they always match the current text.

import * as vscode from 'vscode';
import { lintText } from '../core/lint';
import { DIAGNOSTIC_SOURCE } from './diagnostics';
import type { Settings } from './settings';

export class PurgePatternFixes implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = {
    providedCodeActionKinds: [vscode.CodeActionKind.QuickFix],
  };

  constructor(private readonly settings: Settings) {}

  provideCodeActions(
    doc: vscode.TextDocument,
    _range: vscode.Range,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    const checkers = this.settings.checkers();
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== DIAGNOSTIC_SOURCE) continue;
      const code = typeof diagnostic.code === 'object' ? String(diagnostic.code.value) : String(diagnostic.code);
      const line = doc.lineAt(diagnostic.range.start.line);
      const lineStart = doc.offsetAt(line.range.start);
      const start = doc.offsetAt(diagnostic.range.start) - lineStart;
      const finding = lintText(line.text, checkers).find(
        (f) => f.problem.code === code && f.urlStart <= start && start <= f.urlEnd,
      );
      if (!finding) continue;
      const urlRange = new vscode.Range(
        doc.positionAt(lineStart + finding.urlStart),
        doc.positionAt(lineStart + finding.urlEnd),
      );
      for (const fix of finding.problem.fixes ?? []) {
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [diagnostic];
        action.isPreferred = fix.preferred === true;
        action.edit = new vscode.WorkspaceEdit();
        action.edit.replace(doc.uri, urlRange, fix.replacement);
        actions.push(action);
      }
    }
    return actions;
  }
}
