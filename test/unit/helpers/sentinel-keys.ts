// The keys the unit tests use, in one list: `npm run test:unit` (scripts/run-unit.js) searches every file the unit
// run left and everything it printed for every form of each of them afterwards (README "Tests", key hygiene). A
// new test that needs a key takes one of these (or adds its own here), so a leak of it is looked for too.
import { DEFAULT_IMAGEKIT_TEST_KEY, DEFAULT_IMGIX_TEST_KEY } from '../../../src/emulator';
import { FAKE_KEY } from './fake-provider';
import { KEY_FORMS } from './key-forms';

/** Keys for tests to pass: they are scanned for after every unit run. */
export const SENTINEL = {
  imagekit: 'private_sentinel_imagekit_5f1c',
  imgix: 'ix_sentinel_imgix_8d2e',
} as const;

export const SENTINEL_KEYS: readonly string[] = [
  ...new Set([
    DEFAULT_IMAGEKIT_TEST_KEY,
    DEFAULT_IMGIX_TEST_KEY,
    FAKE_KEY,
    ...Object.keys(KEY_FORMS),
    ...Object.values(SENTINEL),
    // Keys written literally in tests (keep in step: grep test/unit for the key a new test passes).
    'private_test_key',
    'private_given_key_42',
    'private_proxy_test_key_5521',
    'ik_custom_secret_1234',
    'ix_custom_secret_5678',
    'private_test_key_123',
    'private_Lit3ral+Key/x=',
    'private_Zm9vYmFy+/secret=',
    'ix_TEST-key+/=Qz',
    'wrong_key_123',
    'other_key_1234567',
    'ix_ok-Key+/=',
    'ix_key+/=',
    'not_the_key',
  ]),
];
