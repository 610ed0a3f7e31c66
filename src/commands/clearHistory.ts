// "Clear Purge History", after a confirmation: the history is the only record of what was purged.
import * as vscode from 'vscode';
import type { Services } from '../host/services';

/** Command.clearHistory; `true` skips the confirmation. Returns how many batches were cleared. */
export function clearHistory(s: Services) {
  return async (confirmed?: unknown): Promise<number> => {
    const count = s.history.all().length;
    if (count === 0) return 0;
    if (confirmed !== true) {
      const pick = await vscode.window.showWarningMessage(
        `Clear the history of ${count} purge batch${count === 1 ? '' : 'es'}?`,
        { modal: true, detail: 'Purges still pending are no longer followed.' },
        'Clear',
      );
      if (pick !== 'Clear') return 0;
    }
    s.history.clear();
    s.log.info(`History cleared (${count} batch${count === 1 ? '' : 'es'}).`);
    return count;
  };
}
