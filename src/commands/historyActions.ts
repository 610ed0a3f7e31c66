// The history's context menus, as a request tool's: on a batch or a request, Retry Failed, Copy URLs, Remove from
// History, Open in Browser, Export as JSON (a batch, a request, or the whole history from the view's title bar).

import * as vscode from 'vscode';
import type { HistoryBatch, HistoryRequest } from '../host/history';
import type { HistoryNode } from '../host/historyTree';
import { requestCategory } from '../host/historyTree';
import type { PurgeOutcome } from '../host/purgeService';
import type { Services } from '../host/services';
import { retryBatch } from './retry';

function target(s: Services, node?: HistoryNode): HistoryNode | undefined {
  return node ?? s.tree.selection[0];
}

/** The requests a node stands for: the request, or every request of the batch. */
function requestsOf(s: Services, node: HistoryNode): { batch: HistoryBatch; requests: HistoryRequest[] } | undefined {
  const batch = s.history.batch(node.batchId);
  if (!batch) return undefined;
  return {
    batch,
    requests: node.type === 'request' ? batch.requests.filter((r) => r.id === node.requestId) : batch.requests,
  };
}

/** Command.retryFailed: sends again the batch's requests that did not succeed (failed, unknown, cancelled). */
export function retryFailed(s: Services) {
  return (node?: HistoryNode): Promise<PurgeOutcome | undefined> | undefined => {
    const t = target(s, node);
    if (!t) return undefined;
    const batch = s.history.batch(t.batchId);
    const left = batch?.requests.filter((r) => ['failed', 'unknown', 'cancelled'].includes(requestCategory(r))) ?? [];
    if (left.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Nothing to retry: no request of this batch failed.'));
      return undefined;
    }
    return retryBatch(s)(t.batchId);
  };
}

/** Command.copyUrls: the URLs of a batch (one a line) or of a request, to the clipboard. */
export function copyUrls(s: Services) {
  return async (node?: HistoryNode): Promise<string | undefined> => {
    const t = target(s, node);
    const hit = t && requestsOf(s, t);
    if (!hit || hit.requests.length === 0) return undefined;
    const text = hit.requests.map((r) => r.url).join('\n');
    await vscode.env.clipboard.writeText(text);
    void vscode.window.setStatusBarMessage(
      hit.requests.length === 1
        ? vscode.l10n.t('Copied 1 URL.')
        : vscode.l10n.t('Copied {0} URLs.', hit.requests.length),
      3000,
    );
    return text;
  };
}

/** Command.removeFromHistory: a batch or a request (in every window); pending ones are no longer followed. */
export function removeFromHistory(s: Services) {
  return (node?: HistoryNode): number => {
    const t = target(s, node);
    if (!t) return 0;
    const batch = s.history.batch(t.batchId);
    const n =
      t.type === 'batch' || (batch && batch.requests.length === 1)
        ? s.history.remove({ batches: [t.batchId] })
        : s.history.remove({ requests: [t.requestId] });
    if (n) s.log.info(`History: removed ${t.type === 'batch' ? `batch ${t.batchId}` : `request ${t.requestId}`}.`);
    return n;
  };
}

/** Command.openInBrowser: opens a request's URL (an exact URL; a wildcard is not a page). */
export function openInBrowser(s: Services) {
  return async (node?: HistoryNode): Promise<boolean> => {
    const t = target(s, node);
    if (!t || t.type !== 'request') return false;
    const hit = s.history.find(t.requestId);
    if (!hit) return false;
    if (hit.request.kind === 'wildcard') {
      void vscode.window.showInformationMessage(
        vscode.l10n.t('A wildcard purge is not one page: open one of the URLs under it instead.'),
      );
      return false;
    }
    return vscode.env.openExternal(vscode.Uri.parse(hit.request.url, true));
  };
}

/** The JSON that Export writes: the batches as stored (never a key: the history holds none). */
export function exportJson(batches: readonly HistoryBatch[]): string {
  return `${JSON.stringify({ format: 'cdn-purge-history', version: 1, exportedAt: new Date().toISOString(), batches }, null, 2)}\n`;
}

/**
 * Command.exportHistory: a batch, a request (as a batch of one) or the whole history, as JSON, to a file the user
 * picks (`uri` given: written there without asking, for the tests). Returns the file written.
 */
export function exportHistory(s: Services) {
  return async (node?: HistoryNode, uri?: vscode.Uri): Promise<vscode.Uri | undefined> => {
    let batches: HistoryBatch[];
    if (node) {
      const hit = requestsOf(s, node);
      if (!hit) return undefined;
      batches = [{ ...hit.batch, requests: hit.requests }];
    } else batches = [...s.history.all()];
    if (batches.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('The purge history is empty: nothing to export.'));
      return undefined;
    }
    const day = new Date().toISOString().slice(0, 10);
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const file =
      uri ??
      (await vscode.window.showSaveDialog({
        title: vscode.l10n.t('Export Purge History as JSON'),
        filters: { JSON: ['json'] },
        defaultUri: folder ? vscode.Uri.joinPath(folder, `cdn-purge-history-${day}.json`) : undefined,
      }));
    if (!file) return undefined;
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(exportJson(batches)));
    const count = batches.reduce((n, b) => n + b.requests.length, 0);
    s.log.info(`History: exported ${count} request(s) to ${file.toString(true)}.`);
    if (!uri)
      void vscode.window.showInformationMessage(
        count === 1
          ? vscode.l10n.t('Exported 1 purge request to {0}.', vscode.workspace.asRelativePath(file))
          : vscode.l10n.t('Exported {0} purge requests to {1}.', count, vscode.workspace.asRelativePath(file)),
      );
    return file;
  };
}
