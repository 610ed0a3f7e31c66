import { imagekit } from './imagekit';
import { imgix } from './imgix';
import type { ProviderAdapter, ProviderId } from './provider';

export const adapters: Readonly<Record<ProviderId, ProviderAdapter>> = { imagekit, imgix };

export function adapterFor(id: ProviderId): ProviderAdapter {
  return adapters[id];
}
