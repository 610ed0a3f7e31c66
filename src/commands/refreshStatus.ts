// "Refresh Purge Status": polls ImageKit for every pending request now.
import * as vscode from 'vscode';
import type { Services } from '../host/services';

export function registerRefreshStatus(s: Services): vscode.Disposable {
  return vscode.commands.registerCommand('cdnPurge.refreshStatus', async () => {
    const left = await vscode.window.withProgress({ location: { viewId: 'cdnPurge.history' } }, () => s.poller.round());
    return left;
  });
}
