// The emulated provider APIs, as plugins: each one owns its paths, checks its own authentication, answers in its own
// shape, names its rate-limit buckets and says what GET /_emulator/info shows of it. The server dispatches through
// this registry and never asks which provider it is (README "Where things go": adding a provider to the emulator).

import type { EmulatedProvider } from './api';
import { ImageKitApi } from './imagekit';
import { ImgixApi } from './imgix';

export type { EmulatedApi, EmulatedProvider } from './api';

const BUILTIN: readonly EmulatedProvider[] = [ImageKitApi.provider, ImgixApi.provider];

const registered: EmulatedProvider[] = [...BUILTIN];

/** The emulated providers, in the order their paths are tried. */
export function emulatedProviders(): readonly EmulatedProvider[] {
  return registered;
}

/** Adds an emulated provider (tests, future providers); instances started afterwards serve it. Returns its removal. */
export function registerEmulatedProvider(p: EmulatedProvider): () => void {
  if (registered.some((x) => x.id === p.id)) throw new Error(`The emulator already emulates "${p.id}".`);
  registered.push(p);
  return () => {
    const i = registered.indexOf(p);
    if (i >= 0 && !BUILTIN.includes(p)) registered.splice(i, 1);
  };
}
