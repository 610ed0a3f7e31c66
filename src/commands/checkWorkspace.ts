// "Check Workspace": every file of the workspace checked as `cdn-purge lint` checks a repository (the core's
// lintPaths), its problems shown in the Problems panel, with progress and cancel. Files open in an editor keep
// their live diagnostics; the others show what the check found until it runs again.

import * as vscode from 'vscode';
import { VsCodeCommand } from '../host/ids';
import type { Services } from '../host/services';
import { lintWorkspace, type WorkspaceLintResult } from '../host/workspaceLint';

function plural(n: number, one: string, many: string): string {
  return n === 1 ? one : many.replace('{0}', n.toLocaleString('en-US'));
}

/** Command.checkWorkspace: returns what the check found (undefined when there is no folder on disk). */
export function checkWorkspace(s: Services) {
  return async (): Promise<WorkspaceLintResult | undefined> => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (!folders.some((f) => f.uri.scheme === 'file')) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t(
          'Check Workspace reads files on disk; this workspace has none (a virtual or remote workspace). Open files are still checked as you type.',
        ),
      );
      return undefined;
    }
    const result = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: vscode.l10n.t('CDN Purge: checking the workspace'),
        cancellable: true,
      },
      async (progress, token) => {
        const controller = new AbortController();
        const sub = token.onCancellationRequested(() => controller.abort());
        let last = 0;
        try {
          return await lintWorkspace(s.settings, {
            signal: controller.signal,
            onFile: (file, checked) => {
              // A report every 50 files is enough to see it move; each one is a message to the workbench.
              if (checked - last < 50) return;
              last = checked;
              progress.report({
                message: vscode.l10n.t('{0} files checked: {1}', checked, vscode.workspace.asRelativePath(file)),
              });
            },
          });
        } finally {
          sub.dispose();
        }
      },
    );
    s.diagnostics.setWorkspaceResults(result.files);
    const files = result.files.size;
    const summary = vscode.l10n.t(
      '{0}, {1} in {2} ({3} checked{4}).',
      plural(result.errors, vscode.l10n.t('1 error'), vscode.l10n.t('{0} errors')),
      plural(result.warnings, vscode.l10n.t('1 warning'), vscode.l10n.t('{0} warnings')),
      plural(files, vscode.l10n.t('1 file'), vscode.l10n.t('{0} files')),
      plural(result.checked, vscode.l10n.t('1 file'), vscode.l10n.t('{0} files')),
      result.notes.some((n) => n.file)
        ? vscode.l10n.t(', {0} skipped (see the output)', result.notes.filter((n) => n.file).length)
        : '',
    );
    for (const n of result.notes)
      s.log.warn(`Check Workspace: ${n.file ? `${vscode.workspace.asRelativePath(n.file)}: ` : ''}${n.message}`);
    s.log.info(`Check Workspace: ${summary}`);
    const text = result.cancelled
      ? vscode.l10n.t('Check Workspace cancelled: {0}', summary)
      : vscode.l10n.t('Check Workspace: {0}', summary);
    const show = vscode.l10n.t('Show Problems');
    const show$ =
      result.errors || result.warnings
        ? vscode.window.showWarningMessage(text, show)
        : vscode.window.showInformationMessage(text);
    void show$.then((pick) => pick === show && vscode.commands.executeCommand(VsCodeCommand.showProblems));
    return result;
  };
}
