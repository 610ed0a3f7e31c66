// Quick fixes for the purge-pattern diagnostics: each fix the core computed for a problem (cut after the first
// `*`, remove the `*`, drop the query, encode `*` as %2A…), the preferred one marked so. Taken from the document
// index's entry for the current version, so they match the current text even before the diagnostics are redrawn.

import * as vscode from 'vscode';
import { diagnosticCode } from './diagnostics';
import type { DocumentIndex } from './documentIndex';

export class PurgePatternFixes implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = {
    providedCodeActionKinds: [vscode.CodeActionKind.QuickFix],
  };

  constructor(private readonly index: DocumentIndex) {}

  provideCodeActions(
    doc: vscode.TextDocument,
    _range: vscode.Range,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    const entry = this.index.get(doc);
    if (!entry) return [];
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      const code = diagnosticCode(diagnostic);
      if (code === undefined) continue;
      // The finding of the same problem on the URL the diagnostic starts in.
      const at = doc.offsetAt(diagnostic.range.start);
      const finding = entry.findings.find((f) => f.problem.code === code && f.urlStart <= at && at <= f.urlEnd);
      if (!finding) continue;
      const urlRange = new vscode.Range(doc.positionAt(finding.urlStart), doc.positionAt(finding.urlEnd));
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
