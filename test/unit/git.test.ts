// changedFiles on throw-away repositories: the working tree (staged, unstaged, untracked, deleted), since a ref,
// a repository without commits, unknown refs, file names git would quote.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { changedFiles, gitRefProblem, repoRoot } from '../../src/core/git';
import { commitAll, git, initRepo, write } from './helpers/git';
import { tmpDir } from './helpers/tmp';

describe('git: changedFiles', function () {
  this.timeout(30_000);
  let root: string;
  let first: string;

  beforeEach(() => {
    root = fs.realpathSync(tmpDir('cdn-purge-git-'));
    initRepo(root);
    for (const f of [
      'public/images/keep.png',
      'public/images/edit.png',
      'public/images/gone.png',
      'public/images/staged.png',
      'README.md',
    ])
      write(root, f);
    write(root, '.gitignore', 'ignored/\n');
    first = commitAll(root, 'first');
  });

  it('a clean working tree has no changes', async () => {
    assert.deepEqual(await changedFiles(root), []);
  });

  it('working tree: modified, staged, untracked and deleted files, sorted; ignored files are not', async () => {
    write(root, 'public/images/edit.png', 'changed');
    write(root, 'public/images/staged.png', 'changed and staged');
    git(root, 'add', 'public/images/staged.png');
    write(root, 'public/images/new file ü.png', 'untracked');
    fs.rmSync(path.join(root, 'public/images/gone.png'));
    write(root, 'ignored/x.png', 'ignored');
    assert.deepEqual(await changedFiles(root), [
      'public/images/edit.png',
      'public/images/gone.png',
      'public/images/new file ü.png',
      'public/images/staged.png',
    ]);
  });

  it('since a ref: what changed in later commits plus the working tree', async () => {
    write(root, 'public/images/edit.png', 'v2');
    fs.rmSync(path.join(root, 'public/images/gone.png'));
    const second = commitAll(root, 'second');
    write(root, 'public/images/untracked.png', 'u');
    assert.deepEqual(await changedFiles(root, first), [
      'public/images/edit.png',
      'public/images/gone.png',
      'public/images/untracked.png',
    ]);
    assert.deepEqual(await changedFiles(root, second), ['public/images/untracked.png']);
    assert.deepEqual(await changedFiles(root, 'HEAD~1'), [
      'public/images/edit.png',
      'public/images/gone.png',
      'public/images/untracked.png',
    ]);
    git(root, 'tag', 'v1', first);
    assert.deepEqual(await changedFiles(root, 'v1'), [
      'public/images/edit.png',
      'public/images/gone.png',
      'public/images/untracked.png',
    ]);
  });

  it('a renamed file counts as the old path deleted and the new one added', async () => {
    git(root, 'mv', 'public/images/keep.png', 'public/images/moved.png');
    assert.deepEqual(await changedFiles(root), ['public/images/keep.png', 'public/images/moved.png']);
  });

  it('an unknown ref is an error that says what to do (fetch it; shallow CI checkouts)', async () => {
    await assert.rejects(
      changedFiles(root, 'no-such-branch'),
      /git does not know the ref "no-such-branch".*fetch-depth 0/,
    );
  });

  it('a ref that looks like an option, or is empty, is refused before git runs', async () => {
    await assert.rejects(changedFiles(root, '--output=/tmp/x'), /is not a git ref/);
    await assert.rejects(changedFiles(root, ' '), /is not a git ref/);
  });

  it('a URL, with or without its scheme, is refused as a ref before git runs, saying it looks like a URL', async () => {
    for (const ref of [
      'ik.imagekit.io/demo/a.jpg',
      'assets.imgix.net/dogs.png',
      '//ik.imagekit.io/demo/a.jpg',
      'https://ik.imagekit.io/demo/a.jpg',
    ]) {
      await assert.rejects(
        changedFiles(root, ref),
        /is not a git ref: it looks like a URL\. Give a branch, tag or commit/,
        ref,
      );
    }
  });

  it('refs are checked by git check-ref-format rules, with ~N and ^N allowed after them', async () => {
    git(root, 'tag', 'v1.2');
    assert.deepEqual(await changedFiles(root, `${first}`), []);
    assert.deepEqual(await changedFiles(root, 'v1.2'), []);
    const good = [
      'main',
      'origin/main',
      'v1.2',
      'release/2024.06',
      'HEAD~1',
      'HEAD^',
      'main~2^1',
      '@',
      'feature/x-y_z',
      first,
    ];
    for (const ref of good) assert.equal(gitRefProblem(ref), undefined, ref);
    const bad: Array<[string, RegExp]> = [
      ['', /empty/],
      ['-x', /starts with "-"/],
      ['a..b', /"\.\."/],
      ['a b', /a space/],
      ['a:b', /one of/],
      ['a?', /one of/],
      ['a*', /one of/],
      ['a[b', /one of/],
      ['a\\b', /one of/],
      ['a\u0001', /control/],
      ['a@{1}', /"@\{"/],
      ['/a', /"\/"/],
      ['a/', /"\/"/],
      ['a//b', /"\/\/"/],
      ['a.', /ends with "\."/],
      ['a/.b', /starts with "\."/],
      ['a.lock', /"\.lock"/],
      ['~1', /no name/],
      ['x'.repeat(1025), /longer than 1,024/],
    ];
    for (const [ref, why] of bad) {
      assert.match(gitRefProblem(ref) ?? '(accepted)', why, JSON.stringify(ref));
      await assert.rejects(changedFiles(root, ref), /is not a git ref/, JSON.stringify(ref));
    }
  });

  it('repoRoot finds the top from a subfolder; outside a repository it says so (naming no CLI flag)', async () => {
    assert.equal(await repoRoot(path.join(root, 'public/images')), root);
    const outside = fs.realpathSync(tmpDir('cdn-purge-nogit-'));
    await assert.rejects(
      repoRoot(outside),
      (e: Error) =>
        /is not inside a git repository: run it from your repository/.test(e.message) && !/--/.test(e.message),
    );
  });
});

describe('git: a repository without commits', function () {
  this.timeout(30_000);
  it('lists every file, staged or untracked', async () => {
    const root = fs.realpathSync(tmpDir('cdn-purge-git-'));
    initRepo(root);
    write(root, 'a.png');
    write(root, 'dir/b.png');
    git(root, 'add', 'a.png');
    assert.deepEqual(await changedFiles(root), ['a.png', 'dir/b.png']);
  });
});
