// The inventory file (src/core/inventory.ts): its lines, its limits, paths mapped through the mappings.
import assert from 'node:assert/strict';
import { workingTreeFiles } from '../../src/core/git';
import { inventoryFromFiles, inventoryUrls, isInventoryUrl, parseInventory } from '../../src/core/inventory';
import { MAX_LINE_LENGTH } from '../../src/core/limits';
import { PathMapper } from '../../src/core/mapping';
import { commitAll, initRepo, write } from './helpers/git';
import { tmpDir } from './helpers/tmp';

describe('inventory: the file', () => {
  it('one entry a line, trimmed; blank lines and # comments skipped; CRLF and a byte order mark read', () => {
    const text =
      '\ufeff# assets\r\nhttps://ik.imagekit.io/demo/a.jpg\r\n\r\n  public/images/b c.png  \n//ik.imagekit.io/demo/c.jpg\nlast/no-newline.jpg';
    assert.deepEqual(parseInventory(text), [
      { line: 2, kind: 'url', value: 'https://ik.imagekit.io/demo/a.jpg' },
      { line: 4, kind: 'path', value: 'public/images/b c.png' },
      { line: 5, kind: 'url', value: '//ik.imagekit.io/demo/c.jpg' },
      { line: 6, kind: 'path', value: 'last/no-newline.jpg' },
    ]);
    assert.deepEqual(parseInventory(''), []);
    assert.deepEqual(parseInventory('\n\n# only comments\n'), []);
  });

  it('a URL starts with http://, https:// or //; a host-first word is a path (public.images/a.jpg)', () => {
    assert.equal(isInventoryUrl('HTTPS://ik.imagekit.io/demo/a.jpg'), true);
    assert.equal(isInventoryUrl('//ik.imagekit.io/demo/a.jpg'), true);
    assert.equal(isInventoryUrl('public.images/a.jpg'), false);
    assert.equal(isInventoryUrl('ik.imagekit.io/demo/a.jpg'), false);
  });

  it('a line over the line limit is refused with its number and the limit named', () => {
    const text = `a.jpg\n${'x'.repeat(MAX_LINE_LENGTH + 5)}\n`;
    assert.throws(
      () => parseInventory(text, 'inv.txt'),
      /inv\.txt: line 2 is longer than 16,384 characters \(limit: inventory line length\)/,
    );
  });
});

describe('inventory: paths through the mappings', () => {
  const mapper = new PathMapper([
    { glob: 'public/images/**', url: 'https://ik.imagekit.io/demo/images/', provider: 'imagekit' },
    { glob: 'static/**', url: 'https://assets.imgix.net/{relative}', provider: 'imgix' },
  ]);

  it('maps paths as --from-git does; URLs pass as they are; unmapped paths are returned, not counted', () => {
    const r = inventoryUrls(
      parseInventory('public/images/a b.png\nstatic/x.png\nREADME.md\nhttps://ik.imagekit.io/demo/other.jpg\n'),
      mapper,
      'imagekit',
    );
    assert.deepEqual(r.urls, ['https://ik.imagekit.io/demo/images/a%20b.png', 'https://ik.imagekit.io/demo/other.jpg']);
    assert.deepEqual(
      r.unmapped.map((u) => [u.line, u.value]),
      [
        [2, 'static/x.png'],
        [3, 'README.md'],
      ],
    );
  });

  it('inventoryFromFiles: the files the mappings cover, for --from-git and the extension', () => {
    const r = inventoryFromFiles(['public/images/a.jpg', 'public/images/sub/b.jpg', 'src/app.ts'], mapper, 'imagekit');
    assert.deepEqual(r, {
      urls: ['https://ik.imagekit.io/demo/images/a.jpg', 'https://ik.imagekit.io/demo/images/sub/b.jpg'],
      unmapped: 1,
    });
  });
});

describe('inventory: the working tree (git)', () => {
  it('lists tracked and untracked files, not ignored ones, sorted, relative to the root', async () => {
    const root = tmpDir('cdn-purge-inv-git-');
    initRepo(root);
    write(root, '.gitignore', 'build/\n');
    write(root, 'public/images/a.jpg');
    write(root, 'public/images/sub/b c.jpg');
    commitAll(root, 'one');
    write(root, 'public/images/new.jpg');
    write(root, 'build/out.jpg');
    assert.deepEqual(await workingTreeFiles(root), [
      '.gitignore',
      'public/images/a.jpg',
      'public/images/new.jpg',
      'public/images/sub/b c.jpg',
    ]);
  });
});
