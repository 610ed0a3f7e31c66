// "Fix All Purge Pattern Problems": the active document's preferred fixes at once (the same edit as the
// source.fixAll.cdnPurge code action). Wildcards without a preferred fix (too broad: which narrower one is a
// choice) are left for their quick fixes.

import * as vscode from 'vscode';
import { fixAllEdit } from '../host/codeActions';
import type { Services } from '../host/services';

/** Command.fixAll: returns how many URLs were changed. */
export function fixAll(s: Services) {
  return async (uri?: vscode.Uri): Promise<number> => {
    const doc = uri
      ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString())
      : vscode.window.activeTextEditor?.document;
    const entry = doc ? s.index.get(doc) : undefined;
    if (!doc || !entry) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Open a document to fix its purge patterns.'));
      return 0;
    }
    const edit = fixAllEdit(doc, entry.findings, s.settings);
    if (!edit) {
      void vscode.window.showInformationMessage(
        entry.findings.length
          ? vscode.l10n.t(
              'None of the purge-pattern problems of this file has a fix that can be applied without asking; see their quick fixes.',
            )
          : vscode.l10n.t('No purge-pattern problems in this file.'),
      );
      return 0;
    }
    const changed = edit.size;
    await vscode.workspace.applyEdit(edit);
    return changed;
  };
}
