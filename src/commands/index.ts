// Every command the extension registers, in one table (as Error Lens does it): an id from host/ids.ts → the
// handler made from the services. The table's type requires a handler for every contributed and internal id, so a
// command added to ids.ts and not here does not compile; test/unit/host/ids.test.ts checks package.json too.
// Each command's module is loaded when it first runs (`lazy`), so activation loads none of them; src/extension.ts
// registers every id at activation, before this table is loaded.

import { Command, InternalCommand, type CommandId, type InternalCommandId } from '../host/ids';
import type { Services } from '../host/services';

/** A handler takes what VS Code passes (a tree node, an Explorer selection, a string from a notification). */
export type Handler = (...args: never[]) => unknown;
type Make = (s: Services) => Handler;

/**
 * A command whose module is loaded the first time it runs, not at activation (README "Activation"): `load` is
 * `() => import('./<name>')`, `pick` takes the handler's maker from it. The handler is made once.
 */
export function lazy<M>(load: () => Promise<M>, pick: (m: M) => Make): Make {
  return (s) => {
    let handler: Handler | undefined;
    return async (...args: never[]) => {
      handler ??= pick(await load())(s);
      return handler(...args);
    };
  };
}

export const COMMANDS: Readonly<Record<CommandId | InternalCommandId, Make>> = {
  [Command.purgeUrl]: lazy(
    () => import('./purgeUrl'),
    (m) => m.purgeUrl,
  ),
  [Command.purgeFiles]: lazy(
    () => import('./purgeFiles'),
    (m) => m.purgeFiles,
  ),
  [Command.purgeChanged]: lazy(
    () => import('./purgeChanged'),
    (m) => m.purgeChanged,
  ),
  [Command.setKey]: lazy(
    () => import('./setKey'),
    (m) => m.setKey,
  ),
  [Command.removeKey]: lazy(
    () => import('./removeKey'),
    (m) => m.removeKey,
  ),
  [Command.refreshStatus]: lazy(
    () => import('./refreshStatus'),
    (m) => m.refreshStatus,
  ),
  [Command.verify]: lazy(
    () => import('./verify'),
    (m) => m.verify,
  ),
  [Command.retry]: lazy(
    () => import('./retry'),
    (m) => m.retry,
  ),
  [Command.copyUrl]: lazy(
    () => import('./copyUrl'),
    (m) => m.copyUrl,
  ),
  [Command.clearHistory]: lazy(
    () => import('./clearHistory'),
    (m) => m.clearHistory,
  ),
  [Command.showOutput]: lazy(
    () => import('./showOutput'),
    (m) => m.showOutput,
  ),
  [Command.useEmulator]: lazy(
    () => import('./useEmulator'),
    (m) => m.useEmulator,
  ),
  [InternalCommand.retryBatch]: lazy(
    () => import('./retry'),
    (m) => m.retryBatch,
  ),
  [InternalCommand.verifyBatch]: lazy(
    () => import('./verify'),
    (m) => m.verifyBatch,
  ),
  [Command.checkWorkspace]: lazy(
    () => import('./checkWorkspace'),
    (m) => m.checkWorkspace,
  ),
  [Command.fixAll]: lazy(
    () => import('./fixAll'),
    (m) => m.fixAll,
  ),
  [Command.retryFailed]: lazy(
    () => import('./historyActions'),
    (m) => m.retryFailed,
  ),
  [Command.copyUrls]: lazy(
    () => import('./historyActions'),
    (m) => m.copyUrls,
  ),
  [Command.removeFromHistory]: lazy(
    () => import('./historyActions'),
    (m) => m.removeFromHistory,
  ),
  [Command.openInBrowser]: lazy(
    () => import('./historyActions'),
    (m) => m.openInBrowser,
  ),
  [Command.exportHistory]: lazy(
    () => import('./historyActions'),
    (m) => m.exportHistory,
  ),
  [Command.filterHistory]: lazy(
    () => import('./historyFilter'),
    (m) => m.filterHistory,
  ),
  [Command.clearHistoryFilter]: lazy(
    () => import('./historyFilter'),
    (m) => m.clearHistoryFilter,
  ),
  [Command.resumeBatch]: lazy(
    () => import('./resume'),
    (m) => m.resumeBatch,
  ),
  [Command.showStatus]: lazy(
    () => import('./showStatus'),
    (m) => m.showStatus,
  ),
  [InternalCommand.addEndpoint]: lazy(
    () => import('./addEndpoint'),
    (m) => m.addEndpoint,
  ),
};

/**
 * Every command's handler, made from the services. src/extension.ts registers every id of host/ids.ts at activation
 * (before this module is loaded) and calls these (README "Activation").
 */
export function commandHandlers(s: Services): Readonly<Record<CommandId | InternalCommandId, Handler>> {
  return Object.fromEntries(Object.entries(COMMANDS).map(([id, make]) => [id, make(s)])) as Record<
    CommandId | InternalCommandId,
    Handler
  >;
}
