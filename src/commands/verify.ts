// "Verify Purge": fetch the asset again and compare it with the copy read before the purge. A 404 means it was
// removed, a new ETag/Last-Modified/digest means the new version is served, the same one means not yet.
// With the local emulator, the asset is fetched from it.

import * as vscode from 'vscode';
import { emulatorBaseOf } from '../core/emulator';
import { compareSnapshots, snapshotAsset } from '../core/verify';
import type { HistoryRequest } from '../host/history';
import type { HistoryNode } from '../host/historyTree';
import type { Services } from '../host/services';

/**
 * Fetches each asset again and compares. Where from follows the batch, not today's settings: a batch sent to the
 * local emulator (a loopback API base) is verified against the emulator's CDN, whatever is configured now.
 */
export async function verifyRequests(
  s: Services,
  requests: HistoryRequest[],
  apiBase: string | undefined,
): Promise<HistoryRequest[]> {
  const client = await s.transport.assets();
  const emulatorBase = emulatorBaseOf(apiBase);
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Verifying purges'), cancellable: true },
    async (progress, token) => {
      const controller = new AbortController();
      const sub = token.onCancellationRequested(() => controller.abort());
      try {
        const out: HistoryRequest[] = [];
        for (const r of requests) {
          if (controller.signal.aborted) break;
          progress.report({ message: r.url, increment: 100 / requests.length });
          const after = await snapshotAsset(r.url, client, { emulatorBase, signal: controller.signal });
          const { verdict, detail } = compareSnapshots(
            r.before ? { status: 200, validator: r.before } : undefined,
            after,
          );
          s.log[verdict === 'updated' || verdict === 'removed' ? 'info' : 'warn'](`verify ${r.url}: ${detail}`);
          const updated = s.history.update(r.id, { verify: { state: verdict, detail, at: Date.now() } });
          if (updated) out.push(updated);
        }
        return out;
      } finally {
        sub.dispose();
      }
    },
  );
}

/**
 * What the verdicts say. The same version after a purge is no proof that the purge failed: the origin may not
 * have changed (imgix's own guide replaces the file at the origin first), or the CDN may not have had the asset
 * cached before; nor is a version with nothing to compare against proof of anything. Both read "cannot tell".
 */
function summary(results: HistoryRequest[]): string {
  const count = (st: string) => results.filter((r) => r.verify?.state === st).length;
  const parts = [
    count('updated') && vscode.l10n.t('{0} serve the new version', count('updated')),
    count('removed') && vscode.l10n.t('{0} removed (404)', count('removed')),
    count('unchanged') &&
      vscode.l10n.t(
        '{0} cannot tell: the same version as before the purge is served, which is expected when the file at the origin has not changed (replace it there first, then purge); otherwise the purge may not be complete yet',
        count('unchanged'),
      ),
    count('served') &&
      vscode.l10n.t('{0} cannot tell: served, with no copy from before the purge to compare with', count('served')),
    count('error') && vscode.l10n.t('{0} could not be fetched', count('error')),
  ].filter(Boolean);
  return parts.join('; ');
}

async function run(s: Services, batchId: string, requestId?: string): Promise<HistoryRequest[] | undefined> {
  const batch = s.history.batch(batchId);
  if (!batch) return undefined;
  const candidates = batch.requests.filter(
    (r) => (!requestId || r.id === requestId) && (r.state === 'accepted' || r.state === 'duplicate'),
  );
  const exact = candidates.filter((r) => r.kind === 'exact');
  if (exact.length === 0) {
    void vscode.window.showInformationMessage(
      candidates.length
        ? vscode.l10n.t(
            'A wildcard purge cannot be verified as a whole: verify single URLs under it (purge them, then Verify).',
          )
        : vscode.l10n.t('Nothing to verify: only purges that were accepted can be verified.'),
    );
    return undefined;
  }
  const results = await verifyRequests(s, exact, batch.apiBase);
  // Only a fetch that failed is a warning: "cannot tell" is not a failure of the purge.
  const bad = results.some((r) => r.verify?.state === 'error');
  const text = vscode.l10n.t('Verify: {0}.', summary(results));
  if (bad) void vscode.window.showWarningMessage(text, vscode.l10n.t('Show Output')).then((a) => a && s.log.show());
  else void vscode.window.showInformationMessage(text);
  return results;
}

/** Command.verify, from the tree: the request (or the batch's requests) that can be verified. */
export function verify(s: Services) {
  return (node?: HistoryNode): Promise<HistoryRequest[] | undefined> | undefined => {
    const target = node ?? s.tree.selection[0];
    if (!target) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Pick a purge in the CDN Purge history to verify.'));
      return undefined;
    }
    return run(s, target.batchId, target.type === 'request' ? target.requestId : undefined);
  };
}

/** InternalCommand.verifyBatch (a notification's "Verify"): every exact request of the batch. */
export function verifyBatch(s: Services) {
  return (batchId: string): Promise<HistoryRequest[] | undefined> => run(s, batchId);
}
