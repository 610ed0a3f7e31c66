// "CDN Purge: Remove API Key…": deletes stored keys (real keys and the emulator's test keys).

import * as vscode from 'vscode';
import { providers } from '../core/providers/registry';
import type { ProviderId } from '../core/providers/types';
import { keyName, type KeySlot } from '../host/secrets';
import type { Services } from '../host/services';

/** Command.removeKey: pick stored keys to delete; returns how many were removed. */
export function removeKey(s: Services) {
  return async (): Promise<number> => {
    const items: Array<vscode.QuickPickItem & { provider: ProviderId; slot: KeySlot }> = [];
    for (const { id: provider } of providers()) {
      for (const slot of ['real', 'emulator'] as const) {
        if (await s.keys.has(provider, slot))
          items.push({
            label: keyName(provider),
            description: slot === 'emulator' ? vscode.l10n.t('local emulator test key') : '',
            provider,
            slot,
          });
      }
    }
    if (items.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No API key is stored.'));
      return 0;
    }
    const picked = await vscode.window.showQuickPick(items, {
      title: vscode.l10n.t('Remove API Keys'),
      canPickMany: true,
    });
    if (!picked?.length) return 0;
    for (const p of picked) await s.keys.delete(p.provider, p.slot);
    s.log.info(
      `Removed ${picked.map((p) => `${keyName(p.provider)}${p.slot === 'emulator' ? ' (emulator)' : ''}`).join(', ')} from secret storage.`,
    );
    void vscode.window.showInformationMessage(
      picked.length === 1
        ? vscode.l10n.t('Removed 1 key from secret storage.')
        : vscode.l10n.t('Removed {0} keys from secret storage.', picked.length),
    );
    return picked.length;
  };
}
