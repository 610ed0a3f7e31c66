// Compatibility only: use providerById() / provider() from ./providers/registry.ts. Kept for importers in src/host
// and src/commands until they move; nothing in src/core, src/cli or src/emulator uses this file.
import { provider } from './providers/registry';
import type { ProviderId, ProviderPlugin } from './providers/types';

export function adapterFor(id: ProviderId): ProviderPlugin {
  return provider(id);
}
