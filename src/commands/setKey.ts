// "CDN Purge: Set API Key…": the ImageKit private key or the imgix API key, typed into a password box and kept
// in VS Code's SecretStorage only.

import * as vscode from 'vscode';
import { isProviderId, type ProviderId } from '../core/provider';
import { adapterFor } from '../core/adapters';
import { keyName, validateKeyInput } from '../host/secrets';
import type { Services } from '../host/services';

export async function pickProvider(title: string, s: Services): Promise<ProviderId | undefined> {
  const items = await Promise.all(
    (['imagekit', 'imgix'] as const).map(async (p) => ({
      label: adapterFor(p).label,
      description: (await s.keys.has(p, 'real')) ? 'key stored' : 'no key yet',
      detail:
        p === 'imagekit'
          ? 'Private key, from ImageKit dashboard → Developer options'
          : 'API key with the Purge permission, from the imgix dashboard → API Keys',
      provider: p,
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
