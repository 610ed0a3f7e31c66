// "Refresh Purge Status": polls ImageKit for every pending request now.
import * as vscode from 'vscode';
import { View } from '../host/ids';
import type { Services } from '../host/services';

/** Command.refreshStatus: one polling round now; returns how many purges are still pending. */
export function refreshStatus(s: Services) {
  return async (): Promise<number> =>
    vscode.window.withProgress({ location: { viewId: View.history } }, () => s.poller.round());
}
