// "CDN Purge: Use Local Emulator…": points the API bases of the providers it emulates at a running
// `cdn-purge emulator` on loopback, and stores its test keys in the emulator's own secret slots (a real key is never
// sent to it). Run again to switch back to the real APIs.

import * as vscode from 'vscode';
import { emulatedProvider, probeEmulator, type EmulatorInfo } from '../core/emulator';
import { checkKey } from '../core/keyCheck';
import { listProviders, providers } from '../core/providers/registry';
import type { ProviderPlugin } from '../core/providers/types';
import { checkApiBase } from '../core/url';
import { providerSettings } from '../host/ids';
import type { Services } from '../host/services';
import { updateSetting } from '../host/settings';

export const DEFAULT_EMULATOR_URL = 'http://127.0.0.1:8787';

/** The providers whose API bases point at the emulator: those registered here that it has an entry for. */
function emulated(info: EmulatorInfo): ProviderPlugin[] {
  return providers().filter((p) => emulatedProvider(info, p.id));
}

const switchBackLabel = (): string => vscode.l10n.t('Switch Back');

async function switchBack(s: Services): Promise<void> {
  for (const p of providers()) await updateSetting(providerSettings(p).apiBase.key, undefined);
  s.log.info(`Switched back to the real ${listProviders()} APIs.`);
  void vscode.window.showInformationMessage(
    vscode.l10n.t('CDN Purge now talks to the real {0} APIs again.', listProviders()),
  );
}

/** Command.useEmulator: a loopback URL as argument (no prompts, no notification), or 'off' to switch back. */
export function useEmulator(s: Services) {
  return async (arg?: unknown): Promise<string | undefined> => {
    if (arg === 'off') {
      await switchBack(s);
      return undefined;
    }
    const current = s.settings.emulatorUrl;
    let raw = typeof arg === 'string' ? arg : undefined;
    if (raw === undefined && current && arg === undefined) {
      const pick = await vscode.window.showQuickPick(
        [
          {
            label: vscode.l10n.t('Keep using {0}', current),
            detail: vscode.l10n.t('Store its test keys again and check that it answers'),
            value: current,
          },
          { label: vscode.l10n.t('Use another emulator URL…'), value: '' },
          { label: vscode.l10n.t('Switch back to the real APIs'), value: 'off' },
        ],
        { title: vscode.l10n.t('Local Emulator') },
      );
      if (!pick) return undefined;
      if (pick.value === 'off') {
        await switchBack(s);
        return undefined;
      }
      raw = pick.value || undefined;
    }
    raw ??= await vscode.window.showInputBox({
      title: vscode.l10n.t('Local Emulator URL'),
      prompt: vscode.l10n.t('Start one with `npx cdn-purge emulator --port 8787` (npm start does it for you)'),
      value: process.env.CDN_PURGE_EMULATOR_URL || current || DEFAULT_EMULATOR_URL,
      validateInput: (v) => {
        const r = checkApiBase(v.trim());
        if (!r.ok) return r.problem.message;
        return r.api.loopback
          ? undefined
          : vscode.l10n.t('The emulator runs on this machine: use http://127.0.0.1:PORT.');
      },
    });
    if (!raw) return undefined;
    const api = checkApiBase(raw.trim());
    if (!api.ok || !api.api.loopback) {
      void vscode.window.showErrorMessage(
        vscode.l10n.t('{0} is not a loopback URL: the emulator runs on this machine (http://127.0.0.1:PORT).', raw),
      );
      return undefined;
    }
    const base = api.api.base;
    const info = await probeEmulator(await s.transport.api(), base);
    if (!info) {
      void vscode.window.showErrorMessage(
        vscode.l10n.t(
          'No CDN Purge emulator answers at {0}. Start it with `npx cdn-purge emulator --port {1}`, or run `npm start`.',
          base,
          new URL(base).port || '80',
        ),
      );
      return undefined;
    }
    const targets = emulated(info);
    for (const p of targets) {
      let key = emulatedProvider(info, p.id)?.testKey;
      if (!key) {
        key = await vscode.window.showInputBox({
          title: vscode.l10n.t("Emulator's {0}", p.key.label),
          prompt: vscode.l10n.t('This emulator was started with a custom key: type it.'),
          password: true,
          ignoreFocusOut: true,
        });
        if (!key) continue;
        // A typed key is checked as Set API Key checks a real one: the emulator answers the check as the API does.
        const check = await checkKey(p, base, key, await s.transport.api());
        if (check?.verdict === 'rejected') {
          void vscode.window.showErrorMessage(
            vscode.l10n.t(
              'The emulator refused this {0} ({1}); it was not stored. Type the key it was started with.',
              p.key.label,
              check.reason,
            ),
          );
          continue;
        }
      }
      await s.keys.set(p.id, 'emulator', key);
    }
    for (const p of targets) await updateSetting(providerSettings(p).apiBase.key, base);
    const names = listProviders({ conjunction: 'or' });
    s.log.info(`Using the local emulator at ${base}: purges go to it, nothing reaches ${names}.`);
    if (typeof arg !== 'string') {
      void vscode.window
        .showInformationMessage(
          vscode.l10n.t('Using the local emulator at {0}. Purges go to it; nothing reaches {1}.', base, names),
          switchBackLabel(),
        )
        .then((a) => (a ? switchBack(s) : undefined));
    }
    return base;
  };
}
