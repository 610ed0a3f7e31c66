// "Filter Purge History…" and "Clear Purge History Filter": one quick pick where what is typed searches the URLs and
// the checked items pick providers and statuses; the view's description and message say what is filtered.

import * as vscode from 'vscode';
import { providerById, providers } from '../core/providers/registry';
import type { HistoryFilter, StatusFilter } from '../host/historyView';
import { STATUS_FILTERS } from '../host/historyView';
import type { Services } from '../host/services';

interface FilterItem extends vscode.QuickPickItem {
  provider?: string;
  status?: StatusFilter;
}

const STATUS_LABELS: Record<StatusFilter, () => string> = {
  failed: () => vscode.l10n.t('Failed'),
  pending: () => vscode.l10n.t('Pending'),
  done: () => vscode.l10n.t('Done'),
  unknown: () => vscode.l10n.t('Unknown'),
};

const STATUS_DETAILS: Record<StatusFilter, () => string> = {
  failed: () => vscode.l10n.t('refused, an error, not sent, or a verification that failed'),
  pending: () => vscode.l10n.t('being sent, processing, or received and not verified yet'),
  done: () => vscode.l10n.t('completed, verified, or a duplicate of a purge seconds ago'),
  unknown: () => vscode.l10n.t('sent with no answer, or a verification that could not tell'),
};

/**
 * Command.filterHistory: given a filter (a test, another command), applies it; otherwise asks. Returns the filter
 * now in force (undefined: none), or undefined when the quick pick was dismissed.
 */
export function filterHistory(s: Services) {
  return async (given?: HistoryFilter): Promise<HistoryFilter | undefined> => {
    if (given) {
      s.treeProvider.setFilter(given);
      return s.treeProvider.filter;
    }
    const current = s.treeProvider.filter;
    const ids = new Set<string>([...providers().map((p) => p.id), ...s.history.all().map((b) => b.provider)]);
    const providerItems: FilterItem[] = [...ids].map((id) => ({
      label: providerById(id)?.label ?? id,
      description: vscode.l10n.t('provider'),
      provider: id,
      alwaysShow: true,
    }));
    const statusItems: FilterItem[] = STATUS_FILTERS.map((st) => ({
      label: STATUS_LABELS[st](),
      description: vscode.l10n.t('status'),
      detail: STATUS_DETAILS[st](),
      status: st,
      alwaysShow: true,
    }));
    const qp = vscode.window.createQuickPick<FilterItem>();
    qp.title = vscode.l10n.t('Filter Purge History');
    qp.placeholder = vscode.l10n.t('Type to search the URLs; check providers and statuses; Enter applies');
    qp.canSelectMany = true;
    qp.matchOnDescription = false;
    qp.items = [
      { label: vscode.l10n.t('Provider'), kind: vscode.QuickPickItemKind.Separator },
      ...providerItems,
      { label: vscode.l10n.t('Status'), kind: vscode.QuickPickItemKind.Separator },
      ...statusItems,
    ];
    qp.selectedItems = [
      ...providerItems.filter((i) => i.provider && current?.providers?.includes(i.provider)),
      ...statusItems.filter((i) => i.status && current?.statuses?.includes(i.status)),
    ];
    qp.value = current?.text ?? '';
    const picked = await new Promise<HistoryFilter | undefined>((resolve) => {
      qp.onDidAccept(() => {
        const sel = qp.selectedItems;
        resolve({
          providers: sel.flatMap((i) => (i.provider ? [i.provider] : [])),
          statuses: sel.flatMap((i) => (i.status ? [i.status] : [])),
          text: qp.value,
        });
        qp.hide();
      });
      qp.onDidHide(() => resolve(undefined));
      qp.show();
    });
    qp.dispose();
    if (!picked) return undefined;
    s.treeProvider.setFilter(picked);
    return s.treeProvider.filter;
  };
}

/** Command.clearHistoryFilter: the view shows every purge again. */
export function clearHistoryFilter(s: Services) {
  return (): void => {
    s.treeProvider.setFilter(undefined);
  };
}
