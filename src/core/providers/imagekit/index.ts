// ImageKit as a provider plugin: its capabilities, with its rules (./rules.ts) and wire adapter (./wire.ts).
// Wildcards: yes (so the planner may coalesce). Status API: yes (Pending, then Completed). Quota: 1000 purge requests
// a month per account. Key: the private key, Basic base64(key + ":").

import type { ProviderPlugin } from '../types';
import { keyCharProblem } from '../wire';
import { IMAGEKIT_ID, imagekitChecker } from './rules';
import {
  IMAGEKIT_API_BASE,
  IMAGEKIT_KEY_CHECK,
  IMAGEKIT_MONTHLY_LIMIT,
  IMAGEKIT_STATUS,
  IMAGEKIT_SUPPORT,
  IMAGEKIT_TRAFFIC,
  imagekitPurgeRequest,
  parseImagekitPurge,
} from './wire';

import { imagekitScope } from './scope';

export * from './rules';
export * from './scope';
export * from './wire';

/** The emulator's public test key for ImageKit (not a secret: documented, printed by `cdn-purge emulator`). */
export const DEFAULT_IMAGEKIT_TEST_KEY = 'private_emulator_test_key_imagekit';

export const imagekit: ProviderPlugin = {
  id: IMAGEKIT_ID,
  label: 'ImageKit',
  defaultApiBase: IMAGEKIT_API_BASE,
  key: {
    env: 'IMAGEKIT_PRIVATE_KEY',
    label: 'ImageKit private key',
    help: 'Private key, from ImageKit dashboard → Developer options',
    check: (key) =>
      key.startsWith('public_')
        ? 'This is the public key: the purge API needs the private key (it starts with "private_").'
        : keyCharProblem(key),
  },
  wildcards: true,
  status: IMAGEKIT_STATUS,
  monthlyQuota: IMAGEKIT_MONTHLY_LIMIT,
  requestIdLabel: 'requestId',
  support: IMAGEKIT_SUPPORT,
  traffic: IMAGEKIT_TRAFFIC,
  settings: {
    section: 'imagekit',
    endpointsKey: 'endpoints',
    endpointsLabel: 'URL endpoints',
    apiBaseKey: 'apiBase',
    options: [],
  },
  emulator: { testKey: DEFAULT_IMAGEKIT_TEST_KEY },
  checker: imagekitChecker,
  scope: imagekitScope,
  purgeRequest: imagekitPurgeRequest,
  parsePurge: parseImagekitPurge,
  keyCheck: IMAGEKIT_KEY_CHECK,
};
