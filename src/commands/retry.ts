// "Purge Again": sends a history request again (or, for a batch, the ones that did not succeed).
import * as vscode from 'vscode';
import { providerById } from '../core/providers/registry';
import type { HistoryNode } from '../host/historyTree';
import type { PurgeOutcome } from '../host/purgeService';
import type { Services } from '../host/services';

function again(s: Services, batchId: string, urls: string[]): Promise<PurgeOutcome | undefined> | undefined {
  const batch = s.history.batch(batchId);
  if (!batch || urls.length === 0) return undefined;
  if (!providerById(batch.provider)) {
    void vscode.window.showErrorMessage(
      vscode.l10n.t(
        'These purges went to "{0}", a provider this CDN Purge does not have: they cannot be sent again from here.',
        batch.provider,
      ),
    );
    return undefined;
  }
  return s.purge.purge(urls, {
    source: 'retry',
    provider: batch.provider,
    noConfirm: urls.length === 1 && !urls[0].endsWith('*'),
  });
}

/** Command.retry, from the tree: a request node sends that request again, a batch node all of its requests. */
export function retry(s: Services) {
  return (node?: HistoryNode): Promise<PurgeOutcome | undefined> | undefined => {
    const target = node ?? s.tree.selection[0];
    if (!target) return undefined;
    const batch = s.history.batch(target.batchId);
    if (!batch) return undefined;
    const requests =
      target.type === 'request' ? batch.requests.filter((r) => r.id === target.requestId) : batch.requests;
    return again(
      s,
      batch.id,
      requests.map((r) => r.url),
    );
  };
}

/** InternalCommand.retryBatch (a notification's "Purge Again"): the batch's requests that did not succeed. */
export function retryBatch(s: Services) {
  return (batchId: string): Promise<PurgeOutcome | undefined> | undefined => {
    const batch = s.history.batch(batchId);
    if (!batch) return undefined;
    return again(
      s,
      batchId,
      batch.requests.filter((r) => !(r.state === 'accepted' || r.state === 'duplicate')).map((r) => r.url),
    );
  };
}
