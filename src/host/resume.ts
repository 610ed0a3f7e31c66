// The history's start: the view's filter words (historyTree.ts attach), the in-flight journal that the purges record
// their dispatches in (inFlight.ts), and the batches a reload or a closed window interrupted: found once, on the
// next activation, each shown as interrupted with a Resume action (a notification, and the batch's context menu)
// that sends only the requests never dispatched. The requests that may have reached the server stay "unknown":
// never sent again silently, never reported as not sent.

import * as vscode from 'vscode';
import { providerById } from '../core/providers/registry';
import type { Recovered } from './history';
import { Command, VsCodeCommand } from './ids';
import { InFlightJournal } from './inFlight';
import type { Services } from './services';

/** Wires the history view and the in-flight journal; finds interrupted batches (not awaited by activation). */
export function startHistory(s: Services): vscode.Disposable[] {
  const disposables = [s.treeProvider.attach(s.tree)];
  const dir = s.context.globalStorageUri;
  if (dir.scheme === 'file') {
    s.purge.inFlight = new InFlightJournal(vscode.Uri.joinPath(dir, 'in-flight').fsPath);
    // After activation returns: reading the folder is quick, but activation waits for nothing (README "Activation").
    setTimeout(() => {
      recoverInterrupted(s, { notify: true }).catch((e: Error) =>
        s.log.error(`could not read the batches a reload interrupted: ${e.message}`),
      );
    }, 0);
  }
  return disposables;
}

/**
 * Takes what the in-flight journal says about batches an ended extension host was sending into the history, and
 * (notify) says so once. Returns what was found.
 */
export async function recoverInterrupted(s: Services, options: { notify?: boolean } = {}): Promise<Recovered[]> {
  const journal = s.purge.inFlight;
  if (!journal) return [];
  const found: Recovered[] = [];
  for (const left of journal.leftovers()) {
    const r = s.history.recoverInterrupted(left.batchId, left.requestIds, left.dispatched);
    if (r) {
      found.push(r);
      s.log.warn(
        `[${r.batch.provider}] batch ${r.batch.id} was interrupted when VS Code closed: ${r.notSent} not sent, ${r.mayHaveBeenReceived} sent with no answer on record (may have been received).`,
      );
    }
    journal.discard(left);
  }
  if (found.length) await s.history.flush();
  if (options.notify && found.some((r) => r.notSent > 0)) void notify(found.filter((r) => r.notSent > 0));
  return found;
}

async function notify(found: Recovered[]): Promise<void> {
  const notSent = found.reduce((n, r) => n + r.notSent, 0);
  const unknown = found.reduce((n, r) => n + r.mayHaveBeenReceived, 0);
  const first = found[0].batch;
  const label = providerById(first.provider)?.label ?? first.provider;
  const text =
    found.length === 1
      ? vscode.l10n.t(
          'A batch of {0} {1} purges was interrupted when VS Code closed. Never sent: {2}. Sent with no answer (may have been received, not sent again): {3}. Resume sends only the ones never sent.',
          first.requests.length,
          label,
          notSent,
          unknown,
        )
      : vscode.l10n.t(
          '{0} purge batches were interrupted when VS Code closed. Never sent: {1}. Sent with no answer (may have been received, not sent again): {2}. Resume sends only the ones never sent.',
          found.length,
          notSent,
          unknown,
        );
  const resume = vscode.l10n.t('Resume');
  const show = vscode.l10n.t('Show History');
  const pick = await vscode.window.showWarningMessage(text, resume, show);
  if (pick === resume) for (const r of found) await vscode.commands.executeCommand(Command.resumeBatch, r.batch.id);
  if (pick === show) void vscode.commands.executeCommand(VsCodeCommand.focusHistory);
}
