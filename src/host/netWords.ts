// How the extension words what the core gives as data about a connection that failed (src/core/netErrors.ts): the
// certificate to trust, the API base setting, VS Code's proxy settings. The CLI words the same data with its flags
// and environment variables (src/cli/words.ts).

import * as vscode from 'vscode';
import type { ProviderPlugin, Remedy } from '../core/providers/types';
import { providerSettings, settingId } from './ids';

/** What the extension's user does about a connection's remedy (with a leading space), or '' for another one. */
export function netRemedyText(p: ProviderPlugin, remedy: Remedy | undefined): string {
  if (remedy === 'trust')
    return ` ${vscode.l10n.t('Set NODE_EXTRA_CA_CERTS to your network\'s root certificate (a PEM file) and restart VS Code. Turning off "http.proxyStrictSSL" skips the check for requests through VS Code\'s proxy: not advised.')}`;
  if (remedy === 'api-base')
    return ` ${vscode.l10n.t('Check the "{0}" setting.', settingId(providerSettings(p).apiBase.key))}`;
  if (remedy === 'proxy') return ` ${vscode.l10n.t('Check VS Code\'s "http.proxy" and "http.noProxy" settings.')}`;
  return '';
}
