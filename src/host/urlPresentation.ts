// The URLs in editors, presented: the hover (./hover.ts), the Purge CodeLens (./codeLens.ts) and the hover's "Check
// cache state" command, registered together by one call from activate(). Both read the shared document index and
// their settings (`cdnPurge.hover.enabled`, `cdnPurge.codeLens.enabled`) on every request, so a change applies live.

import * as vscode from 'vscode';
import { PurgeCodeLensProvider } from './codeLens';
import { INDEXED_SELECTOR } from './documentIndex';
import { CacheStates, UrlHoverProvider, type CacheStateArgs } from './hover';
import { HoverCommand, VsCodeCommand } from './ids';
import type { Services } from './services';

/** Checks a URL's cache state (one HEAD, no key), keeps it for the hover and shows the hover again where it was. */
export function checkCacheStateCommand(s: Services, states: CacheStates) {
  return async (arg?: unknown): Promise<import('../core/cacheState').CacheStateReport | undefined> => {
    const a = arg as Partial<CacheStateArgs> | undefined;
    const url = typeof a?.url === 'string' ? a.url : undefined;
    // Only a URL of a provider as configured: the command is not a way to make the extension fetch any host.
    if (!url || !s.settings.providerOf(url)) {
      void vscode.window.showErrorMessage(
        vscode.l10n.t('Check Cache State needs an ImageKit or imgix URL; "{0}" is not one.', String(a?.url ?? '')),
      );
      return undefined;
    }
    states.set(url, 'checking');
    const { checkCacheState } = await import('../core/cacheState');
    const report = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Checking the cache state of {0}…', url) },
      async () =>
        checkCacheState(url, await s.transport.assets(), {
          emulatorBase: s.settings.emulatorUrl,
          keys: s.transport.keys.list(),
        }),
    );
    states.set(url, report);
    s.log.info(
      report.error
        ? `cache state of ${url}: no answer (${report.error})`
        : `cache state of ${url}: HTTP ${report.status}${report.headers.map((h) => `, ${h.name}: ${h.value}`).join('')}`,
    );
    await showHoverAgain(a);
    return report;
  };
}

/** Puts the cursor back on the URL and shows its hover (now with the cache state), when its editor is active. */
async function showHoverAgain(a: Partial<CacheStateArgs> | undefined): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || typeof a?.uri !== 'string' || editor.document.uri.toString() !== a.uri) return;
  if (typeof a.line !== 'number' || typeof a.character !== 'number') return;
  // The hover that had the link still shows what it showed: it is closed, and opened again with the new content.
  await vscode.commands.executeCommand(VsCodeCommand.hideHover).then(undefined, () => undefined);
  const pos = new vscode.Position(a.line, a.character + 1);
  const shown = await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn });
  shown.selection = new vscode.Selection(pos, pos);
  await vscode.commands.executeCommand(VsCodeCommand.showHover);
}

/** Registers the hover, the CodeLens and the hover's command; the disposables go into context.subscriptions. */
export function registerUrlPresentation(context: vscode.ExtensionContext, s: Services): void {
  const states = new CacheStates();
  const lenses = new PurgeCodeLensProvider(s.index, s.settings);
  context.subscriptions.push(
    lenses,
    vscode.languages.registerHoverProvider(
      [...INDEXED_SELECTOR],
      new UrlHoverProvider(s.index, s.settings, s.history, states),
    ),
    vscode.languages.registerCodeLensProvider([...INDEXED_SELECTOR], lenses),
    vscode.commands.registerCommand(HoverCommand.checkCacheState, checkCacheStateCommand(s, states)),
  );
}
