// "Purge Again": sends a history request again (or, for a batch, the ones that did not succeed).
import * as vscode from 'vscode';
import type { HistoryNode } from '../host/historyTree';
import type { Services } from '../host/services';

export function registerRetry(s: Services): vscode.Disposable[] {
  const again = (batchId: string, urls: string[]) => {
    const batch = s.history.batch(batchId);
    if (!batch || urls.length === 0) return undefined;
    return s.purge.purge(urls, {
      source: 'retry',
      provider: batch.provider,
      noConfirm: urls.length === 1 && !urls[0].endsWith('*'),
    });
  };
  return [
    vscode.commands.registerCommand('cdnPurge.retry', (node?: HistoryNode) => {
      const target = node ?? s.tree.selection[0];
      if (!target) return undefined;
      const batch = s.history.batch(target.batchId);
      if (!batch) return undefined;
      const requests =
        target.type === 'request' ? batch.requests.filter((r) => r.id === target.requestId) : batch.requests;
      return again(
        batch.id,
        requests.map((r) => r.url),
      );
    }),
    vscode.commands.registerCommand('cdnPurge.retryBatch', (batchId: string) => {
      const batch = s.history.batch(batchId);
      if (!batch) return undefined;
      return again(
        batchId,
        batch.requests.filter((r) => !(r.state === 'accepted' || r.state === 'duplicate')).map((r) => r.url),
      );
    }),
  ];
}
