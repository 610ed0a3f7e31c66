// The extension's entry (dist/extension.js): what VS Code loads and times as activation, so it holds almost nothing.
// activate() registers every command (each runs the real handler, loading the rest first if need be) and returns.
// The rest — services, the history view, diagnostics, quick fixes, every feature — is src/host/main.ts, a bundle of
// its own (dist/host.js), loaded right after activation (setImmediate), or sooner by the first command or a read
// of the API, whichever comes first (README "Activation"). A new feature is one line in FEATURES there, a new
// command one row in src/commands/index.ts: nothing here changes.

// A plain `require` (not `import * as`, which esbuild wraps in a copy of every property of the API object), and no
// node:path: activation is timed, and this file does nothing it does not need to.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
import vscode = require('vscode');
import { Command, InternalCommand, type CommandId, type InternalCommandId } from './host/ids';
import type { Host } from './host/main';
import type { Services } from './host/services';

/** How activation went, for the integration tests: its time, and which of the extension's files it loaded. */
export interface Startup {
  /** activate() itself, in ms (loading this file is before it). */
  activateMs: number;
  /**
   * The files of the extension's dist/ folder in Node's module cache when activation ended (their names): read when
   * the rest is first loaded, or when asked if it is not loaded yet, so activate() itself does not scan the cache.
   */
  readonly loadedAtActivation: string[];
  /** Whether the rest (dist/host.js) is loaded yet. */
  readonly hostLoaded: boolean;
}

/**
 * What activate() returns: the services (for the integration tests), each read loading the rest first if it is not
 * loaded yet, and `startup`.
 */
export type CdnPurgeApi = Services & { startup: Startup };

let host: Host | undefined;
let failed: Error | undefined;

export function activate(context: vscode.ExtensionContext): CdnPurgeApi {
  const started = performance.now();
  let loading = false;
  let loadedAtActivation: string[] | undefined;
  const atActivation = (): string[] => (loadedAtActivation ??= ownLoadedFiles());
  const load = (): Host => {
    if (host) return host;
    if (failed) throw failed;
    if (loading) throw new Error('CDN Purge is still starting');
    atActivation();
    loading = true;
    try {
      // A file of its own in the package (esbuild.js maps this to ./host.js): a plain require, so that the first
      // command or API read can load it at once.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const main = require('./host/main') as typeof import('./host/main');
      host = main.start(context, activateMs);
      return host;
    } catch (e) {
      failed = e instanceof Error ? e : new Error(String(e));
      void vscode.window.showErrorMessage(vscode.l10n.t('CDN Purge could not start: {0}', failed.message));
      throw failed;
    } finally {
      loading = false;
    }
  };
  const ids: Array<CommandId | InternalCommandId> = [...Object.values(Command), ...Object.values(InternalCommand)];
  for (const id of ids)
    context.subscriptions.push(
      vscode.commands.registerCommand(id, (...args: unknown[]) =>
        (load().commands[id] as (...a: unknown[]) => unknown)(...args),
      ),
    );
  const next = setImmediate(() => {
    try {
      load();
    } catch {
      // said in a notification by load()
    }
  });
  context.subscriptions.push({ dispose: () => clearImmediate(next) });

  const activateMs = performance.now() - started;
  const startup: Startup = {
    activateMs,
    get loadedAtActivation() {
      return atActivation();
    },
    get hostLoaded() {
      return host !== undefined;
    },
  };
  return new Proxy({} as CdnPurgeApi, {
    get(_, key) {
      // `await extension.activate()` asks for `then`: the API is not a promise, and asking loads nothing.
      if (key === 'then' || typeof key === 'symbol') return undefined;
      if (key === 'startup') return startup;
      if (key === 'context') return context;
      return load().services[key as keyof Services];
    },
  });
}

/** The names of this folder's files (dist/) in Node's module cache. */
function ownLoadedFiles(): string[] {
  const prefix = __filename.slice(0, __dirname.length + 1); // the folder and its separator, / or \\
  return Object.keys(require.cache)
    .filter((f) => f.startsWith(prefix) && !/[\\/]/.test(f.slice(prefix.length)))
    .map((f) => f.slice(prefix.length));
}

/** VS Code waits for this before it disposes context.subscriptions: the history's last changes are written first. */
export async function deactivate(): Promise<void> {
  const h = host;
  host = undefined;
  failed = undefined;
  await h?.beforeExit();
}
