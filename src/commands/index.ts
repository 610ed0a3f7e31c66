// Every command the extension registers, in one table (as Error Lens does it): an id from host/ids.ts → the
// handler made from the services. The table's type requires a handler for every contributed and internal id, so a
// command added to ids.ts and not here does not compile; test/unit/host/ids.test.ts checks package.json too.

import * as vscode from 'vscode';
import { Command, InternalCommand, type CommandId, type InternalCommandId } from '../host/ids';
import type { Services } from '../host/services';
import { addEndpoint } from './addEndpoint';
import { checkWorkspace } from './checkWorkspace';
import { clearHistory } from './clearHistory';
import { copyUrl } from './copyUrl';
import { fixAll } from './fixAll';
import { copyUrls, exportHistory, openInBrowser, removeFromHistory, retryFailed } from './historyActions';
import { purgeChanged } from './purgeChanged';
import { purgeFiles } from './purgeFiles';
import { purgeUrl } from './purgeUrl';
import { refreshStatus } from './refreshStatus';
import { removeKey } from './removeKey';
import { retry, retryBatch } from './retry';
import { setKey } from './setKey';
import { showOutput } from './showOutput';
import { useEmulator } from './useEmulator';
import { verify, verifyBatch } from './verify';

/** A handler takes what VS Code passes (a tree node, an Explorer selection, a string from a notification). */
type Handler = (...args: never[]) => unknown;

export const COMMANDS: Readonly<Record<CommandId | InternalCommandId, (s: Services) => Handler>> = {
  [Command.purgeUrl]: purgeUrl,
  [Command.purgeFiles]: purgeFiles,
  [Command.purgeChanged]: purgeChanged,
  [Command.setKey]: setKey,
  [Command.removeKey]: removeKey,
  [Command.refreshStatus]: refreshStatus,
  [Command.verify]: verify,
  [Command.retry]: retry,
  [Command.copyUrl]: copyUrl,
  [Command.clearHistory]: clearHistory,
  [Command.showOutput]: showOutput,
  [Command.useEmulator]: useEmulator,
  [Command.checkWorkspace]: checkWorkspace,
  [Command.fixAll]: fixAll,
  [Command.retryFailed]: retryFailed,
  [Command.copyUrls]: copyUrls,
  [Command.removeFromHistory]: removeFromHistory,
  [Command.openInBrowser]: openInBrowser,
  [Command.exportHistory]: exportHistory,
  [InternalCommand.retryBatch]: retryBatch,
  [InternalCommand.verifyBatch]: verifyBatch,
  [InternalCommand.addEndpoint]: addEndpoint,
};

/** Registers every command; the disposables go into context.subscriptions. */
export function registerAllCommands(s: Services): vscode.Disposable[] {
  return Object.entries(COMMANDS).map(([id, make]) =>
    vscode.commands.registerCommand(id, make(s) as (...args: unknown[]) => unknown),
  );
}
