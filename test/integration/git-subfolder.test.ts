// Purge Changed Files (git) when the workspace folder is a subfolder of the repository (as `npm start` opens
// sample/): git's paths are repository-relative. And in Restricted Mode no git runs at all. This file sorts before
// git.test.ts, so the workspace has no repository of its own yet (the git extension has none open for it).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PurgeOutcome } from '../../src/host/purgeService';
import { workspaceFolder } from './harness';
import { captureMessages, emulatorPurges, resetEmulator, useEmulator } from './helpers';

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd, encoding: 'utf8' });

/** Runs `fn` with the workspace reported as untrusted (Restricted Mode) to the extension. */
async function untrusted<T>(fn: () => Promise<T>): Promise<T> {
  const ws = vscode.workspace as unknown as Record<string, unknown>;
  const own = Object.getOwnPropertyDescriptor(ws, 'isTrusted');
  Object.defineProperty(ws, 'isTrusted', { get: () => false, configurable: true });
  try {
    assert.equal(vscode.workspace.isTrusted, false, 'the stand-in for Restricted Mode took');
    return await fn();
  } finally {
    if (own) Object.defineProperty(ws, 'isTrusted', own);
    else delete ws.isTrusted;
  }
}

describe('Purge Changed Files when the workspace folder is a subfolder of the repository', function () {
  this.timeout(60_000);
  let repo: string;
  let aside: string | undefined;

  before(async () => {
    await useEmulator();
    const root = workspaceFolder().uri.fsPath;
    // The repository is the folder above the workspace (as `npm start` opens sample/ of this project); a
    // repository of the workspace's own, if an earlier suite made one, is put aside meanwhile.
    if (fs.existsSync(path.join(root, '.git'))) {
      aside = path.join(root, '..', `.git-aside-${process.pid}`);
      fs.renameSync(path.join(root, '.git'), aside);
    }
    repo = path.dirname(root);
    assert.ok(!fs.existsSync(path.join(repo, '.git')), `${repo} is not a repository yet`);
    fs.writeFileSync(path.join(repo, '.gitignore'), `/*\n!/.gitignore\n!/${path.basename(root)}/\n`);
    git(repo, 'init', '-q');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'base');
  });

  after(() => {
    fs.rmSync(path.join(repo, '.git'), { recursive: true, force: true });
    fs.rmSync(path.join(repo, '.gitignore'), { force: true });
    if (aside) fs.renameSync(aside, path.join(workspaceFolder().uri.fsPath, '.git'));
  });

  it('purges the modified tracked file (repository-relative paths), counting only files in the workspace', async () => {
    await resetEmulator();
    const root = workspaceFolder().uri.fsPath;
    fs.appendFileSync(path.join(root, 'images', 'logo.png'), Buffer.from([0]));
    fs.writeFileSync(path.join(repo, 'outside.txt'), 'a change outside the workspace folder');
    git(repo, 'add', '-f', 'outside.txt');
    const outcome = await vscode.commands.executeCommand<PurgeOutcome>('cdnPurge.purgeChanged', 'HEAD');
    assert.ok(outcome, 'something was purged');
    assert.deepEqual(
      outcome.results.map((r) => r.url),
      ['https://ik.imagekit.io/demo/images/logo.png'],
    );
    assert.equal(outcome.results[0].status, 'accepted');
  });

  it('in Restricted Mode runs no git at all (a hook in .git/config would run) and sends nothing', async () => {
    await resetEmulator();
    const marker = path.join(repo, `fsmonitor-ran-${process.pid}`);
    const hook = path.join(repo, `fsmonitor-${process.pid}.sh`);
    fs.writeFileSync(hook, `#!/bin/sh\ntouch '${marker}'\nexit 1\n`, { mode: 0o755 });
    git(repo, 'config', 'core.fsmonitor', hook);
    try {
      // The hook works: git runs it.
      git(repo, 'diff', '--name-only', 'HEAD');
      assert.ok(fs.existsSync(marker), 'git runs the fsmonitor hook');
      fs.rmSync(marker);
      const capture = captureMessages();
      let outcome: PurgeOutcome | undefined;
      try {
        outcome = await untrusted(() =>
          Promise.resolve(vscode.commands.executeCommand<PurgeOutcome | undefined>('cdnPurge.purgeChanged', 'HEAD')),
        );
      } finally {
        capture.restore();
      }
      assert.equal(outcome, undefined);
      assert.ok(!fs.existsSync(marker), 'git did not run');
      assert.deepEqual(await emulatorPurges('imagekit'), []);
      assert.match(capture.messages[0]?.message ?? '', /Restricted Mode/);
      assert.deepEqual(capture.messages[0]?.items, ['Manage Workspace Trust']);
    } finally {
      git(repo, 'config', '--unset', 'core.fsmonitor');
      fs.rmSync(hook, { force: true });
      fs.rmSync(marker, { force: true });
    }
  });
});
