// The providers, in one place: every list of providers iterates providers(), every "which provider?" asks
// providerById(). A new provider is a folder under src/core/providers/ and one entry on the BUILTIN line (or, from a
// test or an embedder, registerProvider()). README "Where things go" says what a provider folder holds.

import { imagekit } from './imagekit';
import { imgix } from './imgix';
import type { ProviderId, ProviderPlugin } from './types';

const BUILTIN: readonly ProviderPlugin[] = [imagekit, imgix];

const registered: ProviderPlugin[] = [...BUILTIN];

/** Every provider, built-ins first, in the order a URL's host is matched against them. */
export function providers(): readonly ProviderPlugin[] {
  return registered;
}

export function providerById(id: unknown): ProviderPlugin | undefined {
  return typeof id === 'string' ? registered.find((p) => p.id === id) : undefined;
}

export function isProviderId(s: unknown): s is ProviderId {
  return providerById(s) !== undefined;
}

/** The provider with this id; throws (a programming error) when there is none. */
export function provider(id: ProviderId): ProviderPlugin {
  const p = providerById(id);
  if (!p) throw new Error(`No provider "${id}" is registered (known: ${providerIds().join(', ')}).`);
  return p;
}

export function providerIds(): string[] {
  return registered.map((p) => p.id);
}

/**
 * Adds a provider (tests, embedders, future providers before they join BUILTIN). Its id must be new and a plain
 * token, because it names settings sections, storage keys and lanes. Returns a function that removes it again.
 */
export function registerProvider(plugin: ProviderPlugin): () => void {
  if (!/^[a-z][a-z0-9-]{0,31}$/.test(plugin.id))
    throw new Error(`A provider id is lower-case letters, digits and "-" (at most 32), not "${plugin.id}".`);
  if (providerById(plugin.id)) throw new Error(`A provider "${plugin.id}" is already registered.`);
  registered.push(plugin);
  return () => {
    const i = registered.indexOf(plugin);
    if (i >= 0 && !BUILTIN.includes(plugin)) registered.splice(i, 1);
  };
}

/** The key environment variables of every provider (the CLI reads keys from them and redacts them everywhere). */
export function keyEnvs(): string[] {
  return registered.map((p) => p.key.env);
}

/** "ImageKit and imgix" (labels), or with `ids`, "imagekit" or "imgix": the providers, for messages. */
export function listProviders(how: { ids?: boolean; conjunction?: 'and' | 'or' } = {}): string {
  const names = registered.map((p) => (how.ids ? `"${p.id}"` : p.label));
  const last = names.pop();
  return names.length ? `${names.join(', ')} ${how.conjunction ?? 'and'} ${last}` : (last ?? '');
}
