// API keys live only in VS Code's SecretStorage. A real key and an emulator test key are kept apart: the key
// used for a loopback API base (the local emulator) is a separate secret, so a real key is never sent to the
// emulator and a test key never to the real API.

import * as vscode from 'vscode';
import type { ProviderId } from '../core/provider';

export type KeySlot = 'real' | 'emulator';

const NAMES: Record<ProviderId, string> = { imagekit: 'ImageKit private key', imgix: 'imgix API key' };

export function keyName(provider: ProviderId): string {
  return NAMES[provider];
}

export class KeyStore implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<ProviderId>();
  readonly onDidChange = this.emitter.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.subscription = secrets.onDidChange((e) => {
      const m = /^cdnPurge\.key\.(imagekit|imgix)(\.emulator)?$/.exec(e.key);
      if (m) this.emitter.fire(m[1] as ProviderId);
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
  if (provider === 'imagekit' && v.startsWith('public_'))
    return 'This is the public key: the purge API needs the private key (it starts with "private_").';
  return undefined;
}
