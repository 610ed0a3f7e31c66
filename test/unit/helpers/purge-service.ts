// What the unit tests of the extension's PurgeService give it in place of the host's parts: a log that keeps
// nothing, and the emulator's test keys in place of SecretStorage.
import { DEFAULT_IMAGEKIT_TEST_KEY, DEFAULT_IMGIX_TEST_KEY } from '../../../src/emulator';

/** PurgeLog's methods, each doing nothing (pass it `as never`). */
export const silentLog = {
  info: () => {},
  warn: () => {},
  error: () => {},
  result: () => {},
  http: () => {},
  rememberKey: () => {},
  show: () => {},
};

/** A KeyStore that has the emulator's test key of each provider (pass it `as never`). */
export const emulatorKeys = {
  get: async (p: string) => (p === 'imagekit' ? DEFAULT_IMAGEKIT_TEST_KEY : DEFAULT_IMGIX_TEST_KEY),
};
