// imgix as a provider plugin: its capabilities, with its rules (./rules.ts) and wire adapter (./wire.ts).
// Wildcards: no. Status API: none ("a 200 does not mean done: verify"). Quota: none documented. Key: an API key with
// the Purge permission, sent as a Bearer token. Options: the Source id and sub-image purges.

import type { ProviderPlugin } from '../types';
import { keyCharProblem } from '../wire';
import { IMGIX_ID, imgixChecker } from './rules';
import {
  IMGIX_API_BASE,
  IMGIX_KEY_CHECK,
  IMGIX_PURGE_RATE,
  IMGIX_SUPPORT,
  IMGIX_TRAFFIC,
  imgixPurgeRequest,
  parseImgixPurge,
} from './wire';

import { imgixScope } from './scope';

export * from './rules';
export * from './scope';
export * from './wire';

/** The emulator's public test key for imgix (not a secret: documented, printed by `cdn-purge emulator`). */
export const DEFAULT_IMGIX_TEST_KEY = 'emulator_test_key_imgix';

export const imgix: ProviderPlugin = {
  id: IMGIX_ID,
  label: 'imgix',
  defaultApiBase: IMGIX_API_BASE,
  key: {
    env: 'IMGIX_API_KEY',
    label: 'imgix API key',
    help: 'API key with the Purge permission, from the imgix dashboard → API Keys',
    check: keyCharProblem,
  },
  wildcards: false,
  monthlyQuota: undefined,
  requestIdLabel: 'purge id',
  support: IMGIX_SUPPORT,
  traffic: IMGIX_TRAFFIC,
  settings: {
    section: 'imgix',
    endpointsKey: 'domains',
    endpointsLabel: 'Source domains',
    apiBaseKey: 'apiBase',
    rateLimit: { key: 'rateLimit', default: IMGIX_PURGE_RATE },
    options: [
      { name: 'sourceId', type: 'string', flag: 'source-id', description: 'the Source id, sent as source_id' },
      { name: 'subImage', type: 'boolean', flag: 'sub-image', description: 'purge as a sub-image (mark or blend)' },
    ],
  },
  emulator: { testKey: DEFAULT_IMGIX_TEST_KEY },
  checker: imgixChecker,
  scope: imgixScope,
  purgeRequest: imgixPurgeRequest,
  parsePurge: parseImgixPurge,
  keyCheck: IMGIX_KEY_CHECK,
};
