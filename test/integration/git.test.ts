// "Purge Changed Files (git)": the files git reports as changed since a ref, mapped through cdn-purge.json.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PurgeOutcome } from '../../src/host/purgeService';
import { workspaceFolder } from './harness';
import { captureMessages, emulatorPurges, emulatorRequests, resetEmulator, useEmulator } from './helpers';

describe('Purging what git changed', function () {
  this.timeout(60_000);
  let root: string;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' });

  before(async () => {
    await useEmulator();
    root = workspaceFolder().uri.fsPath;
    if (!fs.existsSync(path.join(root, '.git'))) {
      git('init', '-q');
      git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'add', '-A');
      git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'base');
    }
  });

  beforeEach(async () => {
    await resetEmulator();
  });

  it('purges the mapped files changed since HEAD (cdn-purge.json maps images/** to ImageKit)', async () => {
    assert.ok(fs.existsSync(path.join(root, 'cdn-purge.json')), 'the sample workspace has a cdn-purge.json');
    fs.appendFileSync(path.join(root, 'images', 'hero.png'), Buffer.from([0]));
    fs.writeFileSync(path.join(root, 'images', 'new badge.png'), Buffer.from([137, 80, 78, 71]));
    fs.appendFileSync(path.join(root, 'index.html'), '\n<!-- not an image: not mapped -->\n');
    const outcome = await vscode.commands.executeCommand<PurgeOutcome>('cdnPurge.purgeChanged', 'HEAD');
    assert.ok(outcome, 'something was purged');
    const urls = outcome.results.map((r) => r.url).sort();
    assert.ok(urls.includes('https://ik.imagekit.io/demo/images/hero.png'), JSON.stringify(urls));
    assert.ok(
      urls.includes('https://ik.imagekit.io/demo/images/new%20badge.png'),
      `an untracked file counts too: ${JSON.stringify(urls)}`,
    );
    assert.ok(!urls.some((u) => u.includes('index.html')), 'unmapped files are left out');
    const wire = (await emulatorRequests('imagekit'))
      .filter((x) => x.method === 'POST')
      .map((x) => (x.body as { url: string }).url);
    assert.deepEqual(wire.sort(), urls);
    assert.ok(outcome.results.every((r) => r.status === 'accepted'));
  });

  it('says so when git reports nothing', async () => {
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'add', '-A');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'all in');
    const capture = captureMessages();
    let outcome: PurgeOutcome | undefined;
    try {
      outcome = await vscode.commands.executeCommand<PurgeOutcome | undefined>('cdnPurge.purgeChanged', 'HEAD');
    } finally {
      capture.restore();
    }
    assert.equal(outcome, undefined);
    assert.deepEqual(await emulatorPurges('imagekit'), []);
    assert.deepEqual(
      capture.messages.map((m) => [m.kind, m.message]),
      [['info', 'git reports no changed files since HEAD.']],
    );
  });
});
