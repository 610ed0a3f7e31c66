// "Copy URL" on a history entry.
import * as vscode from 'vscode';
import type { HistoryNode } from '../host/historyTree';
import type { Services } from '../host/services';

/** Command.copyUrl: the URL of a history request (the node, else the tree's selection) to the clipboard. */
export function copyUrl(s: Services) {
  return async (node?: HistoryNode): Promise<string | undefined> => {
    const target = node ?? s.tree.selection[0];
    if (!target || target.type !== 'request') return undefined;
    const hit = s.history.find(target.requestId);
    if (!hit) return undefined;
    await vscode.env.clipboard.writeText(hit.request.url);
    return hit.request.url;
  };
}
