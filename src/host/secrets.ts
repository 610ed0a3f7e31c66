// API keys live only in VS Code's SecretStorage. A real key and an emulator test key are kept apart: the key
// used for a loopback API base (the local emulator) is a separate secret, so a real key is never sent to the
// emulator and a test key never to the real API.

import * as vscode from 'vscode';
import type { KeySlot } from '../core/emulator';
import { isProviderId, providerById } from '../core/providers/registry';
import type { ProviderId } from '../core/providers/types';

export type { KeySlot };

/** The key's name in messages ("ImageKit private key"), from the provider's plugin. */
export function keyName(provider: ProviderId): string {
  return providerById(provider)?.key.label ?? `${provider} API key`;
}

const SECRET_ID = /^cdnPurge\.key\.([a-z][a-z0-9-]*)(\.emulator)?$/;

export class KeyStore implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<ProviderId>();
  readonly onDidChange = this.emitter.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.subscription = secrets.onDidChange((e) => {
      const m = SECRET_ID.exec(e.key);
      if (m && isProviderId(m[1])) this.emitter.fire(m[1]);
    });
  }

  private id(provider: ProviderId, slot: KeySlot): string {
    return `cdnPurge.key.${provider}${slot === 'emulator' ? '.emulator' : ''}`;
  }

  async get(provider: ProviderId, slot: KeySlot): Promise<string | undefined> {
    const v = await this.secrets.get(this.id(provider, slot));
    return v ? v : undefined;
  }

  async has(provider: ProviderId, slot: KeySlot): Promise<boolean> {
    return (await this.get(provider, slot)) !== undefined;
  }

  async set(provider: ProviderId, slot: KeySlot, key: string): Promise<void> {
    await this.secrets.store(this.id(provider, slot), key);
  }

  async delete(provider: ProviderId, slot: KeySlot): Promise<void> {
    await this.secrets.delete(this.id(provider, slot));
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}

/** Checks a key typed by the user; returns a message for the input box, or undefined when it is fine. */
export function validateKeyInput(provider: ProviderId, value: string): string | undefined {
  const v = value.trim();
  if (v === '') return `Paste the ${keyName(provider)}.`;
  if (/\s/.test(v)) return 'A key has no spaces or line breaks.';
  return providerById(provider)?.key.check?.(v);
}
