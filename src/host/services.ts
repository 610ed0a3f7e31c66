// What the commands are given: the extension's services, created once in activate(). No module-level state.
import type * as vscode from 'vscode';
import type { Transport } from '../core/transport';
import type { UrlDiagnostics } from './diagnostics';
import type { DocumentIndex } from './documentIndex';
import type { HistoryStore } from './history';
import type { HistoryNode, HistoryTreeProvider } from './historyTree';
import type { PurgeLog } from './log';
import type { PurgeService } from './purgeService';
import type { KeyStore } from './secrets';
import type { Settings } from './settings';
import type { StatusPoller } from './statusPoller';

export interface Services {
  context: vscode.ExtensionContext;
  settings: Settings;
  keys: KeyStore;
  history: HistoryStore;
  log: PurgeLog;
  purge: PurgeService;
  poller: StatusPoller;
  tree: vscode.TreeView<HistoryNode>;
  treeProvider: HistoryTreeProvider;
  /** The HTTP clients (providers' APIs, assets) and the keys in use, shared by everything that sends. */
  transport: Transport;
  /** The URLs and purge-pattern problems of open documents (diagnostics, context key, quick fixes). */
  index: DocumentIndex;
  /** The purge-pattern diagnostics (live for open documents, Check Workspace's for the other files). */
  diagnostics: UrlDiagnostics;
}
