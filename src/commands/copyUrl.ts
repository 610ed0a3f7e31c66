// "Copy URL" on a history entry.
import * as vscode from 'vscode';
import type { HistoryNode } from '../host/historyTree';
import type { Services } from '../host/services';

export function registerCopyUrl(s: Services): vscode.Disposable {
  return vscode.commands.registerCommand('cdnPurge.copyUrl', async (node?: HistoryNode) => {
    const target = node ?? s.tree.selection[0];
    if (!target || target.type !== 'request') return undefined;
    const hit = s.history.find(target.requestId);
    if (!hit) return undefined;
    await vscode.env.clipboard.writeText(hit.request.url);
    return hit.request.url;
  });
}
