// Files and folders → purge URLs (src/core/fileTargets.ts), the domain logic behind "Purge from CDN" and "Purge
// Changed Files": a folder is one wildcard only where its provider has wildcards and accepts that wildcard;
// otherwise its files are listed. Expected URLs are written out literally.
import assert from 'node:assert/strict';
import { FileTargetError, urlsForPaths, type FileTargetOptions } from '../../src/core/fileTargets';
import { PathMapper, type MappingRule } from '../../src/core/mapping';
import { imagekit } from '../../src/core/providers/imagekit';
import { imgix } from '../../src/core/providers/imgix';
import { classifierFrom } from '../../src/core/scanner';
import { parseUrl } from '../../src/core/url';

const RULES: MappingRule[] = [
  { glob: 'public/images/**', url: 'https://ik.imagekit.io/demo/images/', provider: 'imagekit' },
  { glob: 'public/x/**', url: 'https://ik.imagekit.io/demo/x/' },
  { glob: 'static/**', url: 'https://assets.imgix.net/static/', provider: 'imgix' },
];

function options(files: Record<string, string[]>, rules = RULES, maxFiles?: number): FileTargetOptions {
  const checkers = { imagekit: imagekit.checker({}), imgix: imgix.checker({}) };
  const classify = classifierFrom(checkers);
  return {
    mapper: new PathMapper(rules),
    providerOf: (url) => {
      const p = parseUrl(url);
      return p.ok ? classify(p.url.hostname) : undefined;
    },
    checker: (id) => checkers[id as keyof typeof checkers],
    listFiles: async (folder, limit) => (files[folder] ?? []).slice(0, limit),
    ...(maxFiles !== undefined ? { maxFiles } : {}),
  };
}

describe('fileTargets: workspace files and folders → purge URLs', () => {
  it('files map through the first matching rule; unmapped ones are reported', async () => {
    const r = await urlsForPaths(
      [
        { path: 'public/images/a b.png', folder: false },
        { path: 'static/logo.svg', folder: false },
        { path: 'README.md', folder: false },
      ],
      options({}),
    );
    assert.deepEqual(r.urls, [
      'https://ik.imagekit.io/demo/images/a%20b.png',
      'https://assets.imgix.net/static/logo.svg',
    ]);
    assert.deepEqual(r.unmapped, ['README.md']);
  });

  it('a folder of a provider with wildcards is one wildcard, and its files under it are not listed again', async () => {
    const r = await urlsForPaths(
      [{ path: 'public/images/products', folder: true }],
      options({ 'public/images/products': ['public/images/products/a.jpg', 'public/images/products/b.jpg'] }),
    );
    assert.deepEqual(r.urls, ['https://ik.imagekit.io/demo/images/products/*']);
    assert.deepEqual(r.unmapped, []);
  });

  it('a folder of a provider without wildcards (imgix) is purged file by file', async () => {
    const r = await urlsForPaths(
      [{ path: 'static/icons', folder: true }],
      options({ 'static/icons': ['static/icons/a.png', 'static/icons/b.png'] }),
    );
    assert.deepEqual(r.urls, [
      'https://assets.imgix.net/static/icons/a.png',
      'https://assets.imgix.net/static/icons/b.png',
    ]);
  });

  it('a wildcard the provider would refuse (too broad: one level, under 15 characters) is not used: files instead', async () => {
    const r = await urlsForPaths(
      [{ path: 'public/x', folder: true }],
      options({ 'public/x': ['public/x/1.jpg', 'public/x/2.jpg'] }),
    );
    // https://ik.imagekit.io/demo/x/* counts "x/": one level, 2 characters, no file name.
    assert.deepEqual(r.urls, ['https://ik.imagekit.io/demo/x/1.jpg', 'https://ik.imagekit.io/demo/x/2.jpg']);
  });

  it('a folder with more files than the limit sends nothing unless one wildcard covers them all', async () => {
    const many = Array.from({ length: 4 }, (_, i) => `static/big/${i}.png`);
    await assert.rejects(
      urlsForPaths([{ path: 'static/big', folder: true }], options({ 'static/big': many }, RULES, 3)),
      (e: unknown) =>
        e instanceof FileTargetError &&
        e.kind === 'too-many-files' &&
        e.detail.folder === 'static/big' &&
        e.detail.limit === 3 &&
        /static\/big has more than 3 files: .*nothing was sent/.test(e.message),
    );
    const covered = Array.from({ length: 4 }, (_, i) => `public/images/big/${i}.png`);
    const r = await urlsForPaths(
      [{ path: 'public/images/big', folder: true }],
      options({ 'public/images/big': covered }, RULES, 3),
    );
    assert.deepEqual(r.urls, ['https://ik.imagekit.io/demo/images/big/*']);
  });

  it('broken mapping rules are an error that carries them (each front end names where they are set)', async () => {
    await assert.rejects(
      urlsForPaths([{ path: 'a.png', folder: false }], options({}, [{ glob: '', url: 'https://x/' }])),
      (e: unknown) =>
        e instanceof FileTargetError &&
        e.kind === 'mappings' &&
        e.detail.problems?.length === 1 &&
        /^Mapping rules: mapping 1: "glob" is missing/.test(e.message) &&
        !/cdnPurge|--/.test(e.message),
    );
  });

  it('URLs are distinct, in order', async () => {
    const r = await urlsForPaths(
      [
        { path: 'static/a.png', folder: false },
        { path: 'static/a.png', folder: false },
        { path: 'static/b.png', folder: false },
      ],
      options({}),
    );
    assert.deepEqual(r.urls, ['https://assets.imgix.net/static/a.png', 'https://assets.imgix.net/static/b.png']);
  });
});
