// "CDN Purge: Use Local Emulator…": points both providers' API bases at a running `cdn-purge emulator` on
// loopback, and stores its test keys in the emulator's own secret slots (a real key is never sent to it). Run
// again to switch back to the real APIs.

import * as vscode from 'vscode';
import { checkApiBase } from '../core/url';
import type { SettingKey } from '../host/ids';
import { keyName } from '../host/secrets';
import type { Services } from '../host/services';
import { updateSetting } from '../host/settings';

export const DEFAULT_EMULATOR_URL = 'http://127.0.0.1:8787';

/** What GET /_emulator/info tells: the public test key of each provider, when the default one is in use. */
interface EmulatorInfo {
  emulator?: string;
  imagekit?: { testKey?: string };
  imgix?: { testKey?: string };
}

async function probe(s: Services, base: string): Promise<EmulatorInfo | undefined> {
  const client = await s.purge.http();
  try {
    const res = await client.send(
      { method: 'GET', url: `${base}/_emulator/info`, headers: { accept: 'application/json' } },
      { lane: 'emulator' },
    );
    if (res.status !== 200) return undefined;
    const info = JSON.parse(res.body) as EmulatorInfo;
    return info.emulator === 'cdn-purge' ? info : undefined;
  } catch {
    return undefined;
  }
}

const API_BASES = ['imagekit.apiBase', 'imgix.apiBase'] as const satisfies readonly SettingKey[];

async function switchBack(s: Services): Promise<void> {
  for (const k of API_BASES) await updateSetting(k, undefined);
  s.log.info('Switched back to the real ImageKit and imgix APIs.');
  void vscode.window.showInformationMessage('CDN Purge now talks to the real ImageKit and imgix APIs again.');
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
            label: `Keep using ${current}`,
            detail: 'Store its test keys again and check that it answers',
            value: current,
          },
          { label: 'Use another emulator URL…', value: '' },
          { label: 'Switch back to the real APIs', value: 'off' },
        ],
        { title: 'Local Emulator' },
      );
      if (!pick) return undefined;
      if (pick.value === 'off') {
        await switchBack(s);
        return undefined;
      }
      raw = pick.value || undefined;
    }
    raw ??= await vscode.window.showInputBox({
      title: 'Local Emulator URL',
      prompt: 'Start one with `npx cdn-purge emulator --port 8787` (npm start does it for you)',
      value: process.env.CDN_PURGE_EMULATOR_URL || current || DEFAULT_EMULATOR_URL,
      validateInput: (v) => {
        const r = checkApiBase(v.trim());
        if (!r.ok) return r.problem.message;
        return r.api.loopback ? undefined : 'The emulator runs on this machine: use http://127.0.0.1:PORT.';
      },
    });
    if (!raw) return undefined;
    const api = checkApiBase(raw.trim());
    if (!api.ok || !api.api.loopback) {
      void vscode.window.showErrorMessage(
        `${raw} is not a loopback URL: the emulator runs on this machine (http://127.0.0.1:PORT).`,
      );
      return undefined;
    }
    const base = api.api.base;
    const info = await probe(s, base);
    if (!info) {
      void vscode.window.showErrorMessage(
        `No CDN Purge emulator answers at ${base}. Start it with \`npx cdn-purge emulator --port ${new URL(base).port || 80}\`, or run \`npm start\`.`,
      );
      return undefined;
    }
    for (const provider of ['imagekit', 'imgix'] as const) {
      let key = info[provider]?.testKey;
      if (!key) {
        key = await vscode.window.showInputBox({
          title: `Emulator's ${keyName(provider)}`,
          prompt: 'This emulator was started with a custom key: type it.',
          password: true,
          ignoreFocusOut: true,
        });
        if (!key) continue;
      }
      await s.keys.set(provider, 'emulator', key);
    }
    for (const k of API_BASES) await updateSetting(k, base);
    s.log.info(`Using the local emulator at ${base}: purges go to it, nothing reaches ImageKit or imgix.`);
    if (typeof arg !== 'string') {
      void vscode.window
        .showInformationMessage(
          `Using the local emulator at ${base}. Purges go to it; nothing reaches ImageKit or imgix.`,
          'Switch Back',
        )
        .then((a) => a && switchBack(s));
    }
    return base;
  };
}
