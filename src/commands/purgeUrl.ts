// "CDN Purge: Purge URL…": from the editor's context menu, the URLs in the selection or under the cursor; from the
// Command Palette (or a keybinding, or the history view's title) it always asks, in an input box that checks the
// URL against the provider's rules as you type, filled in with the URL under the cursor when there is one. A
// command whose title ends in "…" asks: without the box, what the user typed next went into the document.

import * as vscode from 'vscode';
import type { PurgeTarget } from '../core/pipeline';
import { settingId } from '../host/ids';
import type { PurgeOutcome } from '../host/purgeService';
import type { Services } from '../host/services';
import { urlsAt } from '../host/urlAtCursor';

export async function askForUrl(s: Services, value?: string): Promise<string | undefined> {
  return vscode.window.showInputBox({
    value,
    title: vscode.l10n.t('Purge URL'),
    prompt: vscode.l10n.t(
      'An ImageKit or imgix URL; ImageKit accepts a wildcard at the end (https://ik.imagekit.io/<id>/folder/sub/*).',
    ),
    placeHolder: 'https://ik.imagekit.io/your_imagekit_id/path/file.jpg',
    ignoreFocusOut: true,
    validateInput: (value) => {
      if (value.trim() === '') return undefined;
      const provider = s.settings.providerOf(value);
      if (!provider)
        return {
          message: vscode.l10n.t(
            'Not an ImageKit or imgix host. Custom domains go in {0} or {1}.',
            settingId('imagekit.endpoints'),
            settingId('imgix.domains'),
          ),
          severity: vscode.InputBoxValidationSeverity.Error,
        };
      const check = s.settings.checker(provider).check(value);
      const error = check.problems.find((p) => p.severity === 'error');
      if (error)
        return {
          message: vscode.l10n.t('{0} [{1}]', error.message, error.code),
          severity: vscode.InputBoxValidationSeverity.Error,
        };
      const warning = check.problems.find((p) => p.severity === 'warning');
      if (warning) return { message: warning.message, severity: vscode.InputBoxValidationSeverity.Warning };
      if (check.normalized !== check.input)
        return {
          message: vscode.l10n.t('Purges {0}', check.normalized ?? ''),
          severity: vscode.InputBoxValidationSeverity.Info,
        };
      return undefined;
    },
  });
}

/**
 * Command.purgeUrl: a URL or a list of URLs as argument (a hover, a CodeLens, a test); the editor's context menu
 * (which passes the document's Uri) purges the URLs at the cursor or in the selection; anything else asks.
 */
export function purgeUrl(s: Services) {
  return async (arg?: unknown): Promise<PurgeOutcome | undefined> => {
    // The scanner's matches keep the provider it found, so it is not worked out again on the way to the wire.
    let urls: PurgeTarget[] = [];
    if (typeof arg === 'string') urls = [{ url: arg }];
    else if (Array.isArray(arg) && arg.length && arg.every((x) => typeof x === 'string'))
      urls = arg.map((url) => ({ url }));
    else if (arg !== undefined && arg !== null && typeof arg === 'object' && vscode.window.activeTextEditor) {
      // The editor's context menu passes the document's Uri (the palette and keybindings pass nothing).
      const found = urlsAt(vscode.window.activeTextEditor, s.settings);
      const templated = found.filter((m) => m.templated);
      urls = found.filter((m) => !m.templated).map((m) => ({ url: m.url, provider: m.provider }));
      if (urls.length === 0 && templated.length) {
        void vscode.window.showErrorMessage(
          vscode.l10n.t(
            '"{0}" is built from a template (${…} or {{…}}), so its real URL is unknown. Purge the URL it produces.',
            templated[0].url,
          ),
        );
        return undefined;
      }
    }
    if (urls.length === 0) {
      // The URL under the cursor, if any, is offered (selected in the box): Enter purges it, typing replaces it.
      const editor = vscode.window.activeTextEditor;
      const here = editor ? urlsAt(editor, s.settings).find((m) => !m.templated)?.url : undefined;
      const typed = await askForUrl(s, here);
      if (!typed) return undefined;
      urls = [{ url: typed }];
    }
    return s.purge.purge(urls, { source: 'editor' });
  };
}
