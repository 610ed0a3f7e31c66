// "Resume Interrupted Batch": sends again only the requests of an interrupted batch that were never dispatched
// (`cancelled` after the reload, see host/resume.ts); those that may have reached the server are not sent again.
import * as vscode from 'vscode';
import { providerById } from '../core/providers/registry';
import type { HistoryNode } from '../host/historyTree';
import type { PurgeOutcome } from '../host/purgeService';
import type { Services } from '../host/services';

/** Command.resumeBatch: from the tree (a node) or the notification (a batch id). */
export function resumeBatch(s: Services) {
  /** Batches being resumed: a second Resume while the first runs sends nothing. */
  const running = new Set<string>();
  return async (arg?: HistoryNode | string): Promise<PurgeOutcome | undefined> => {
    const node = arg ?? s.tree.selection[0];
    const batchId = typeof node === 'string' ? node : node?.batchId;
    const batch = batchId ? s.history.batch(batchId) : undefined;
    if (!batch?.interrupted) return undefined;
    if (batch.interrupted.resumedBy) {
      void vscode.window.showInformationMessage(vscode.l10n.t('This batch was resumed already.'));
      return undefined;
    }
    if (!providerById(batch.provider)) {
      void vscode.window.showErrorMessage(
        vscode.l10n.t(
          'These purges went to "{0}", a provider this CDN Purge does not have: they cannot be resumed from here.',
          batch.provider,
        ),
      );
      return undefined;
    }
    const urls = batch.requests.filter((r) => r.state === 'cancelled').map((r) => r.url);
    if (urls.length === 0) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Nothing to resume: every request of this batch was sent.'),
      );
      return undefined;
    }
    if (running.has(batch.id)) return undefined;
    running.add(batch.id);
    try {
      const out = await s.purge.purge(urls, { source: 'resume', provider: batch.provider });
      const made = out?.batches[0];
      if (made) s.history.markResumed(batch.id, made.id);
      return out;
    } finally {
      running.delete(batch.id);
    }
  };
}
