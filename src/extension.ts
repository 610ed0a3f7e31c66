// Wiring only: services are created here, every disposable goes into context.subscriptions, and the commands
// (one file each in src/commands/, registered by registerAllCommands) get the services.

import * as vscode from 'vscode';
import { registerAllCommands } from './commands';
import { providers } from './core/providers/registry';
import { PurgePatternFixes } from './host/codeActions';
import { UrlDiagnostics } from './host/diagnostics';
import { DocumentIndex, INDEXED_SELECTOR } from './host/documentIndex';
import { HistoryStore } from './host/history';
import { HistoryTreeProvider } from './host/historyTree';
import { KnownUrls } from './host/knownUrls';
import { Command, View } from './host/ids';
import { registerLmTools } from './host/lmTools';
import { PurgeLog } from './host/log';
import { ProjectConfigProblems } from './host/projectConfig';
import { createTransport, watchProxySettings } from './host/proxySettings';
import { PurgeService } from './host/purgeService';
import { KeyStore } from './host/secrets';
import type { Services } from './host/services';
import { Settings } from './host/settings';
import { StatusPoller } from './host/statusPoller';
import { DocumentUrlsContext } from './host/urlAtCursor';
import { fileLinter } from './host/workspaceLint';

/** What activate() returns: the services, for the integration tests. */
export type CdnPurgeApi = Services;

/** Writes what is still pending when VS Code closes (set by activate, awaited by deactivate). */
let beforeExit: (() => Promise<void>) | undefined;

export function activate(context: vscode.ExtensionContext): CdnPurgeApi {
  const started = performance.now();
  const log = new PurgeLog();
  const transport = createTransport(log);
  const settings = new Settings();
  const keys = new KeyStore(context.secrets);
  const history = new HistoryStore(context.globalState);
  const purge = new PurgeService(settings, keys, history, log, context.globalState, transport);
  const poller = new StatusPoller(
    history,
    { http: () => transport.api(), storedKey: (p, loopback) => purge.storedKey(p, loopback) },
    log,
  );
  const treeProvider = new HistoryTreeProvider(history);
  const tree = vscode.window.createTreeView(View.history, { treeDataProvider: treeProvider, showCollapseAll: true });
  const index = new DocumentIndex(settings);
  const diagnostics = new UrlDiagnostics(index, settings, fileLinter(settings));
  const known = new KnownUrls(index, settings);
  context.subscriptions.push(
    log,
    settings,
    keys,
    history,
    purge,
    poller,
    treeProvider,
    tree,
    index,
    diagnostics,
    known,
    watchProxySettings(transport, log),
    {
      // Idle keep-alive connections are dropped; nothing waits for it.
      dispose: () => void transport.close().catch(() => undefined),
    },
  );
  for (const w of history.loadWarnings) log.warn(w);
  beforeExit = () => history.flush();

  const services: Services = {
    context,
    settings,
    keys,
    history,
    log,
    purge,
    poller,
    tree,
    treeProvider,
    index,
    transport,
    diagnostics,
  };
  history.onWriteError = (e) => log.error(`could not store the purge history: ${e.message}`);
  context.subscriptions.push(
    purge.onDidPurge(() => poller.kick()),
    history.onDidChange(() => {
      const pending = history.pending().length;
      tree.badge = pending
        ? { value: pending, tooltip: `${pending} purge${pending === 1 ? '' : 's'} pending` }
        : undefined;
    }),
    ...registerAllCommands(services),
    ...registerLmTools({ settings, purge, state: context.globalState }),
  );

  const configProblems = new ProjectConfigProblems(settings);
  context.subscriptions.push(
    configProblems,
    new DocumentUrlsContext(index),
    vscode.languages.registerCodeActionsProvider(
      [...INDEXED_SELECTOR],
      new PurgePatternFixes(index, settings, known),
      PurgePatternFixes.metadata,
    ),
  );
  index.refreshAll();
  // Nothing below is awaited: activation returns at once (README "Activation"). The workspace's cdn-purge.json is
  // read next (its change event re-indexes the open documents); purging waits for it (settings.ready).
  void settings.ready.then(() => configProblems.refresh());
  if (history.pending().length) poller.kick(true);
  void useEmulatorOfNpmStart(keys, log);
  log.info(`activated in ${(performance.now() - started).toFixed(1)} ms`);
  return services;
}

/** `npm start` runs VS Code with CDN_PURGE_EMULATOR_URL: use that emulator and its test keys. */
async function useEmulatorOfNpmStart(keys: KeyStore, log: PurgeLog): Promise<void> {
  const emulator = process.env.CDN_PURGE_EMULATOR_URL;
  if (!emulator) return;
  const emulated = providers().filter((p) => p.emulator);
  const missing = await Promise.all(emulated.map(async (p) => !(await keys.has(p.id, 'emulator'))));
  if (!missing.some(Boolean)) return;
  await vscode.commands
    .executeCommand(Command.useEmulator, emulator)
    .then(undefined, (e: Error) => log.error(`could not use the emulator at ${emulator}: ${e.message}`));
}

/** VS Code waits for this before it disposes context.subscriptions: the history's last changes are written first. */
export async function deactivate(): Promise<void> {
  await beforeExit?.();
  beforeExit = undefined;
}
