// The emulator of the providers' purge APIs (ImageKit, imgix; others through registerEmulatedProvider) and their CDN:
// `cdn-purge emulator`, and startEmulator() for tests. See README "Try it without an account" and "Emulator
// reference".
export { startEmulator, type Emulator, type EmulatorInfo, type KeyInfo, type KeyKind } from './server';
export {
  DEFAULT_IMAGEKIT_TEST_KEY,
  DEFAULT_IMGIX_TEST_KEY,
  DEFAULT_HOST,
  DEFAULT_STATUS_DELAY_MS,
  DEFAULT_QUOTA,
  DEFAULT_IMGIX_DUPLICATE_WINDOW_MS,
  DEFAULT_IMGIX_PURGE_DELAY_MS,
  EmulatorOptionError,
  isLoopbackBindHost,
  type EmulatorOptions,
} from './options';
export { ManualClock, systemClock, type Clock } from './clock';
export { emulatedProviders, registerEmulatedProvider, type EmulatedApi, type EmulatedProvider } from './apis';
export { emulatorAssetUrl, cdnUrlFromEmulatorPath, normalizeAssetUrl, CDN_PREFIX } from '../core/emulatorCdn';
export { IMAGEKIT_PURGE_PATH } from './imagekit';
export { IMGIX_PURGE_PATH } from './imgix';
export { CONTROL_ENDPOINTS } from './control';
export { FAULT_KINDS, type FaultSpec, type FaultKind } from './faults';
export type { LogEntry } from './log';
