// "Clear Purge History", after a confirmation: the history is the only record of what was purged.
import * as vscode from 'vscode';
import type { Services } from '../host/services';

/** Command.clearHistory; `true` skips the confirmation. Returns how many batches were cleared. */
export function clearHistory(s: Services) {
  return async (confirmed?: unknown): Promise<number> => {
    const count = s.history.all().length;
    if (count === 0) return 0;
    if (confirmed !== true) {
      const clear = vscode.l10n.t('Clear');
      const pick = await vscode.window.showWarningMessage(
        count === 1
          ? vscode.l10n.t('Clear the history of 1 purge batch?')
          : vscode.l10n.t('Clear the history of {0} purge batches?', count),
        { modal: true, detail: vscode.l10n.t('Purges still pending are no longer followed.') },
        clear,
      );
      if (pick !== clear) return 0;
    }
    s.history.clear();
    s.log.info(`History cleared (${count} batch${count === 1 ? '' : 'es'}).`);
    return count;
  };
}
