// A selection over ImageKit and imgix at once (issue 12, item 5): one question for both providers (their counts and
// URLs in one dialog, not a dialog per provider), and "Purge the Valid Ones" names which were refused and why. The
// test answers the dialog through the `vscode` API the extension calls (see confirm.test.ts for why).
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { PurgeOutcome } from '../../src/host/purgeService';
import { workspaceFolder } from './harness';
import { captureMessages, confirmingOnEmulator, emulatorPurges } from './helpers';

async function posted(provider: string): Promise<number> {
  return (await emulatorPurges(provider)).length;
}

describe('A mixed ImageKit + imgix selection asks once', function () {
  this.timeout(60_000);

  confirmingOnEmulator();

  it('Explorer "Purge from CDN" over files of both: one dialog naming both providers and counts', async () => {
    const root = workspaceFolder().uri;
    const files = ['images/hero.png', 'images/logo.png', 'downloads/brochure-cover.png'].map((f) =>
      vscode.Uri.joinPath(root, f),
    );
    const capture = captureMessages((m) => (m.modal ? 'Purge' : undefined));
    let out: PurgeOutcome | undefined;
    try {
      out = await vscode.commands.executeCommand<PurgeOutcome | undefined>('cdnPurge.purgeFiles', files[0], files);
    } finally {
      capture.restore();
    }
    const dialogs = capture.messages.filter((m) => m.modal);
    assert.equal(dialogs.length, 1, JSON.stringify(capture.messages));
    assert.equal(
      dialogs[0].message,
      'Purge 2 ImageKit requests (local emulator) and 1 imgix request (local emulator)?',
    );
    assert.equal(
      dialogs[0].detail,
      [
        'ImageKit:',
        '  https://ik.imagekit.io/demo/images/hero.png',
        '  https://ik.imagekit.io/demo/images/logo.png',
        'imgix:',
        '  https://assets.imgix.net/downloads/brochure-cover.png',
      ].join('\n'),
    );
    assert.deepEqual(dialogs[0].items, ['Purge']);
    assert.ok(out);
    assert.deepEqual(
      out.runs.map((r) => [r.provider.id, r.stage, r.results.length]),
      [
        ['imagekit', 'sent', 2],
        ['imgix', 'sent', 1],
      ],
    );
    assert.equal(await posted('imagekit'), 2);
    assert.equal(await posted('imgix'), 1);
  });

  it('several URLs with refused ones: one dialog that names the refused and why; "Purge the Valid Ones" sends the rest', async () => {
    const urls = [
      'https://ik.imagekit.io/demo/mixed/a.jpg',
      'https://ik.imagekit.io/demo/mixed/b.jpg',
      'https://ik.imagekit.io/demo/*',
      'https://assets.imgix.net/mixed/c.png',
      'https://assets.imgix.net/mixed/*',
    ];
    const capture = captureMessages((m) => (m.modal ? 'Purge the Valid Ones' : undefined));
    let out: PurgeOutcome | undefined;
    try {
      out = await vscode.commands.executeCommand<PurgeOutcome | undefined>('cdnPurge.purgeUrl', urls);
    } finally {
      capture.restore();
    }
    const dialogs = capture.messages.filter((m) => m.modal);
    assert.equal(dialogs.length, 1, JSON.stringify(capture.messages));
    assert.equal(
      dialogs[0].message,
      'Purge 2 ImageKit requests (local emulator) and 1 imgix request (local emulator)?',
    );
    assert.deepEqual(dialogs[0].items, ['Purge the Valid Ones']);
    const detail = String(dialogs[0].detail);
    assert.match(detail, /Refused, not sent \(2\):/);
    assert.match(
      detail,
      /^ {2}https:\/\/ik\.imagekit\.io\/demo\/\* — ImageKit: This wildcard is too broad for ImageKit/m,
    );
    assert.match(detail, /^ {2}https:\/\/assets\.imgix\.net\/mixed\/\* — imgix: imgix has no wildcard purge/m);
    assert.ok(out);
    assert.deepEqual(
      out.results.map((r) => r.url),
      [
        'https://ik.imagekit.io/demo/mixed/a.jpg',
        'https://ik.imagekit.io/demo/mixed/b.jpg',
        'https://assets.imgix.net/mixed/c.png',
      ],
    );
    assert.deepEqual(
      out.invalid.map((t) => t.input),
      ['https://ik.imagekit.io/demo/*', 'https://assets.imgix.net/mixed/*'],
    );
    assert.equal(await posted('imagekit'), 2);
    assert.equal(await posted('imgix'), 1);
  });

  it('dismissed, nothing of either provider is sent', async () => {
    const capture = captureMessages(() => undefined);
    let out: PurgeOutcome | undefined;
    try {
      out = await vscode.commands.executeCommand<PurgeOutcome | undefined>('cdnPurge.purgeUrl', [
        'https://ik.imagekit.io/demo/mixed/d.jpg',
        'https://assets.imgix.net/mixed/e.png',
      ]);
    } finally {
      capture.restore();
    }
    assert.equal(out, undefined);
    assert.equal(capture.messages.filter((m) => m.modal).length, 1);
    assert.equal(await posted('imagekit'), 0);
    assert.equal(await posted('imgix'), 0);
  });
});
