// "CDN Purge: Show Output": the log of every request and its status.
import * as vscode from 'vscode';
import type { Services } from '../host/services';

export function registerShowOutput(s: Services): vscode.Disposable {
  return vscode.commands.registerCommand('cdnPurge.showOutput', () => s.log.show());
}
