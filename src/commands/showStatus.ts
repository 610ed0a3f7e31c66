// "CDN Purge: Show Status…" (the status bar item's click): where purges go and this month's counts, one row per
// provider, then the actions to switch: Use Local Emulator… or back to the real APIs (the existing command), Set API
// Key…, Show Output, the status bar's settings. Picking a provider's row opens its settings.

import * as vscode from 'vscode';
import { Command, SECTION, settingId, VsCodeCommand } from '../host/ids';
import type { Services } from '../host/services';
import { providerLines, readStatus } from '../host/statusBar';

type Action = 'emulator' | 'real' | 'setKey' | 'output' | 'settings' | `provider:${string}`;

interface Item extends vscode.QuickPickItem {
  action?: Action;
}

/** A label with a codicon in front. */
const withIcon = (icon: string, text: string): string => ['$(', icon, ') ', text].join('');

/** Command.showStatus: returns the action picked (undefined when dismissed), for tests. */
export function showStatus(s: Services) {
  return async (): Promise<Action | undefined> => {
    const status = await readStatus({ settings: s.settings, keys: s.keys, globalState: s.context.globalState });
    const items: Item[] = [
      {
        label: status.emulatorUrl
          ? vscode.l10n.t('Purges go to the local emulator at {0}', status.emulatorUrl)
          : vscode.l10n.t('Purges go to the real APIs'),
        kind: vscode.QuickPickItemKind.Separator,
      },
    ];
    for (const p of status.providers) {
      const l = providerLines(p, status.month);
      items.push({
        label: withIcon(p.emulator ? 'beaker' : 'cloud', p.plugin.label),
        description: l.where,
        detail: [l.key, ...l.counts].join(' · '),
        action: `provider:${p.plugin.settings.section}`,
      });
    }
    items.push(
      { label: vscode.l10n.t('Actions'), kind: vscode.QuickPickItemKind.Separator },
      status.emulatorUrl
        ? {
            label: withIcon('cloud-upload', vscode.l10n.t('Switch to the Real APIs')),
            detail: vscode.l10n.t('Purges then reach the providers, with the keys stored by Set API Key…'),
            action: 'real',
          }
        : {
            label: withIcon('beaker', vscode.l10n.t('Use Local Emulator…')),
            detail: vscode.l10n.t(
              'Purges then go to a cdn-purge emulator on this machine; nothing reaches the providers',
            ),
            action: 'emulator',
          },
      { label: withIcon('key', vscode.l10n.t('Set API Key…')), action: 'setKey' },
      { label: withIcon('output', vscode.l10n.t('Show Output')), action: 'output' },
      { label: withIcon('gear', vscode.l10n.t('Status Bar Settings')), action: 'settings' },
    );
    const pick = await vscode.window.showQuickPick(items, {
      title: vscode.l10n.t('CDN Purge: Status'),
      placeHolder: vscode.l10n.t('Where purges go, and what is counted this month'),
    });
    const action = pick?.action;
    if (!action) return undefined;
    if (action === 'emulator') await vscode.commands.executeCommand(Command.useEmulator);
    else if (action === 'real') await vscode.commands.executeCommand(Command.useEmulator, 'off');
    else if (action === 'setKey') await vscode.commands.executeCommand(Command.setKey);
    else if (action === 'output') await vscode.commands.executeCommand(Command.showOutput);
    else if (action === 'settings')
      await vscode.commands.executeCommand(
        VsCodeCommand.openSettings,
        settingId('statusBar.enabled').replace(/\.enabled$/, ''),
      );
    else
      await vscode.commands.executeCommand(
        VsCodeCommand.openSettings,
        `${SECTION}.${action.slice('provider:'.length)}`,
      );
    return action;
  };
}
