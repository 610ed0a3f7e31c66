// The forms a key may travel in, written out literally for every key the leak tests use (not computed by the
// redaction code they test, nor by any encoder at test time): the key, base64 of "key:" (Basic auth) with and
// without padding, of "key:do_not_set" (the ImageKit SDK's Basic), base64url, the URL-encoded key and the
// URL-encoded Basic token, and base64 of the key alone. Generated once by hand from Node's Buffer and checked in.

export const KEY_FORMS: Readonly<Record<string, readonly string[]>> = {
  'ik_SeCrEt-7f3a9/Key+Zz=': [
    'ik_SeCrEt-7f3a9/Key+Zz=',
    'aWtfU2VDckV0LTdmM2E5L0tleStaej06',
    'aWtfU2VDckV0LTdmM2E5L0tleStaej06ZG9fbm90X3NldA==',
    'ik_SeCrEt-7f3a9%2FKey%2BZz%3D',
    'aWtfU2VDckV0LTdmM2E5L0tleStaej0',
  ],
  'ix_SeCrEt-9c1b2_Tok+Qq=': [
    'ix_SeCrEt-9c1b2_Tok+Qq=',
    'aXhfU2VDckV0LTljMWIyX1RvaytRcT06',
    'aXhfU2VDckV0LTljMWIyX1RvaytRcT06ZG9fbm90X3NldA==',
    'ix_SeCrEt-9c1b2_Tok%2BQq%3D',
    'aXhfU2VDckV0LTljMWIyX1RvaytRcT0',
  ],
  'ik_SeCrEt-7f3a9/Key+Zz=x': [
    'ik_SeCrEt-7f3a9/Key+Zz=x',
    'aWtfU2VDckV0LTdmM2E5L0tleStaej14Og==',
    'aWtfU2VDckV0LTdmM2E5L0tleStaej14Og',
    'aWtfU2VDckV0LTdmM2E5L0tleStaej14OmRvX25vdF9zZXQ=',
    'ik_SeCrEt-7f3a9%2FKey%2BZz%3Dx',
    'aWtfU2VDckV0LTdmM2E5L0tleStaej14Og%3D%3D',
    'aWtfU2VDckV0LTdmM2E5L0tleStaej14',
  ],
  private_custom_ik_key_7781: [
    'private_custom_ik_key_7781',
    'cHJpdmF0ZV9jdXN0b21faWtfa2V5Xzc3ODE6',
    'cHJpdmF0ZV9jdXN0b21faWtfa2V5Xzc3ODE6ZG9fbm90X3NldA==',
    'cHJpdmF0ZV9jdXN0b21faWtfa2V5Xzc3ODE',
  ],
  custom_imgix_key_5521: [
    'custom_imgix_key_5521',
    'Y3VzdG9tX2ltZ2l4X2tleV81NTIxOg==',
    'Y3VzdG9tX2ltZ2l4X2tleV81NTIxOg',
    'Y3VzdG9tX2ltZ2l4X2tleV81NTIxOmRvX25vdF9zZXQ=',
    'Y3VzdG9tX2ltZ2l4X2tleV81NTIxOg%3D%3D',
    'Y3VzdG9tX2ltZ2l4X2tleV81NTIx',
  ],
  wrong_private_key_9931: [
    'wrong_private_key_9931',
    'd3JvbmdfcHJpdmF0ZV9rZXlfOTkzMTo=',
    'd3JvbmdfcHJpdmF0ZV9rZXlfOTkzMTo',
    'd3JvbmdfcHJpdmF0ZV9rZXlfOTkzMTpkb19ub3Rfc2V0',
    'd3JvbmdfcHJpdmF0ZV9rZXlfOTkzMTo%3D',
    'd3JvbmdfcHJpdmF0ZV9rZXlfOTkzMQ',
  ],
  pw_secret_x: ['pw_secret_x', 'cHdfc2VjcmV0X3g6', 'cHdfc2VjcmV0X3g6ZG9fbm90X3NldA==', 'cHdfc2VjcmV0X3g'],
  private_emulator_test_key_imagekit: [
    'private_emulator_test_key_imagekit',
    'cHJpdmF0ZV9lbXVsYXRvcl90ZXN0X2tleV9pbWFnZWtpdDo=',
    'cHJpdmF0ZV9lbXVsYXRvcl90ZXN0X2tleV9pbWFnZWtpdDo',
    'cHJpdmF0ZV9lbXVsYXRvcl90ZXN0X2tleV9pbWFnZWtpdDpkb19ub3Rfc2V0',
    'cHJpdmF0ZV9lbXVsYXRvcl90ZXN0X2tleV9pbWFnZWtpdDo%3D',
    'cHJpdmF0ZV9lbXVsYXRvcl90ZXN0X2tleV9pbWFnZWtpdA',
  ],
  emulator_test_key_imgix: [
    'emulator_test_key_imgix',
    'ZW11bGF0b3JfdGVzdF9rZXlfaW1naXg6',
    'ZW11bGF0b3JfdGVzdF9rZXlfaW1naXg6ZG9fbm90X3NldA==',
    'ZW11bGF0b3JfdGVzdF9rZXlfaW1naXg',
  ],
  private_wrong_key_4412: [
    'private_wrong_key_4412',
    'cHJpdmF0ZV93cm9uZ19rZXlfNDQxMjo=',
    'cHJpdmF0ZV93cm9uZ19rZXlfNDQxMjo',
    'cHJpdmF0ZV93cm9uZ19rZXlfNDQxMjpkb19ub3Rfc2V0',
    'cHJpdmF0ZV93cm9uZ19rZXlfNDQxMjo%3D',
    'cHJpdmF0ZV93cm9uZ19rZXlfNDQxMg',
  ],
  custom_emulator_key_8841: [
    'custom_emulator_key_8841',
    'Y3VzdG9tX2VtdWxhdG9yX2tleV84ODQxOg==',
    'Y3VzdG9tX2VtdWxhdG9yX2tleV84ODQxOg',
    'Y3VzdG9tX2VtdWxhdG9yX2tleV84ODQxOmRvX25vdF9zZXQ=',
    'Y3VzdG9tX2VtdWxhdG9yX2tleV84ODQxOg%3D%3D',
    'Y3VzdG9tX2VtdWxhdG9yX2tleV84ODQx',
  ],
  custom_imgix_flag_key_3390: [
    'custom_imgix_flag_key_3390',
    'Y3VzdG9tX2ltZ2l4X2ZsYWdfa2V5XzMzOTA6',
    'Y3VzdG9tX2ltZ2l4X2ZsYWdfa2V5XzMzOTA6ZG9fbm90X3NldA==',
    'Y3VzdG9tX2ltZ2l4X2ZsYWdfa2V5XzMzOTA',
  ],
};

/** The Basic token of the wrong key with a password ("wrong_private_key_9931:pw_secret_x"), as a client sends it. */
export const WRONG_WITH_PASSWORD_BASIC = 'd3JvbmdfcHJpdmF0ZV9rZXlfOTkzMTpwd19zZWNyZXRfeA==';

/** The literal forms of a key; a key missing from the table is a mistake in the test. */
export function formsOf(key: string): readonly string[] {
  const forms = KEY_FORMS[key];
  if (!forms) throw new Error(`no literal key forms for "${key.slice(0, 6)}..." in test/unit/helpers/key-forms.ts`);
  return forms;
}
