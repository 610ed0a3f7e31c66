// The confirmation before a purge of several URLs or a wildcard (cdnPurge.confirm, on by default; the other suites
// turn it off): what it says, that dismissing it sends nothing, that "Purge" sends the batch. The test answers the
// dialog through the `vscode` API the extension calls (showWarningMessage): a window that runs extension tests never
// shows a modal dialog (VS Code's DialogService refuses them there, and the call fails), so it cannot be clicked.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { PurgeOutcome } from '../../src/host/purgeService';
import { captureMessages, confirmingOnEmulator, emulatorPurges } from './helpers';

const URLS = ['https://ik.imagekit.io/demo/confirm/a.jpg', 'https://ik.imagekit.io/demo/confirm/b.jpg'];

async function posts(): Promise<unknown[]> {
  return (await emulatorPurges('imagekit')).map((x) => x.body);
}

describe('Confirmation before purging (cdnPurge.confirm on)', function () {
  this.timeout(60_000);

  confirmingOnEmulator();

  it('asks what will be purged; dismissed, nothing is sent', async () => {
    const capture = captureMessages(() => undefined);
    let outcome: PurgeOutcome | undefined;
    try {
      outcome = await vscode.commands.executeCommand<PurgeOutcome | undefined>('cdnPurge.purgeUrl', URLS);
    } finally {
      capture.restore();
    }
    assert.equal(outcome, undefined);
    const dialogs = capture.messages.filter((m) => m.modal);
    assert.equal(dialogs.length, 1, JSON.stringify(capture.messages));
    assert.equal(dialogs[0].message, 'Purge 2 ImageKit requests (local emulator)?');
    assert.equal(dialogs[0].detail, URLS.join('\n'));
    assert.deepEqual(dialogs[0].items, ['Purge']);
    assert.deepEqual(await posts(), [], 'nothing reached the emulator');
  });

  it('a wildcard says what it covers; "Purge" sends it', async () => {
    const wildcard = 'https://ik.imagekit.io/demo/confirm/folder/*';
    const capture = captureMessages((m) => (m.modal ? 'Purge' : undefined));
    let outcome: PurgeOutcome | undefined;
    try {
      outcome = await vscode.commands.executeCommand<PurgeOutcome | undefined>('cdnPurge.purgeUrl', wildcard);
    } finally {
      capture.restore();
    }
    const dialog = capture.messages.find((m) => m.modal);
    assert.equal(dialog?.message, 'Purge 1 ImageKit request (local emulator)?');
    assert.match(dialog?.detail ?? '', /1 wildcard: every URL starting with the part before \* is purged\./);
    assert.equal(outcome?.results[0].status, 'accepted');
    assert.deepEqual(await posts(), [{ url: wildcard }]);
  });

  it('one exact URL is purged without asking', async () => {
    const capture = captureMessages();
    try {
      const outcome = await vscode.commands.executeCommand<PurgeOutcome>('cdnPurge.purgeUrl', URLS[0]);
      assert.equal(outcome.results[0].status, 'accepted');
    } finally {
      capture.restore();
    }
    assert.deepEqual(
      capture.messages.filter((m) => m.modal),
      [],
    );
  });
});
