// "CDN Purge: Set API Key…": a provider's key (the ImageKit private key, the imgix API key…), typed into a password
// box and kept in VS Code's SecretStorage only.

import * as vscode from 'vscode';
import { isProviderId, providers } from '../core/providers/registry';
import type { ProviderId } from '../core/providers/types';
import { keyName, validateKeyInput } from '../host/secrets';
import type { Services } from '../host/services';

/** A pick of the registered providers, with whether a key is stored and where to find one. */
export async function pickProvider(title: string, s: Services): Promise<ProviderId | undefined> {
  const items = await Promise.all(
    providers().map(async (p) => ({
      label: p.label,
      description: (await s.keys.has(p.id, 'real')) ? 'key stored' : 'no key yet',
      detail: p.key.help,
      provider: p.id,
    })),
  );
  return (await vscode.window.showQuickPick(items, { title }))?.provider;
}

/** Command.setKey; a provider id as argument skips the pick. Returns whether a key was stored. */
export function setKey(s: Services) {
  return async (arg?: unknown): Promise<boolean> => {
    const provider = isProviderId(arg) ? arg : await pickProvider('Set API Key for…', s);
    if (!provider) return false;
    const value = await vscode.window.showInputBox({
      title: `${keyName(provider)}`,
      prompt: `Paste your ${keyName(provider)}. It is stored in VS Code's secret storage and never written to settings or logs.`,
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => validateKeyInput(provider, v),
    });
    if (value === undefined) return false;
    await s.keys.set(provider, 'real', value.trim());
    s.log.rememberKey(value.trim());
    s.log.info(`${keyName(provider)} stored in secret storage.`);
    void vscode.window.showInformationMessage(`${keyName(provider)} stored in VS Code's secret storage.`);
    return true;
  };
}
