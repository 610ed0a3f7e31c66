// "CDN Purge: Set API Key…": a provider's key (the ImageKit private key, the imgix API key…), typed into a password
// box, checked against the provider's API without spending quota (README "Key check"), and kept in VS Code's
// SecretStorage only. A refused key is not stored unless the user says so; one that could not be checked is.

import * as vscode from 'vscode';
import { checkKey, type KeyCheckResult } from '../core/keyCheck';
import { isProviderId, provider as pluginOf, providers } from '../core/providers/registry';
import type { ProviderId, ProviderPlugin } from '../core/providers/types';
import { netRemedyText } from '../host/netWords';
import { keyName, validateKeyInput } from '../host/secrets';
import type { Services } from '../host/services';

/** A pick of the registered providers, with whether a key is stored and where to find one. */
export async function pickProvider(title: string, s: Services): Promise<ProviderId | undefined> {
  const items = await Promise.all(
    providers().map(async (p) => ({
      label: p.label,
      description: (await s.keys.has(p.id, 'real')) ? vscode.l10n.t('key stored') : vscode.l10n.t('no key yet'),
      detail: p.key.help,
      provider: p.id,
    })),
  );
  return (await vscode.window.showQuickPick(items, { title }))?.provider;
}

/**
 * The API base a real key is checked against: the provider's API base setting, unless it points at the local
 * emulator (a real key is never sent there) or is refused; then the provider's own API.
 */
export function realApiBase(s: Pick<Services, 'settings'>, p: ProviderPlugin): string {
  try {
    const api = s.settings.apiBase(p.id);
    return api.loopback ? p.defaultApiBase : api.base;
  } catch {
    return p.defaultApiBase;
  }
}

/** Checks a key with the provider's read-only request, with a progress notification; undefined without a check. */
async function check(s: Services, p: ProviderPlugin, key: string): Promise<KeyCheckResult | undefined> {
  if (!p.keyCheck) return undefined;
  const base = realApiBase(s, p);
  return vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: vscode.l10n.t('Checking the {0} (nothing is purged, no quota is spent)…', p.key.label),
      cancellable: true,
    },
    async (_progress, token) => {
      const controller = new AbortController();
      const sub = token.onCancellationRequested(() => controller.abort());
      try {
        const result = await checkKey(p, base, key, await s.transport.api(), { signal: controller.signal });
        if (result)
          s.log.info(`Key check of the ${p.key.label}: ${result.request} → ${result.verdict} (${result.reason})`);
        return result;
      } finally {
        sub.dispose();
      }
    },
  );
}

/** Command.setKey; a provider id as argument skips the pick. Returns whether a key was stored. */
export function setKey(s: Services) {
  const run = async (arg?: unknown): Promise<boolean> => {
    const provider = isProviderId(arg) ? arg : await pickProvider(vscode.l10n.t('Set API Key for…'), s);
    if (!provider) return false;
    const p = pluginOf(provider);
    const value = await vscode.window.showInputBox({
      title: keyName(provider),
      prompt: vscode.l10n.t(
        "Paste your {0}. It is checked against {1}'s API (nothing is purged) and stored in VS Code's secret storage, never in settings or logs.",
        keyName(provider),
        p.label,
      ),
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => validateKeyInput(provider, v),
    });
    if (value === undefined) return false;
    const key = value.trim();
    // Redacted from the output channel and from any server text before the check sends it.
    s.log.rememberKey(key);
    s.transport.rememberKey(key);
    const result = await check(s, p, key);
    if (result?.verdict === 'rejected') {
      const again = vscode.l10n.t('Enter Again');
      const anyway = vscode.l10n.t('Store Anyway');
      const pick = await vscode.window.showWarningMessage(
        vscode.l10n.t(
          '{0} refused this key: {1}. It was not stored. Copy the key again ({2}) and paste it.',
          p.label,
          result.reason,
          p.key.help,
        ),
        again,
        anyway,
      );
      if (pick === again) return run(provider);
      if (pick !== anyway) return false;
    }
    await s.keys.set(provider, 'real', key);
    s.log.info(`${keyName(provider)} stored in secret storage.`);
    if (!result) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t("{0} stored in VS Code's secret storage.", keyName(provider)),
      );
    } else if (result.verdict === 'works') {
      void vscode.window.showInformationMessage(
        vscode.l10n.t("{0} works: {1}. Stored in VS Code's secret storage.", keyName(provider), result.reason) +
          (result.caveat ? ` ${result.caveat}` : ''),
      );
    } else if (result.verdict === 'unknown') {
      void vscode.window.showWarningMessage(
        vscode.l10n.t(
          '{0} stored, but it could not be checked: {1}. The key is kept; the first purge will tell whether it works.',
          keyName(provider),
          result.reason,
        ) + netRemedyText(p, result.remedy),
      );
    } else {
      void vscode.window.showWarningMessage(
        vscode.l10n.t('{0} stored although {1} refused it.', keyName(provider), p.label),
      );
    }
    return true;
  };
  return run;
}
