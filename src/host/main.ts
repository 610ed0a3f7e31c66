// Everything of the extension but its entry: a bundle of its own (dist/host.js) that src/extension.ts loads right
// after activation, or sooner when a command runs or a test reads the API first (README "Activation"). Wiring only:
// the services are made here, every disposable goes into context.subscriptions, and the features (FEATURES below,
// one line each) are started with the services.

import * as vscode from 'vscode';
import { commandHandlers, type Handler } from '../commands';
import { providers } from '../core/providers/registry';
import { PurgePatternFixes } from './codeActions';
import { UrlDiagnostics } from './diagnostics';
import { DocumentIndex, INDEXED_SELECTOR } from './documentIndex';
import { HistoryStore } from './history';
import { createHistoryView, HistoryTreeProvider } from './historyTree';
import { Command, type CommandId, type InternalCommandId } from './ids';
import { KnownUrls } from './knownUrls';
import { registerLmTools } from './lmTools';
import { PurgeLog } from './log';
import { ProjectConfigProblems } from './projectConfig';
import { createTransport, watchProxySettings } from './proxySettings';
import { PurgeService } from './purgeService';
import { startHistory } from './resume';
import { KeyStore } from './secrets';
import type { Services } from './services';
import { Settings } from './settings';
import { createStatusBar } from './statusBar';
import { StatusPoller } from './statusPoller';
import { DocumentUrlsContext } from './urlAtCursor';
import { registerUrlPresentation } from './urlPresentation';
import { fileLinter } from './workspaceLint';

/** What a feature gives back: what to dispose when the extension is deactivated. */
type Started = vscode.Disposable | readonly vscode.Disposable[] | void;

/**
 * The features, started in this order once the services exist: add ONE line here for a new one (a status bar item,
 * hover or CodeLens providers, language model tools…); a feature takes the services and returns its disposables.
 * Nothing here is awaited, and a feature that needs the workspace's cdn-purge.json waits for `settings.ready`.
 */
const FEATURES: ReadonlyArray<(s: Services) => Started> = [
  historyBadge,
  documentChecks,
  pendingStatuses,
  useEmulatorOfNpmStart,
  startHistory,
  createStatusBar,
  (s) => registerUrlPresentation(s.context, s),
  (s) => registerLmTools({ settings: s.settings, purge: s.purge, state: s.context.globalState }),
];

/** What the entry gets back: the services (the API of the integration tests), the command handlers, the exit. */
export interface Host {
  services: Services;
  commands: Readonly<Record<CommandId | InternalCommandId, Handler>>;
  /** Writes what is still pending (the history); deactivate() waits for it. */
  beforeExit(): Promise<void>;
}

/** Makes the services and starts the features. `activateMs`: how long activate() took (for the log). */
export function start(context: vscode.ExtensionContext, activateMs: number): Host {
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
  const tree = createHistoryView(treeProvider);
  const index = new DocumentIndex(settings);
  const diagnostics = new UrlDiagnostics(index, settings, fileLinter(settings));
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
    watchProxySettings(transport, log),
    {
      // Idle keep-alive connections are dropped; nothing waits for it.
      dispose: () => void transport.close().catch(() => undefined),
    },
  );
  for (const w of history.loadWarnings) log.warn(w);
  history.onWriteError = (e) => log.error(`could not store the purge history: ${e.message}`);

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
  context.subscriptions.push(purge.onDidPurge(() => poller.kick()));
  for (const feature of FEATURES) {
    const disposables = feature(services);
    if (disposables) context.subscriptions.push(...('dispose' in disposables ? [disposables] : disposables));
  }
  log.info(
    `activated in ${activateMs.toFixed(1)} ms (the rest loaded after activation in ${(performance.now() - started).toFixed(1)} ms)`,
  );
  return { services, commands: commandHandlers(services), beforeExit: () => history.flush() };
}

/** The history view's badge: how many purges are still pending. */
function historyBadge({ history, tree }: Services): Started {
  return history.onDidChange(() => {
    const pending = history.pending().length;
    tree.badge = pending
      ? {
          value: pending,
          tooltip: pending === 1 ? vscode.l10n.t('1 purge pending') : vscode.l10n.t('{0} purges pending', pending),
        }
      : undefined;
  });
}

/** Purge patterns in documents: diagnostics, quick fixes, the "URL under the cursor" context key, cdn-purge.json. */
function documentChecks({ index, settings }: Services): Started {
  const known = new KnownUrls(index, settings);
  const configProblems = new ProjectConfigProblems(settings);
  const disposables = [
    known,
    configProblems,
    new DocumentUrlsContext(index),
    vscode.languages.registerCodeActionsProvider(
      [...INDEXED_SELECTOR],
      new PurgePatternFixes(index, settings, known),
      PurgePatternFixes.metadata,
    ),
  ];
  index.refreshAll();
  // The workspace's cdn-purge.json is read next (its change event re-indexes the open documents); purging waits
  // for it (settings.ready).
  void settings.ready.then(() => configProblems.refresh());
  return disposables;
}

/** Purges still pending from an earlier session are followed again. */
function pendingStatuses({ history, poller }: Services): Started {
  if (history.pending().length) poller.kick(true);
}

/** `npm start` runs VS Code with CDN_PURGE_EMULATOR_URL: use that emulator and its test keys. */
function useEmulatorOfNpmStart({ keys, log }: Services): Started {
  const emulator = process.env.CDN_PURGE_EMULATOR_URL;
  if (!emulator) return;
  void (async () => {
    const emulated = providers().filter((p) => p.emulator);
    const missing = await Promise.all(emulated.map(async (p) => !(await keys.has(p.id, 'emulator'))));
    if (!missing.some(Boolean)) return;
    await vscode.commands
      .executeCommand(Command.useEmulator, emulator)
      .then(undefined, (e: Error) => log.error(`could not use the emulator at ${emulator}: ${e.message}`));
  })();
}
