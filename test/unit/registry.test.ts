// The provider registry: the built-ins in order, lookups, and registering a provider from outside src/ (what the
// "third provider" tests rely on), with its refusals.
import assert from 'node:assert/strict';
import { imagekit } from '../../src/core/providers/imagekit';
import { imgix } from '../../src/core/providers/imgix';
import {
  isProviderId,
  keyEnvs,
  listProviders,
  provider,
  providerById,
  providerIds,
  providers,
  registerProvider,
} from '../../src/core/providers/registry';
import { doneBy, type ProviderPlugin } from '../../src/core/providers/types';

function fake(id: string): ProviderPlugin {
  return { ...imgix, id, label: `Fake ${id}`, key: { ...imgix.key, env: `${id.toUpperCase()}_KEY` } };
}

describe('provider registry', () => {
  it('lists the built-ins, ImageKit first (the order hosts are matched in)', () => {
    assert.deepEqual(providerIds(), ['imagekit', 'imgix']);
    assert.equal(providers()[0], imagekit);
    assert.equal(providerById('imgix'), imgix);
    assert.equal(provider('imagekit'), imagekit);
    assert.equal(listProviders(), 'ImageKit and imgix');
    assert.equal(listProviders({ ids: true, conjunction: 'or' }), '"imagekit" or "imgix"');
    assert.deepEqual(keyEnvs(), ['IMAGEKIT_PRIVATE_KEY', 'IMGIX_API_KEY']);
  });

  it('unknown ids are not providers; provider() of one is a programming error that lists the known ones', () => {
    for (const id of ['cloudinary', 'ImageKit', '', 'imagekit ', undefined, 3, null])
      assert.equal(isProviderId(id), false, String(id));
    assert.throws(() => provider('cloudinary'), /No provider "cloudinary" is registered \(known: imagekit, imgix\)/);
  });

  it('capabilities: what differs between the built-ins is data', () => {
    assert.deepEqual(
      providers().map((p) => [p.id, p.wildcards, doneBy(p), p.monthlyQuota, p.requestIdLabel, p.key.env]),
      [
        ['imagekit', true, 'status', 1000, 'requestId', 'IMAGEKIT_PRIVATE_KEY'],
        ['imgix', false, 'verify', undefined, 'purge id', 'IMGIX_API_KEY'],
      ],
    );
    assert.equal(imagekit.key.check?.('public_abc'), imagekit.key.check?.('public_x'));
    assert.match(imagekit.key.check?.('public_abc') ?? '', /public key/);
    assert.equal(imagekit.key.check?.('private_abc'), undefined);
    // Both refuse a key that is not visible ASCII, naming the position (README "Security").
    assert.match(imgix.key.check?.('ix_k\u00e9y') ?? '', /not ASCII at position 5/);
    assert.match(imagekit.key.check?.('private_\u200bk') ?? '', /not ASCII at position 9/);
    assert.equal(imgix.key.check?.('ix_key+/='), undefined);
  });

  it('registerProvider adds one after the built-ins and returns its removal', () => {
    const remove = registerProvider(fake('fakecdn'));
    try {
      assert.deepEqual(providerIds(), ['imagekit', 'imgix', 'fakecdn']);
      assert.equal(isProviderId('fakecdn'), true);
      assert.deepEqual(keyEnvs(), ['IMAGEKIT_PRIVATE_KEY', 'IMGIX_API_KEY', 'FAKECDN_KEY']);
      assert.equal(listProviders(), 'ImageKit, imgix and Fake fakecdn');
    } finally {
      remove();
    }
    assert.deepEqual(providerIds(), ['imagekit', 'imgix']);
    remove(); // twice is harmless
    assert.deepEqual(providerIds(), ['imagekit', 'imgix']);
  });

  it('refuses a second provider with a taken id, and ids that cannot name settings or storage keys', () => {
    assert.throws(() => registerProvider(fake('imagekit')), /already registered/);
    for (const id of ['Fake', 'fake cdn', 'fake.cdn', '', '1cdn', 'x'.repeat(33)])
      assert.throws(() => registerProvider(fake(id)), /lower-case letters, digits/, id);
    assert.deepEqual(providerIds(), ['imagekit', 'imgix']);
  });
});
