// Wiring only: services are created here, every disposable goes into context.subscriptions, and the commands
// (one file each in src/commands/) are registered with the services they need.

import * as vscode from 'vscode';
import { registerClearHistory } from './commands/clearHistory';
import { registerCopyUrl } from './commands/copyUrl';
import { registerPurgeChanged } from './commands/purgeChanged';
import { registerPurgeFiles } from './commands/purgeFiles';
import { registerPurgeUrl } from './commands/purgeUrl';
import { registerRefreshStatus } from './commands/refreshStatus';
import { registerRemoveKey } from './commands/removeKey';
import { registerRetry } from './commands/retry';
import { registerSetKey } from './commands/setKey';
import { registerShowOutput } from './commands/showOutput';
import { registerUseEmulator } from './commands/useEmulator';
import { registerVerify } from './commands/verify';
import { PurgePatternFixes } from './host/codeActions';
import { UrlDiagnostics } from './host/diagnostics';
import { HistoryStore } from './host/history';
import { HistoryTreeProvider } from './host/historyTree';
import { PurgeLog } from './host/log';
import { PurgeService } from './host/purgeService';
import { KeyStore } from './host/secrets';
import type { Services } from './host/services';
import { Settings } from './host/settings';
import { StatusPoller } from './host/statusPoller';
import { DocumentUrlsContext } from './host/urlAtCursor';

/** What activate() returns: the services, for the integration tests. */
export type CdnPurgeApi = Services;

export async function activate(context: vscode.ExtensionContext): Promise<CdnPurgeApi> {
  const log = new PurgeLog();
  const settings = new Settings();
  const keys = new KeyStore(context.secrets);
  const history = new HistoryStore(context.globalState);
  const purge = new PurgeService(settings, keys, history, log, context.globalState);
  const poller = new StatusPoller(history, purge, log);
  const treeProvider = new HistoryTreeProvider(history);
  const tree = vscode.window.createTreeView('cdnPurge.history', {
    treeDataProvider: treeProvider,
    showCollapseAll: true,
  });
  context.subscriptions.push(log, settings, keys, history, purge, poller, treeProvider, tree);
  for (const w of history.loadWarnings) log.warn(w);

  const services: Services = { context, settings, keys, history, log, purge, poller, tree, treeProvider };
  history.onWriteError = (e) => log.error(`could not store the purge history: ${e.message}`);
  context.subscriptions.push(
    purge.onDidPurge(() => poller.kick()),
    history.onDidChange(() => {
      const pending = history.pending().length;
      tree.badge = pending
        ? { value: pending, tooltip: `${pending} purge${pending === 1 ? '' : 's'} pending` }
        : undefined;
    }),
    registerPurgeUrl(services),
    registerPurgeFiles(services),
    registerPurgeChanged(services),
    registerSetKey(services),
    registerRemoveKey(services),
    registerRefreshStatus(services),
    ...registerVerify(services),
    ...registerRetry(services),
    registerCopyUrl(services),
    registerClearHistory(services),
    registerShowOutput(services),
    registerUseEmulator(services),
  );

  // The workspace's cdn-purge.json first, so open documents are linted once, with its endpoints.
  await settings.reloadProject();
  const selector: vscode.DocumentSelector = [{ scheme: 'file' }, { scheme: 'untitled' }, { scheme: 'vscode-remote' }];
  context.subscriptions.push(
    new UrlDiagnostics(settings),
    new DocumentUrlsContext(settings),
    vscode.languages.registerCodeActionsProvider(selector, new PurgePatternFixes(settings), PurgePatternFixes.metadata),
  );
  if (history.pending().length) poller.kick(true);
  // `npm start` runs VS Code with CDN_PURGE_EMULATOR_URL: use that emulator and its test keys.
  const emulator = process.env.CDN_PURGE_EMULATOR_URL;
  if (emulator && !(await keys.has('imagekit', 'emulator'))) {
    vscode.commands
      .executeCommand('cdnPurge.useEmulator', emulator)
      .then(undefined, (e: Error) => log.error(`could not use the emulator at ${emulator}: ${e.message}`));
  }
  return services;
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
